// The API server's own machinery through real HTTPS: extension hooks (handleCreate,
// handleSubresource, handlePath, use), warnings and audit headers, Table rendering and Table
// watches, watch accounting, and the data dir (certs reused, kubeconfig rewritten, 0600 tokens).
import https from 'node:https';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerResource } from './resources';
import { buildSeed } from './seed';
import { humanDuration } from './table';
import { startTestCluster, type TestCluster } from './testing';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster({ bare: true });
});
afterAll(async () => {
  await c?.dispose();
});

function req(method: string, path: string, opts: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? c.adminToken : opts.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    if (payload !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const r = https.request(`${c.url}${path}`, { method, headers, ca: c.caPem }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let body: any;
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    r.on('error', reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

describe('humanDuration (kube duration.HumanDuration)', () => {
  it.each([
    [0, '0s'],
    [59_000, '59s'],
    [119_000, '119s'],
    [5 * 60_000 + 12_000, '5m12s'],
    [9 * 60_000, '9m'],
    [170 * 60_000, '170m'],
    [3 * 3600_000, '3h'],
    [7 * 3600_000 + 5 * 60_000, '7h5m'],
    [30 * 3600_000, '30h'],
    [(2 * 24 + 3) * 3600_000, '2d3h'],
    [45 * 24 * 3600_000, '45d'],
    [(3 * 365 + 10) * 24 * 3600_000, '3y10d'],
    [-5000, '<invalid>'],
  ])('%i ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('hooks', () => {
  it('handleCreate answers a registered create-only kind with 201', async () => {
    registerResource({ group: 'example.test', version: 'v1', kind: 'Echo', listKind: 'EchoList', plural: 'echoes', singular: 'echo', namespaced: false, verbs: ['create'], key: 'echoes.example.test', virtual: true });
    c.server.handleCreate('echoes.example.test', (ctx, body) => ({ apiVersion: 'example.test/v1', kind: 'Echo', user: ctx.user.username, got: body.spec }));
    const r = await req('POST', '/apis/example.test/v1/echoes', { body: { spec: { x: 1 } } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ apiVersion: 'example.test/v1', kind: 'Echo', user: 'system:admin', got: { x: 1 } });
    // The viewer may only read: the authorizer runs before the handler.
    const denied = await req('POST', '/apis/example.test/v1/echoes', { token: c.viewerToken, body: {} });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe('echoes.example.test is forbidden: User "viewer" cannot create resource "echoes" in API group "example.test" at the cluster scope');
  });

  it('handleSubresource routes a subresource to its handler with the parsed target', async () => {
    c.server.handleSubresource('serviceaccounts', 'token', 'POST', async (ctx, body) => ({ status: 201, body: { ns: ctx.namespace, name: ctx.name, sub: ctx.subresource, aud: body.spec.audiences } }));
    const r = await req('POST', '/api/v1/namespaces/default/serviceaccounts/build-robot/token', { body: { spec: { audiences: ['a'] } } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ ns: 'default', name: 'build-robot', sub: 'token', aud: ['a'] });
  });

  it('handlePath serves non-resource paths, anonymously only when asked', async () => {
    c.server.handlePath('GET', '/.well-known/test-anon', async () => ({ status: 200, body: JSON.stringify({ ok: true }) }), { anonymous: true });
    c.server.handlePath('GET', '/test-private', async (ctx) => ({ status: 200, body: JSON.stringify({ user: ctx.user.username }) }));
    expect((await req('GET', '/.well-known/test-anon', { token: null })).body).toEqual({ ok: true });
    expect((await req('GET', '/test-private', { token: null })).status).toBe(401);
    expect((await req('GET', '/test-private')).body).toEqual({ user: 'system:admin' });
    const bad = await req('GET', '/.well-known/test-anon', { token: 'wrong' });
    expect(bad.status).toBe(401);
  });

  it('use() middleware sees the request and its warnings become Warning headers', async () => {
    const seen: string[] = [];
    c.server.use(async (ctx, next) => {
      if (ctx.resource?.plural === 'configmaps') {
        seen.push(`${ctx.method} ${ctx.namespace}/${ctx.resource.plural}`);
        ctx.warnings.push('configmaps are watched by a test');
      }
      await next();
    });
    const r = await req('GET', '/api/v1/namespaces/default/configmaps');
    expect(r.status).toBe(200);
    expect(r.headers.warning).toBe('299 - "configmaps are watched by a test"');
    expect(r.headers['audit-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers['content-type']).toBe('application/json');
    expect(seen).toContain('GET default/configmaps');
  });
});

describe('tables', () => {
  const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

  it('renders pods with READY/STATUS/RESTARTS and wide columns', async () => {
    const r = await req('GET', '/api/v1/namespaces/openshift-kube-apiserver/pods/kube-apiserver-cp-1', { headers: { Accept: TABLE } });
    expect(r.body.columnDefinitions.map((d: any) => [d.name, d.priority])).toEqual([
      ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
    ]);
    const cells = r.body.rows[0].cells;
    expect(cells.slice(0, 4)).toEqual(['kube-apiserver-cp-1', '5/5', 'Running', '0']);
    expect(cells.slice(5)).toEqual(['10.0.1.11', 'cp-1', '<none>', '<none>']);
  });

  it('uses the CRD printer columns, or NAME/AGE for CRDs without them', async () => {
    const co = await req('GET', '/apis/config.openshift.io/v1/clusteroperators', { headers: { Accept: TABLE } });
    expect(co.body.columnDefinitions.map((d: any) => d.name)).toEqual(['Name', 'Version', 'Available', 'Progressing', 'Degraded', 'Since']);
    const kas = await req('GET', '/apis/operator.openshift.io/v1/kubeapiservers', { headers: { Accept: TABLE } });
    expect(kas.body.columnDefinitions.map((d: any) => [d.name, d.type])).toEqual([['Name', 'string'], ['Age', 'date']]);
    expect(kas.body.rows[0].cells).toEqual(['cluster', '45d']);
  });

  it('includeObject=Object embeds the full object, None none', async () => {
    const full = await req('GET', '/api/v1/nodes/cp-0?includeObject=Object', { headers: { Accept: TABLE } });
    expect(full.body.rows[0].object.kind).toBe('Node');
    const none = await req('GET', '/api/v1/nodes/cp-0?includeObject=None', { headers: { Accept: TABLE } });
    expect(none.body.rows[0].object).toBeUndefined();
  });

  it('a Table watch sends column definitions only with the first event', async () => {
    const rv = (await req('GET', '/api/v1/nodes')).body.metadata.resourceVersion;
    const lines = await new Promise<string[]>((resolve, reject) => {
      const r = https.request(`${c.url}/api/v1/nodes?watch=1&resourceVersion=${rv}&timeoutSeconds=2`, { headers: { Authorization: `Bearer ${c.adminToken}`, Accept: TABLE }, ca: c.caPem }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text.trim().split('\n')));
      });
      r.on('error', reject);
      r.end();
      setTimeout(async () => {
        await req('PATCH', '/api/v1/nodes/worker-0', { body: { metadata: { labels: { a: '1' } } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
        await req('PATCH', '/api/v1/nodes/worker-0', { body: { metadata: { labels: { a: '2' } } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
      }, 200);
    });
    const events = lines.map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'MODIFIED']);
    expect(events[0].object.kind).toBe('Table');
    expect(events[0].object.columnDefinitions.length).toBe(10);
    expect(events[1].object.columnDefinitions).toEqual([]);
    expect(events[1].object.rows[0].cells[0]).toBe('worker-0');
  });
});

describe('watch accounting', () => {
  it('counts open watches and releases them when the client goes away', async () => {
    const before = c.server.stats.watchesOpen;
    const r = https.request(`${c.url}/api/v1/namespaces/default/pods?watch=true`, { headers: { Authorization: `Bearer ${c.adminToken}` }, ca: c.caPem });
    r.end();
    await new Promise<void>((resolve) => r.on('response', () => resolve()));
    expect(c.server.stats.watchesOpen).toBe(before + 1);
    expect(c.server.stats.watchesByResource.get('pods')).toBeGreaterThanOrEqual(1);
    r.destroy();
    for (let i = 0; i < 50 && c.server.stats.watchesOpen !== before; i++) await new Promise((res) => setTimeout(res, 20));
    expect(c.server.stats.watchesOpen).toBe(before);
  });
});

describe('data dir', () => {
  it('writes a kubeconfig with CA data and 0600 token files; certificates survive a restart', async () => {
    const kc = parseYaml(readFileSync(c.kubeconfigPath, 'utf8'));
    expect(kc['current-context']).toBe('demo');
    expect(kc.clusters[0]).toEqual({ name: 'demo', cluster: { 'certificate-authority-data': Buffer.from(c.caPem).toString('base64'), server: c.url } });
    expect(kc.users[0]).toEqual({ name: 'admin', user: { token: c.adminToken } });
    for (const f of ['admin.token', 'viewer.token', 'kubeconfig', 'ca.key', 'apiserver.key']) {
      expect(statSync(join(c.dataDir, f)).mode & 0o777, f).toBe(0o600);
    }
    const cert = new X509Certificate(readFileSync(join(c.dataDir, 'apiserver.crt')));
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:kubernetes.default.svc');
    expect(cert.verify(new X509Certificate(c.caPem).publicKey)).toBe(true);

    const again = await startTestCluster({ bare: true, dataDir: c.dataDir });
    try {
      expect(again.caPem).toBe(c.caPem);
      expect(again.adminToken).toBe(c.adminToken);
      expect(again.port).not.toBe(c.port);
      expect(parseYaml(readFileSync(again.kubeconfigPath, 'utf8')).clusters[0].cluster.server).toBe(again.url);
    } finally {
      await again.close();
    }
  });
});

describe('seed at scale', () => {
  it('builds 5,000 nodes, 2,000 app namespaces and 100,000 app pods with unique names', () => {
    const t0 = Date.now();
    const items = buildSeed(Date.now(), { nodes: 5000, namespaces: 2000, podsPerNamespace: 50 });
    expect(Date.now() - t0).toBeLessThan(20_000);
    const count = (k: string) => items.filter((i) => i.key === k).length;
    expect(count('nodes')).toBe(5000);
    expect(items.filter((i) => i.key === 'nodes' && 'node-role.kubernetes.io/control-plane' in (i.obj.metadata.labels ?? {}))).toHaveLength(3);
    expect(count('namespaces')).toBeGreaterThanOrEqual(2011);
    const pods = items.filter((i) => i.key === 'pods');
    expect(pods.filter((p) => p.obj.metadata.namespace!.startsWith('app-'))).toHaveLength(100_000);
    const names = new Set(pods.map((p) => `${p.obj.metadata.namespace}/${p.obj.metadata.name}`));
    expect(names.size).toBe(pods.length);
    // One dns-default pod per node.
    expect(pods.filter((p) => p.obj.metadata.namespace === 'openshift-dns')).toHaveLength(5000);
  });
});

describe('legacy watch path', () => {
  it('serves /api/v1/watch/namespaces/<ns>/<resource>/<name>', async () => {
    const rv = (await req('GET', '/api/v1/namespaces/default/serviceaccounts')).body.metadata.resourceVersion;
    const got = new Promise<any>((resolve, reject) => {
      const r = https.request(`${c.url}/api/v1/watch/namespaces/default/serviceaccounts/build-robot?resourceVersion=${rv}&timeoutSeconds=2`, { headers: { Authorization: `Bearer ${c.adminToken}` }, ca: c.caPem }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))));
      });
      r.on('error', reject);
      r.end();
    });
    await new Promise((r) => setTimeout(r, 200));
    await req('PATCH', '/api/v1/namespaces/default/serviceaccounts/default', { body: { metadata: { labels: { other: 'x' } } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    await req('PATCH', '/api/v1/namespaces/default/serviceaccounts/build-robot', { body: { metadata: { labels: { mine: 'x' } } }, headers: { 'Content-Type': 'application/merge-patch+json' } });
    const events = await got;
    expect(events.map((e: any) => [e.type, e.object.metadata.name])).toEqual([['MODIFIED', 'build-robot']]);
  });
});
