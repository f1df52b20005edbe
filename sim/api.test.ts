// The demo cluster's REST API through real HTTPS with @kubernetes/client-node 1.4.0: lists with
// selectors and pagination, watches (resume, 410), every patch type, conflicts and error bodies.
import https from 'node:https';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './testing';

let c: TestCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let custom: CustomObjectsApi;

beforeAll(async () => {
  // A small watch history so a resourceVersion can be compacted within the test.
  c = await startTestCluster({ bare: true, storeOptions: { historyLimit: 50, historyMinKeep: 10, historyWindowMs: 1 } });
  core = c.kc.makeApiClient(CoreV1Api);
  apps = c.kc.makeApiClient(AppsV1Api);
  custom = c.kc.makeApiClient(CustomObjectsApi);
});
afterAll(async () => {
  await c?.dispose();
});

/** Raw HTTPS request (for status codes and bodies client-node hides). */
function raw(method: string, path: string, opts: { token?: string | null; body?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: any; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? c.adminToken : opts.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    const req = https.request(`${c.url}${path}`, { method, headers, ca: c.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

async function expectApiError(p: Promise<unknown>, code: number): Promise<any> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiException);
    const err = e as ApiException<unknown>;
    expect(err.code).toBe(code);
    return typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
  }
  throw new Error(`expected HTTP ${code}`);
}

function newPod(name: string, labels: Record<string, string> = {}): V1Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
}

describe('discovery and health', () => {
  it('serves /version and health checks without a token', async () => {
    const v = await raw('GET', '/version', { token: null });
    expect(v.status).toBe(200);
    expect(v.body.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(v.body.platform).toBe('linux/amd64');
    for (const p of ['/healthz', '/readyz', '/livez']) {
      const r = await raw('GET', p, { token: null });
      expect(r.status).toBe(200);
      expect(r.text).toBe('ok');
    }
  });

  it('lists resources with subresources in the real shapes', async () => {
    const core = await raw('GET', '/api/v1');
    const names = core.body.resources.map((r: any) => r.name);
    expect(names).toEqual(expect.arrayContaining(['pods', 'pods/eviction', 'pods/status', 'nodes/status', 'serviceaccounts/token', 'namespaces']));
    const pods = core.body.resources.find((r: any) => r.name === 'pods');
    expect(pods).toMatchObject({ singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], categories: ['all'] });
    expect(pods.verbs).toEqual(expect.arrayContaining(['get', 'list', 'watch', 'create', 'delete', 'patch']));
    const ev = core.body.resources.find((r: any) => r.name === 'pods/eviction');
    expect(ev).toMatchObject({ group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    const groups = await raw('GET', '/apis');
    expect(groups.body.kind).toBe('APIGroupList');
    const cfg = groups.body.groups.find((g: any) => g.name === 'config.openshift.io');
    expect(cfg.preferredVersion).toEqual({ groupVersion: 'config.openshift.io/v1', version: 'v1' });
    const op = await raw('GET', '/apis/operator.openshift.io/v1');
    expect(op.body.resources.find((r: any) => r.name === 'kubeapiservers')).toMatchObject({ namespaced: false, kind: 'KubeAPIServer', categories: ['coreoperators'] });
  });

  it('401s a request without a token or with a bad one, with a Status body', async () => {
    for (const token of [null, 'not-a-token']) {
      const r = await raw('GET', '/api/v1/nodes', { token });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  it('404s an unknown path with the generic Status', async () => {
    const r = await raw('GET', '/api/v1/widgets');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'the server could not find the requested resource', code: 404 });
  });
});

describe('lists', () => {
  it('lists nodes and pods with the seed shapes', async () => {
    const nodes = await core.listNode();
    expect(nodes.items).toHaveLength(6);
    const cp = nodes.items.filter((n) => n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] === '');
    expect(cp).toHaveLength(3);
    expect(cp[0]!.spec?.taints?.[0]).toMatchObject({ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' });
    const ready = nodes.items[0]!.status?.conditions?.find((x) => x.type === 'Ready');
    expect(ready).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(nodes.items[0]!.status?.nodeInfo?.kubeletVersion).toBe('v1.31.6');
    const pods = await core.listPodForAllNamespaces();
    expect(pods.items.length).toBeGreaterThan(15);
    expect(pods.items.every((p) => p.status?.phase === 'Running' && p.spec?.nodeName)).toBe(true);
  });

  it('filters with label selectors (=, !=, in, notin, exists, !key)', async () => {
    const all = await core.listPodForAllNamespaces();
    const byApp = (app: string) => all.items.filter((p) => p.metadata?.labels?.app === app).length;
    expect((await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=frontend' })).items).toHaveLength(3);
    expect((await core.listPodForAllNamespaces({ labelSelector: 'app in (frontend,guard)' })).items).toHaveLength(byApp('frontend') + byApp('guard'));
    const notFrontend = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app!=frontend' });
    expect(notFrontend.items.every((p) => p.metadata?.labels?.app !== 'frontend')).toBe(true);
    expect((await core.listPodForAllNamespaces({ labelSelector: 'pod-template-hash' })).items.length).toBeGreaterThan(5);
    expect((await core.listPodForAllNamespaces({ labelSelector: '!pod-template-hash,app notin (guard)' })).items.every((p) => !p.metadata?.labels?.['pod-template-hash'] && p.metadata?.labels?.app !== 'guard')).toBe(true);
    const workers = await core.listNode({ labelSelector: 'node-role.kubernetes.io/worker' });
    expect(workers.items.map((n) => n.metadata?.name)).toEqual(['worker-0', 'worker-1', 'worker-2']);
  });

  it('filters with field selectors', async () => {
    const onCp0 = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=cp-0' });
    expect(onCp0.items.length).toBeGreaterThan(0);
    expect(onCp0.items.every((p) => p.spec?.nodeName === 'cp-0')).toBe(true);
    const one = await core.listNode({ fieldSelector: 'metadata.name=worker-1' });
    expect(one.items.map((n) => n.metadata?.name)).toEqual(['worker-1']);
    const running = await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running,metadata.namespace=openshift-dns' });
    expect(running.items).toHaveLength(6);
  });

  it('paginates with limit/continue and remainingItemCount', async () => {
    const all = await core.listPodForAllNamespaces();
    const seen: string[] = [];
    let cont: string | undefined;
    let first = true;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 7, _continue: cont });
      expect(page.items.length).toBeLessThanOrEqual(7);
      if (first) {
        expect(page.metadata?.remainingItemCount).toBe(all.items.length - 7);
        first = false;
      }
      seen.push(...page.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
      cont = page.metadata?._continue || undefined;
    } while (cont);
    expect(seen).toEqual(all.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
  });

  it('serves a Table when asked as kubectl does', async () => {
    const r = await raw('GET', '/api/v1/nodes', { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' } });
    expect(r.body.kind).toBe('Table');
    expect(r.body.columnDefinitions.filter((d: any) => d.priority === 0).map((d: any) => d.name)).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    expect(r.body.rows[0].cells.slice(0, 3)).toEqual(['cp-0', 'Ready', 'control-plane,master']);
    expect(r.body.rows[0].object.kind).toBe('PartialObjectMetadata');
  });
});

describe('writes', () => {
  it('creates (201) with server-set fields, rejects duplicates (409) and honours dryRun', async () => {
    const created = await core.createNamespacedPod({ namespace: 'default', body: newPod('api-create', { t: 'create' }) });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const dup = await expectApiError(core.createNamespacedPod({ namespace: 'default', body: newPod('api-create') }), 409);
    expect(dup).toMatchObject({ reason: 'AlreadyExists', message: 'pods "api-create" already exists', details: { name: 'api-create', kind: 'pods' } });
    await core.createNamespacedPod({ namespace: 'default', body: newPod('api-dry'), dryRun: 'All' });
    await expectApiError(core.readNamespacedPod({ namespace: 'default', name: 'api-dry' }), 404);
  });

  it('409s an update with a stale resourceVersion', async () => {
    const sa = await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'api-sa' } } });
    const fresh = await core.replaceNamespacedServiceAccount({ namespace: 'default', name: 'api-sa', body: { ...sa, metadata: { ...sa.metadata, labels: { a: '1' } } } });
    expect(fresh.metadata?.labels).toEqual({ a: '1' });
    const body = await expectApiError(core.replaceNamespacedServiceAccount({ namespace: 'default', name: 'api-sa', body: { ...sa, metadata: { ...sa.metadata, labels: { a: '2' } } } }), 409);
    expect(body).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on serviceaccounts "api-sa": the object has been modified; please apply your changes to the latest version and try again',
    });
  });

  it('applies merge, JSON and strategic merge patches', async () => {
    await core.patchNode({ name: 'worker-0', body: { metadata: { labels: { merged: 'yes' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.patchNode({ name: 'worker-0', body: [{ op: 'add', path: '/metadata/labels/json', value: 'yes' }] }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch));
    const n = await core.patchNode({ name: 'worker-0', body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    expect(n.metadata?.labels).toMatchObject({ merged: 'yes', json: 'yes', 'kubernetes.io/hostname': 'worker-0' });
    expect(n.spec?.unschedulable).toBe(true);
    // Strategic merge keys containers by name instead of replacing the list.
    const dep = (await apps.listNamespacedDeployment({ namespace: 'default' })).items[0]!;
    const patched = await apps.patchNamespacedDeployment(
      { namespace: 'default', name: dep.metadata!.name!, body: { spec: { template: { spec: { containers: [{ name: dep.spec!.template.spec!.containers[0]!.name, image: 'nginx:2' }] } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.template.spec?.containers).toHaveLength(1);
    expect(patched.spec?.template.spec?.containers[0]).toMatchObject({ image: 'nginx:2', terminationMessagePath: '/dev/termination-log' });
  });

  it('patches the OpenShift custom resources; merge patch with a resourceVersion precondition', async () => {
    const auth = (await custom.getClusterCustomObject({ group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster' })) as any;
    expect(auth.spec.serviceAccountIssuer).toBe('');
    const out = (await custom.patchClusterCustomObject(
      { group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster', body: { metadata: { resourceVersion: auth.metadata.resourceVersion }, spec: { serviceAccountIssuer: 'https://issuer.example.com' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as any;
    expect(out.spec.serviceAccountIssuer).toBe('https://issuer.example.com');
    expect(out.spec.type).toBe('');
    const stale = await expectApiError(
      custom.patchClusterCustomObject(
        { group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster', body: { metadata: { resourceVersion: auth.metadata.resourceVersion }, spec: { serviceAccountIssuer: '' } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
      409,
    );
    expect(stale.message).toBe('Operation cannot be fulfilled on authentications.config.openshift.io "cluster": the object has been modified; please apply your changes to the latest version and try again');
    // client-node's default for custom objects is JSON patch: a merge-style body is rejected as kube does.
    const wrongType = await expectApiError(custom.patchClusterCustomObject({ group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster', body: { spec: {} } }), 400);
    expect(wrongType.message).toBe('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  });

  it('415s an unknown patch type and strategic merge on a custom resource', async () => {
    const r = await raw('PATCH', '/api/v1/nodes/worker-1', { body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
    const cr = await raw('PATCH', '/apis/config.openshift.io/v1/authentications/cluster', { body: '{}', headers: { 'Content-Type': 'application/strategic-merge-patch+json' } });
    expect(cr.status).toBe(415);
  });

  it('updates status only through /status on the operator resource', async () => {
    const kas = (await custom.getClusterCustomObject({ group: 'operator.openshift.io', version: 'v1', plural: 'kubeapiservers', name: 'cluster' })) as any;
    expect(kas.status.latestAvailableRevision).toBe(11);
    expect(kas.status.nodeStatuses.map((n: any) => n.currentRevision)).toEqual([11, 11, 11]);
    const ok = (await custom.patchClusterCustomObjectStatus(
      { group: 'operator.openshift.io', version: 'v1', plural: 'kubeapiservers', name: 'cluster', body: { status: { latestAvailableRevisionReason: 'test' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as any;
    expect(ok.status.latestAvailableRevisionReason).toBe('test');
  });

  it('deletes a pod (returning it) and a deployment (Status), and a collection by selector', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: newPod('api-del-1', { batch: 'x' }) });
    await core.createNamespacedPod({ namespace: 'default', body: newPod('api-del-2', { batch: 'x' }) });
    const del = await raw('DELETE', '/api/v1/namespaces/default/pods/api-del-1?gracePeriodSeconds=0');
    expect(del.status).toBe(200);
    expect(del.body.kind).toBe('Pod');
    await expectApiError(core.readNamespacedPod({ namespace: 'default', name: 'api-del-1' }), 404);
    await core.deleteCollectionNamespacedPod({ namespace: 'default', labelSelector: 'batch=x', gracePeriodSeconds: 0 });
    expect((await core.listNamespacedPod({ namespace: 'default', labelSelector: 'batch=x' })).items).toHaveLength(0);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'api-dep' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } },
    });
    const d = await raw('DELETE', '/apis/apps/v1/namespaces/default/deployments/api-dep', { body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }), headers: { 'Content-Type': 'application/json' } });
    expect(d.status, d.text).toBe(200);
    expect(d.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'api-dep', group: 'apps', kind: 'deployments' } });
  });

  it('scales a deployment through /scale', async () => {
    const dep = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'frontend' });
    expect(dep.spec?.replicas).toBe(3);
    const s = await apps.patchNamespacedDeploymentScale({ namespace: 'default', name: 'frontend', body: { spec: { replicas: 4 } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(s.spec?.replicas).toBe(4);
    expect((await apps.readNamespacedDeployment({ namespace: 'default', name: 'frontend' })).spec?.replicas).toBe(4);
  });

  it('rejects unknown fields with fieldValidation=Strict and warns with Warn', async () => {
    const strict = await raw('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fv' }, bogus: 1 }), headers: { 'Content-Type': 'application/json' } });
    expect(strict.status).toBe(400);
    expect(strict.body.message).toBe('strict decoding error: unknown field "bogus"');
    const warn = await raw('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fv' }, bogus: 1 }), headers: { 'Content-Type': 'application/json' } });
    expect(warn.status).toBe(201);
    expect(String(warn.headers.warning)).toBe('299 - "unknown field \\"bogus\\""');
  });
});

describe('errors', () => {
  it('403s the viewer with kube wording and details', async () => {
    const viewerCore = c.viewerKc.makeApiClient(CoreV1Api);
    expect((await viewerCore.listNode()).items).toHaveLength(6);
    const body = await expectApiError(viewerCore.patchNode({ name: 'worker-1', body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)), 403);
    expect(body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      message: 'nodes "worker-1" is forbidden: User "viewer" cannot patch resource "nodes" in API group "" at the cluster scope',
      details: { name: 'worker-1', kind: 'nodes' },
      code: 403,
    });
    const ns = await expectApiError(viewerCore.createNamespacedPod({ namespace: 'default', body: newPod('nope') }), 403);
    expect(ns.message).toBe('pods is forbidden: User "viewer" cannot create resource "pods" in API group "" in the namespace "default"');
  });

  it('404s a missing object with its qualified resource', async () => {
    const body = await expectApiError(custom.getClusterCustomObject({ group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'nope' }), 404);
    expect(body).toMatchObject({ reason: 'NotFound', message: 'authentications.config.openshift.io "nope" not found', details: { name: 'nope', group: 'config.openshift.io', kind: 'authentications' } });
  });

  it('422s an invalid object with causes', async () => {
    const body = await expectApiError(core.createNamespace({ body: { metadata: { name: 'Not_Valid' } } }), 422);
    expect(body.reason).toBe('Invalid');
    expect(body.details.causes[0]).toMatchObject({ field: 'metadata.name' });
  });

  it('405s a verb the resource does not support', async () => {
    const r = await raw('DELETE', '/api/v1/namespaces', { body: '' });
    expect(r.status).toBe(405);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
  });
});

describe('self reviews', () => {
  it('answers SelfSubjectReview and SelfSubjectAccessReview from the server chain', async () => {
    const who = await raw('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { token: c.viewerToken, body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }), headers: { 'Content-Type': 'application/json' } });
    expect(who.status).toBe(201);
    expect(who.body.status.userInfo).toEqual({ username: 'viewer', groups: ['system:authenticated'] });
    const ask = (token: string) =>
      raw('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { token, body: JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb: 'patch', resource: 'nodes' } } }), headers: { 'Content-Type': 'application/json' } });
    expect((await ask(c.adminToken)).body.status.allowed).toBe(true);
    expect((await ask(c.viewerToken)).body.status.allowed).toBe(false);
  });
});

describe('watch', () => {
  function collect(path: string, query: Record<string, string | number | boolean | undefined>, until: (events: { type: string; obj: any }[]) => boolean): Promise<{ type: string; obj: any }[]> {
    const events: { type: string; obj: any }[] = [];
    return new Promise((resolve, reject) => {
      let ctrl: AbortController | undefined;
      const timer = setTimeout(() => {
        ctrl?.abort();
        reject(new Error(`watch timed out with ${JSON.stringify(events.map((e) => e.type))}`));
      }, 10_000);
      new Watch(c.kc)
        .watch(
          path,
          query,
          (type, obj) => {
            events.push({ type, obj });
            if (until(events)) {
              clearTimeout(timer);
              ctrl?.abort();
              resolve(events);
            }
          },
          (err) => {
            if (err && (err as Error).name !== 'AbortError' && !events.length) {
              clearTimeout(timer);
              reject(err);
            }
          },
        )
        .then((a) => (ctrl = a), reject);
    });
  }

  it('delivers later changes from a resourceVersion', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const rv = list.metadata!.resourceVersion!;
    const p = collect('/api/v1/namespaces/default/configmaps', { resourceVersion: rv }, (ev) => ev.some((e) => e.type === 'DELETED'));
    await new Promise((r) => setTimeout(r, 200));
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'w1' }, data: { a: '1' } } });
    await core.patchNamespacedConfigMap({ namespace: 'default', name: 'w1', body: { data: { a: '2' } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'w1' });
    const events = await p;
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[1]!.obj.data).toEqual({ a: '2' });
    expect(Number(events[0]!.obj.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
  });

  it('sends ERROR 410 Expired for a compacted resourceVersion', async () => {
    const start = (await core.listNamespacedConfigMap({ namespace: 'default' })).metadata!.resourceVersion!;
    for (let i = 0; i < 60; i++) {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: `churn-${i}` } } });
    }
    const events = await collect('/api/v1/namespaces/default/configmaps', { resourceVersion: start }, (ev) => ev.length > 0);
    expect(events[0]!.type).toBe('ERROR');
    expect(events[0]!.obj).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(events[0]!.obj.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('closes the stream after timeoutSeconds', async () => {
    const t0 = Date.now();
    const r = await raw('GET', '/api/v1/namespaces/kube-public/configmaps?watch=1&resourceVersion=' + (await core.listNode()).metadata!.resourceVersion + '&timeoutSeconds=1');
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('sends BOOKMARK events to watchers that allow them', async () => {
    const rv = (await core.listNamespace()).metadata!.resourceVersion!;
    const p = collect('/api/v1/namespaces', { resourceVersion: rv, allowWatchBookmarks: true }, (ev) => ev.some((e) => e.type === 'BOOKMARK'));
    await new Promise((r) => setTimeout(r, 200));
    c.store.bookmark('namespaces');
    const events = await p;
    const bm = events.find((e) => e.type === 'BOOKMARK')!;
    expect(bm.obj).toMatchObject({ kind: 'Namespace', apiVersion: 'v1' });
    expect(Number(bm.obj.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
  });

  it('starts with ADDED for the current state when no resourceVersion is given', async () => {
    const events = await collect('/api/v1/nodes', {}, (ev) => ev.length >= 6);
    expect(events.slice(0, 6).every((e) => e.type === 'ADDED')).toBe(true);
  });
});
