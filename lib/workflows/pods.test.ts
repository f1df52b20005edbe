// Restart-all-pods end to end on the demo cluster through real HTTPS at speed 600: the safe restart
// rolls every Deployment, StatefulSet and DaemonSet (OnDelete one pod at a time) while every
// Deployment with two or more replicas keeps a ready replica, leaves unmanaged pods alone; the
// procedure's way deletes every pod of a namespace; pause, resume and abort work and are recorded.
import { AppsV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterWithFaults } from '../../sim/faults/install';
import { startTestCluster, type TestCluster } from '../../sim/testing';
import { WorkflowEngine, WorkflowError } from './engine';
import type { PodRestartOptions, WorkflowEvent, WorkflowState } from './types';

let c: TestCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
const engines: WorkflowEngine[] = [];

function engine(identity: string): WorkflowEngine {
  const e = new WorkflowEngine({ kubeConfig: c.kc, identity, leaseDurationSeconds: 1, pollMs: 40, namespace: 'bound-token-dashboard' });
  engines.push(e);
  return e;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

async function finished(e: WorkflowEngine, timeoutMs = 50_000): Promise<WorkflowState> {
  return until('the workflow to finish', async () => {
    const s = await e.current();
    return s && s.status !== 'running' && s.status !== 'paused' ? s : undefined;
  }, timeoutMs);
}

async function startPods(e: WorkflowEngine, options: Partial<PodRestartOptions>) {
  const plan = await e.plan('restart-all-pods', options);
  const state = await e.start({ kind: 'restart-all-pods', options, confirmation: plan.confirmation, initiator: { username: 'system:admin' }, userKubeConfig: c.kc });
  return { plan, state };
}

beforeAll(async () => {
  c = await startTestCluster({ speed: 600, namespaces: 3, podsPerNamespace: 2 });
  core = c.kc.makeApiClient(CoreV1Api);
  apps = c.kc.makeApiClient(AppsV1Api);
});

afterAll(async () => {
  for (const e of engines) e.crash();
  await c?.dispose();
});

describe('restart all pods', () => {
  it('safe restart: every workload rolled, each Deployment with ≥ 2 replicas keeps a ready replica throughout, unmanaged pods left alone', async () => {
    // An OnDelete StatefulSet and a bare pod, to see both handled deliberately.
    await apps.createNamespacedStatefulSet({
      namespace: 'app-0001',
      body: {
        metadata: { name: 'db' },
        spec: {
          replicas: 2,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          updateStrategy: { type: 'OnDelete' },
          template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'registry.access.redhat.com/ubi9/ubi:latest', command: ['sleep', 'infinity'] }] } },
        },
      },
    });
    await core.createNamespacedPod({ namespace: 'app-0002', body: { metadata: { name: 'bare' }, spec: { containers: [{ name: 'c', image: 'registry.access.redhat.com/ubi9/ubi:latest', command: ['sleep', 'infinity'] }] } } });
    await until('db and bare running', async () => {
      const ss = await apps.readNamespacedStatefulSet({ name: 'db', namespace: 'app-0001' });
      const bare = await core.readNamespacedPod({ name: 'bare', namespace: 'app-0002' });
      return (ss.status?.readyReplicas ?? 0) === 2 && bare.status?.phase === 'Running';
    });
    const dbBefore = (await core.listNamespacedPod({ namespace: 'app-0001', labelSelector: 'app=db' })).items.map((p) => p.metadata!.uid);

    // Watch every Deployment as the cluster changes it.
    const minReady = new Map<string, number>();
    const off = c.store.on('deployments.apps', (_t, obj) => {
      const d = obj as unknown as V1Deployment;
      if ((d.spec?.replicas ?? 0) < 2) return;
      const k = `${d.metadata?.namespace}/${d.metadata?.name}`;
      minReady.set(k, Math.min(minReady.get(k) ?? Infinity, d.status?.readyReplicas ?? 0));
    });
    const podsBefore = (await core.listPodForAllNamespaces()).items;

    const e = engine('dashboard-safe');
    const { plan } = await startPods(e, { includePlatform: true, concurrency: 3, pauseBetweenNamespacesSeconds: 0.05, rolloutTimeoutSeconds: 30 });
    expect(plan.leftAlone).toEqual(expect.arrayContaining([expect.objectContaining({ namespace: 'app-0002', name: 'bare' })]));
    expect(plan.namespaces!.find((n) => n.name === 'app-0001')!.workloads.map((w) => `${w.kind}/${w.name}:${w.action}`).sort()).toEqual(['Deployment/app:rollout-restart', 'StatefulSet/db:delete-pods-one-by-one']);
    expect(plan.excludedNamespaces).toEqual([]);
    const s = await finished(e);
    off();
    await e.dispose();
    expect(s.status, s.message).toBe('succeeded');

    // Throughout the run: every Deployment with 2+ replicas had a ready replica at every change.
    expect(minReady.size).toBeGreaterThanOrEqual(5);
    for (const [k, v] of minReady) expect(v, k).toBeGreaterThanOrEqual(1);

    // Every Deployment and DaemonSet carries the workflow's restartedAt stamp, and its old pods are gone.
    const deps = (await apps.listDeploymentForAllNamespaces()).items.filter((d) => (d.spec?.replicas ?? 0) > 0);
    for (const d of deps) expect(d.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], d.metadata?.name).toBe(s.stamp);
    const ds = await apps.readNamespacedDaemonSet({ name: 'dns-default', namespace: 'openshift-dns' });
    expect(ds.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(s.stamp);
    const now = (await core.listPodForAllNamespaces()).items;
    const survivors = podsBefore.filter((p) => now.some((n) => n.metadata?.uid === p.metadata?.uid));
    const names = survivors.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    // Only what was deliberately left alone survives: the bare pod, mirror and guard pods.
    expect(names).toContain('app-0002/bare');
    for (const p of survivors) {
      const own = p.metadata?.ownerReferences?.find((r) => r.controller)?.kind;
      expect(own === undefined || own === 'Node', `${p.metadata?.namespace}/${p.metadata?.name} (${own})`).toBe(true);
    }
    // The OnDelete StatefulSet's pods were all replaced.
    const dbAfter = (await core.listNamespacedPod({ namespace: 'app-0001', labelSelector: 'app=db' })).items;
    expect(dbAfter.map((p) => p.metadata!.uid).filter((u) => dbBefore.includes(u))).toEqual([]);
    expect(s.steps.find((x) => x.id === 'ns/app-0002')!.message).toContain('1 left for you');
  }, 60_000);

  it("the procedure's way deletes every pod of the chosen namespace and they come back", async () => {
    const before = (await core.listNamespacedPod({ namespace: 'app-0003' })).items.map((p) => p.metadata!.uid!);
    expect(before.length).toBe(2);
    const e = engine('dashboard-procedure');
    // What an SSE route would forward: the state first, then every change until the end.
    const seen: WorkflowEvent[] = [];
    const ac = new AbortController();
    let id = '';
    const consumed = (async () => {
      for await (const ev of e.events(ac.signal)) {
        seen.push(ev);
        // The first state may be the previous (finished) workflow's.
        if (ev.type === 'state' && ev.state.status === 'succeeded' && ev.state.id === id) break;
      }
    })();
    const { plan, state } = await startPods(e, { mode: 'procedure', includeNamespaces: ['app-0003'], pauseBetweenNamespacesSeconds: 0 });
    id = state.id;
    expect(plan.confirmation).toBe('delete 2 pods');
    expect(plan.warnings[0]).toContain('Be aware that running this command causes a service interruption');
    const s = await finished(e);
    expect(s.status, s.message).toBe('succeeded');
    expect(s.steps[0]).toMatchObject({ action: 'delete-namespace-pods', status: 'done', command: 'oc delete pods --all -n app-0003; sleep 0' });
    await consumed;
    ac.abort();
    expect(seen.some((ev) => ev.type === 'step' && ev.step.status === 'running')).toBe(true);
    expect(seen.some((ev) => ev.type === 'step' && ev.step.status === 'done')).toBe(true);
    expect(seen.at(-1)).toMatchObject({ type: 'state', state: { id: s.id, status: 'succeeded' } });
    await until('the pods recreated', async () => {
      const now = (await core.listNamespacedPod({ namespace: 'app-0003' })).items.filter((p) => !p.metadata?.deletionTimestamp);
      return now.length === 2 && now.every((p) => !before.includes(p.metadata!.uid!)) && now.every((p) => p.status?.phase === 'Running');
    });
    await e.dispose();
  }, 30_000);

  it('pauses after the current step, resumes, and aborts with who asked; control by another process goes through the ConfigMap', async () => {
    const e = engine('dashboard-control');
    await startPods(e, { includeNamespaces: ['app-*', 'default'], pauseBetweenNamespacesSeconds: 0.3 });
    const paused = await e.pause({ by: 'alice' });
    expect(paused.requested).toMatchObject({ action: 'pause', by: 'alice' });
    const p = await until('paused', async () => ((await e.current())?.status === 'paused' ? e.current() : undefined));
    expect(p!.log.some((l) => l.by === 'alice' && l.message.startsWith('paused before'))).toBe(true);
    const doneAtPause = p!.steps.filter((x) => x.status === 'done' || x.status === 'skipped').length;
    await new Promise((r) => setTimeout(r, 400));
    expect((await e.current())!.steps.filter((x) => x.status === 'done' || x.status === 'skipped').length).toBe(doneAtPause);
    // Another dashboard process (not the runner) may not start one, but may ask for the abort.
    const other = engine('dashboard-other');
    const busy = await startPods(other, {}).then(() => null, (x: unknown) => x);
    expect((busy as WorkflowError).code).toBe('busy');
    await e.resume({ by: 'bob' });
    expect((await e.current())!.status).toBe('running');
    await other.abort({ by: 'carol' });
    other.crash();
    const s = await finished(e);
    expect(s.status).toBe('aborted');
    expect(s.message).toMatch(/^aborted by carol/);
    expect(s.log.map((l) => `${l.by}: ${l.message}`)).toEqual(expect.arrayContaining(['bob: resumed', 'carol: abort requested']));
    const history = await e.history();
    expect(history.map((h) => h.status)).toEqual(['aborted', 'succeeded', 'succeeded']);
    await e.dispose();
  }, 40_000);

  it('rides out API errors: a failed patch is retried; failed state writes stall the run, which resumes from the stored step', async () => {
    const faults = (c as ClusterWithFaults).faults!;
    const revision = async (ns: string) => {
      const rss = (await apps.listNamespacedReplicaSet({ namespace: ns })).items.filter((r) => r.metadata?.ownerReferences?.[0]?.name === 'app');
      return Math.max(...rss.map((r) => Number(r.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0)));
    };
    const before = new Map<string, number>();
    for (const ns of ['app-0001', 'app-0002', 'app-0003']) before.set(ns, await revision(ns));
    const e = engine('dashboard-faults');
    const { state } = await startPods(e, { includeNamespaces: ['app-*'], pauseBetweenNamespacesSeconds: 0.1, rolloutTimeoutSeconds: 30 });
    // The next rollout restart patch fails twice (503), then the state ConfigMap refuses 4 writes.
    faults.state.addFail({ count: 2, code: 503, pathPrefix: '/apis/apps/v1/namespaces/app-', verb: 'patch' });
    faults.state.addFail({ count: 4, code: 503, pathPrefix: '/api/v1/namespaces/bound-token-dashboard/configmaps/bound-token-dashboard-workflow', verb: 'update' });
    const s = await finished(e, 40_000);
    expect(s.id).toBe(state.id);
    expect(s.status, s.message).toBe('succeeded');
    expect(s.log.some((l) => l.message.startsWith('resumed by dashboard-faults'))).toBe(true);
    // Nothing was restarted twice: each app Deployment went through exactly one more revision.
    for (const ns of ['app-0001', 'app-0002', 'app-0003']) {
      const d = await apps.readNamespacedDeployment({ name: 'app', namespace: ns });
      expect(d.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(s.stamp);
      expect(await revision(ns), ns).toBe(before.get(ns)! + 1);
    }
    await e.dispose();
  }, 50_000);

  it('after an issuer change: blocked while the kube-apiserver rolls out, then restarts only what started before the change', async () => {
    const custom = c.kc.makeApiClient(CustomObjectsApi);
    const kas = () => custom.getClusterCustomObject({ group: 'operator.openshift.io', version: 'v1', plural: 'kubeapiservers', name: 'cluster' }) as Promise<{ status: { conditions: { type: string; status: string }[] } }>;
    const progressing = async () => (await kas()).status.conditions.find((x) => x.type === 'NodeInstallerProgressing')?.status === 'True';
    await custom.patchClusterCustomObject(
      { group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster', body: { spec: { serviceAccountIssuer: 'https://issuer.workflows-test.example' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const e = engine('dashboard-issuer');
    const options: Partial<PodRestartOptions> = { includeNamespaces: ['app-0001'], onlyStartedBefore: 'issuer-change', pauseBetweenNamespacesSeconds: 0 };
    await until('the rollout to start', progressing, 10_000);
    const pre = await e.preflight('restart-all-pods', options).catch(() => null);
    if (pre && (await progressing())) {
      const f = pre.findings.find((x) => x.id === 'apiserver-rollout-in-progress');
      expect(f).toMatchObject({ blocks: true, severity: 'critical' });
      expect(pre.blocked).toBe(true);
    }
    await until('the rollout to finish', async () => !(await progressing()), 20_000);
    // A workload created after the change already has tokens from the new issuer.
    await apps.createNamespacedDeployment({
      namespace: 'app-0001',
      body: {
        metadata: { name: 'fresh' },
        spec: { replicas: 2, selector: { matchLabels: { app: 'fresh' } }, template: { metadata: { labels: { app: 'fresh' } }, spec: { containers: [{ name: 'c', image: 'registry.access.redhat.com/ubi9/httpd-24:latest' }] } } },
      },
    });
    await until('fresh ready', async () => ((await apps.readNamespacedDeployment({ name: 'fresh', namespace: 'app-0001' })).status?.readyReplicas ?? 0) === 2);
    const plan = await e.plan('restart-all-pods', options);
    expect(plan.cutoff).toMatch(/^\d{4}-\d\d-\d\dT/);
    const names = plan.namespaces!.flatMap((n) => n.workloads.map((w) => `${w.kind}/${w.name}`));
    expect(names).toContain('Deployment/app');
    expect(names).not.toContain('Deployment/fresh');
    const state = await e.start({ kind: 'restart-all-pods', options, confirmation: plan.confirmation, initiator: { username: 'system:admin' }, userKubeConfig: c.kc });
    expect(state.cutoff).toBe(plan.cutoff);
    const s = await finished(e);
    expect(s.status, s.message).toBe('succeeded');
    const ann = async (name: string) => (await apps.readNamespacedDeployment({ name, namespace: 'app-0001' })).spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    expect(await ann('app')).toBe(s.stamp);
    expect(await ann('fresh')).toBeUndefined();
    await e.dispose();
  }, 50_000);
});
