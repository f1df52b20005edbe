// Faults on purpose, observed from clients through real HTTPS: kube's Status bodies and Retry-After
// for the next N requests, latency, hangs, dropped watches (client-node's Watch sees its stream
// end), node and revision faults, the admin-only endpoint, and the demo:fault CLI.
import { spawn } from 'node:child_process';
import https from 'node:https';
import { join } from 'node:path';
import { ApiException, CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getOperator } from '../operator/install';
import { startTestCluster, type TestCluster } from '../testing';
import { SERVICE_UNAVAILABLE_MESSAGE, TOO_MANY_REQUESTS_MESSAGE, type ClusterWithFaults } from './install';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster();
});
afterAll(async () => {
  await c?.dispose();
});
afterEach(async () => {
  // Each test starts without faults.
  const r = await raw('DELETE', '/demo/v1/faults');
  expect(r.status).toBe(200);
});

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: any; text: string; ms: number };

function raw(method: string, path: string, opts: { token?: string | null; body?: unknown; timeoutMs?: number } = {}): Promise<Raw> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = opts.token === undefined ? c.adminToken : opts.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    // A fresh connection per request: a hung request must not block the next one on a shared socket.
    const req = https.request(`${c.url}${path}`, { method, headers, ca: c.caPem, agent: false }, (res) => {
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
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, ms: performance.now() - t0 });
      });
    });
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

const addFault = (spec: Record<string, unknown>) => raw('POST', '/demo/v1/faults', { body: spec });

describe('fail the next N requests', () => {
  it('503: exactly the next N requests get kube\'s ServiceUnavailable Status, then requests succeed', async () => {
    const added = await addFault({ type: 'fail', count: 3, code: 503 });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ kind: 'Fault', type: 'fail', count: 3, remaining: 3, code: 503 });
    for (let i = 0; i < 3; i++) {
      const r = await raw('GET', '/api/v1/namespaces/default');
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: SERVICE_UNAVAILABLE_MESSAGE, reason: 'ServiceUnavailable', code: 503 });
      expect(r.headers['retry-after']).toBeUndefined();
    }
    const ok = await raw('GET', '/api/v1/namespaces/default');
    expect(ok.status).toBe(200);
    expect(ok.body.metadata.name).toBe('default');
    expect((await raw('GET', '/demo/v1/faults')).body.items).toEqual([]);
  });

  it('429: Retry-After header and details.retryAfterSeconds, as client-node sees it', async () => {
    await addFault({ type: 'fail', count: 2, code: 429, retryAfterSeconds: 7 });
    const r = await raw('GET', '/api/v1/nodes');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: TOO_MANY_REQUESTS_MESSAGE,
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 7 },
      code: 429,
    });
    const core = c.kc.makeApiClient(CoreV1Api);
    const err = await core.listNamespace().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiException);
    const ae = err as ApiException<string>;
    expect(ae.code).toBe(429);
    expect(ae.headers['retry-after']).toBe('7');
    expect(JSON.parse(ae.body).reason).toBe('TooManyRequests');
    const list = await core.listNamespace();
    expect(list.items.some((n) => n.metadata?.name === 'default')).toBe(true);
  });

  it('429 without a Retry-After given defaults to 1 second', async () => {
    await addFault({ type: 'fail', code: 429 });
    const r = await raw('GET', '/api/v1/nodes');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('1');
    expect((await raw('GET', '/api/v1/nodes')).status).toBe(200);
  });

  it('500 only for the chosen verb and path prefix, with kube\'s InternalError wording', async () => {
    const pods = await raw('GET', '/api/v1/namespaces/default/pods');
    const name = pods.body.items[0].metadata.name as string;
    await addFault({ type: 'fail', count: 1, code: 500, verb: 'list', pathPrefix: '/api/v1/namespaces/default/pods' });
    expect((await raw('GET', '/api/v1/namespaces')).status).toBe(200); // other path
    expect((await raw('GET', '/api/v1/pods')).status).toBe(200); // list, other path
    expect((await raw('GET', `/api/v1/namespaces/default/pods/${name}`)).status).toBe(200); // get, not list
    // the first two did not consume it
    const r = await raw('GET', '/api/v1/namespaces/default/pods?limit=1');
    expect(r.status).toBe(500);
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Internal error occurred: etcdserver: request timed out',
      reason: 'InternalError',
      details: { causes: [{ message: 'etcdserver: request timed out' }] },
      code: 500,
    });
    expect((await raw('GET', '/api/v1/namespaces/default/pods?limit=1')).status).toBe(200);
  });

  it('an HTTP method in capitals filters by method; the fault endpoint itself is never faulted', async () => {
    await addFault({ type: 'fail', count: 1, code: 503, verb: 'POST' });
    const listed = await raw('GET', '/demo/v1/faults');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ type: 'fail', remaining: 1, verb: 'POST' });
    expect((await raw('GET', '/api/v1/namespaces')).status).toBe(200);
    const r = await raw('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fault-cm' } } });
    expect(r.status).toBe(503);
    expect((await raw('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fault-cm' } } })).status).toBe(201);
  });

  it('bad specs are 400 with a clear message', async () => {
    const bad = await addFault({ type: 'fail', code: 404 });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('code: Unsupported value: 404: supported values: 429, 500, 503');
    const noType = await addFault({ count: 1 });
    expect(noType.status).toBe(400);
    expect(noType.body.message).toBe('type: Required value');
    const unknown = await addFault({ type: 'explode' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/^type: Unsupported value: "explode": supported values: "fail"/);
    const verb = await addFault({ type: 'fail', verb: 'frobnicate' });
    expect(verb.status).toBe(400);
    expect((await raw('DELETE', '/demo/v1/faults?id=fail-999')).status).toBe(404);
  });
});

describe('latency and hangs (real time)', () => {
  it('adds the latency to every request while it lasts, then stops', async () => {
    const added = await addFault({ type: 'latency', ms: 400, durationSeconds: 1.5 });
    expect(added.body).toMatchObject({ type: 'latency', ms: 400, durationSeconds: 1.5 });
    const slow = await raw('GET', '/api/v1/namespaces/default');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(395);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await raw('GET', '/demo/v1/faults')).body.items).toEqual([]);
    // The best of three, so a busy machine's odd slow request does not decide it.
    const fast = Math.min(...(await Promise.all([0, 1, 2].map(() => raw('GET', '/api/v1/namespaces/default')))).map((r) => r.ms));
    expect(fast).toBeLessThan(390);
  });

  it('latency with jitter stays within ms..ms+jitter', async () => {
    await addFault({ type: 'latency', ms: 100, jitterMs: 200 });
    for (let i = 0; i < 3; i++) {
      const r = await raw('GET', '/api/v1/namespaces/default');
      expect(r.ms).toBeGreaterThanOrEqual(95);
      expect(r.ms).toBeLessThan(100 + 200 + 1000); // generous: the bound is the jitter, not the machine
    }
  });

  it('hang: a request with a short client timeout times out; after the hang requests are answered', async () => {
    await addFault({ type: 'hang', durationSeconds: 1.2 });
    const t0 = performance.now();
    await expect(raw('GET', '/api/v1/namespaces/default', { timeoutMs: 300 })).rejects.toThrow('client timeout');
    // A patient request made during the hang is answered when it ends.
    const waited = await raw('GET', '/api/v1/namespaces/default');
    expect(waited.status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1100);
    const after = await raw('GET', '/api/v1/namespaces/default', { timeoutMs: 1000 });
    expect(after.status).toBe(200);
  });

  it('clear ends a hang at once, releasing the held requests', async () => {
    await addFault({ type: 'hang', durationSeconds: 60 });
    const held = raw('GET', '/api/v1/namespaces/default');
    await new Promise((r) => setTimeout(r, 200));
    const cleared = await raw('DELETE', '/demo/v1/faults');
    expect(cleared.body.cleared).toBe(1);
    const r = await held;
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(5000);
  });
});

describe('drop watches', () => {
  it('ends every open watch; client-node\'s Watch done callback fires and a re-watch works', async () => {
    const w = new Watch(c.kc);
    const ns = await raw('GET', '/api/v1/namespaces');
    const rv = ns.body.metadata.resourceVersion as string;
    const done: Promise<unknown>[] = [];
    for (const path of ['/api/v1/namespaces', '/api/v1/pods']) {
      done.push(
        new Promise((resolve) => {
          void w.watch(path, { resourceVersion: rv }, () => {}, (err) => resolve(err ?? 'ended'));
        }),
      );
    }
    // Wait until the server counts both watches.
    for (let i = 0; i < 50 && c.server.stats.watchesOpen < 2; i++) await new Promise((r) => setTimeout(r, 20));
    const before = c.server.stats.watchesOpen;
    expect(before).toBeGreaterThanOrEqual(2);
    const r = await addFault({ type: 'drop-watches' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'Fault', type: 'drop-watches', dropped: before });
    const results = await Promise.race([Promise.all(done), new Promise((_, rej) => setTimeout(() => rej(new Error('watches did not end')), 5000))]);
    expect(results).toHaveLength(2);
    expect(c.server.stats.watchesOpen).toBe(0);
    // The client re-watches and gets events again.
    const again = new Promise<string>((resolve) => {
      void w.watch('/api/v1/namespaces/default/configmaps', { resourceVersion: rv }, (type, obj: any) => {
        if (obj?.metadata?.name === 'after-drop') resolve(type);
      }, () => {});
    });
    await raw('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after-drop' } } });
    expect(await again).toBe('ADDED');
    c.server.dropWatches();
  });
});

describe('node and revision faults', () => {
  it('node-down / node-up delegate to the workloads module and are listed', async () => {
    const cw = c as unknown as { workloads?: unknown };
    const saved = cw.workloads;
    const calls: [string, boolean][] = [];
    cw.workloads = { ...(saved as object), keepNodeDown: (n: string, d: boolean) => calls.push([n, d]) };
    try {
      const down = await addFault({ type: 'node-down', node: 'worker-1' });
      expect(down.status).toBe(201);
      const list = await raw('GET', '/demo/v1/faults');
      expect(list.body.items).toContainEqual(expect.objectContaining({ id: 'node-down/worker-1', type: 'node-down', node: 'worker-1' }));
      const up = await addFault({ type: 'node-up', node: 'worker-1' });
      expect(up.status).toBe(200);
      expect(calls).toEqual([
        ['worker-1', true],
        ['worker-1', false],
      ]);
      expect((await raw('GET', '/demo/v1/faults')).body.items).toEqual([]);
      const missing = await addFault({ type: 'node-down', node: 'worker-404' });
      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('nodes "worker-404" not found');
    } finally {
      cw.workloads = saved;
    }
  });

  it('node-down without the workloads module says so', async () => {
    const cw = c as unknown as { workloads?: unknown };
    const saved = cw.workloads;
    cw.workloads = undefined;
    try {
      const r = await addFault({ type: 'node-down', node: 'worker-1' });
      expect(r.status).toBe(409);
      expect(r.body.message).toMatch(/^workloads not installed/);
    } finally {
      cw.workloads = saved;
    }
  });

  it('revision-fail / revision-recover drive the operator; an unknown node is refused', async () => {
    const op = getOperator(c)!;
    const r = await addFault({ type: 'revision-fail', node: 'cp-1', message: 'installer: disk full' });
    expect(r.status).toBe(201);
    expect(op.activeFaults()).toEqual([expect.objectContaining({ nodeName: 'cp-1', message: 'installer: disk full' })]);
    const list = await raw('GET', '/demo/v1/faults');
    expect(list.body.items).toEqual([{ id: 'revision-fail/cp-1', type: 'revision-fail', node: 'cp-1', message: 'installer: disk full' }]);
    expect((await addFault({ type: 'revision-recover', node: 'cp-1' })).status).toBe(200);
    expect(op.activeFaults()).toEqual([]);
    const bad = await addFault({ type: 'revision-fail', node: 'worker-1' });
    expect(bad.status).toBe(409);
    expect(bad.body.message).toMatch(/node "worker-1" is not a control-plane node/);
    // Clearing one by id recovers it too.
    await addFault({ type: 'revision-fail', node: 'cp-2' });
    const cl = await raw('DELETE', '/demo/v1/faults?id=revision-fail%2Fcp-2');
    expect(cl.body.cleared).toBe(1);
    expect(op.activeFaults()).toEqual([]);
  });
});

describe('the endpoint is for cluster admins only', () => {
  it('viewer gets 403 in kube wording on every verb; no token gets 401', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const r = await raw(method, '/demo/v1/faults', { token: c.viewerToken, ...(method === 'POST' ? { body: { type: 'drop-watches' } } : {}) });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: `forbidden: User "viewer" cannot ${method.toLowerCase()} path "/demo/v1/faults"` });
    }
    const anon = await raw('GET', '/demo/v1/faults', { token: null });
    expect(anon.status).toBe(401);
    expect(anon.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    expect((c as ClusterWithFaults).faults!.list()).toEqual([]);
  });

  it('faults hit authenticated requests only: a request without a token is still a prompt 401', async () => {
    await addFault({ type: 'fail', count: 1, code: 503 });
    expect((await raw('GET', '/api/v1/namespaces', { token: null })).status).toBe(401);
    expect((await raw('GET', '/api/v1/namespaces', { token: c.viewerToken })).status).toBe(503);
  });
});

describe('the demo:fault CLI', () => {
  const cli = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'scripts/demo-fault.ts'), ...args, '--data-dir', c.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('error', reject);
      p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    });

  it('adds, lists and clears faults against a started cluster, and rejects bad input', async () => {
    const fail = await cli('fail', '--count', '2', '--code', '429', '--retry-after', '3');
    expect(fail.err).toBe('');
    expect(fail.code).toBe(0);
    expect(fail.out).toMatch(/^fail-\d+: next 2 request\(s\) fail with 429, Retry-After 3s$/m);
    const r = await raw('GET', '/api/v1/namespaces');
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('3');

    const lat = await cli('latency', '--ms', '800', '--for', '60s');
    expect(lat.code).toBe(0);
    const list = await cli('list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/next 1 request\(s\) fail with 429/);
    expect(list.out).toMatch(/\+800 ms on every request until 20/);

    const cleared = await cli('clear');
    expect(cleared.code).toBe(0);
    expect(cleared.out).toMatch(/^cleared 2 fault\(s\)$/m);
    expect((await raw('GET', '/api/v1/namespaces')).status).toBe(200);

    const drop = await cli('drop-watches');
    expect(drop.out).toMatch(/^dropped \d+ watch\(es\)$/m);

    const bad = await cli('fail', '--code', '404');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error: --code must be 500, 503 or 429, got 404/);
    const badDur = await cli('hang', '--for', 'soon');
    expect(badDur.code).toBe(2);
    expect(badDur.err).toMatch(/--for: invalid duration "soon"/);
    const unknown = await cli('explode');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command "explode"/);
    const server = await cli('revision-fail', 'worker-9');
    expect(server.code).toBe(1);
    expect(server.err).toMatch(/^error \(409\): node "worker-9" is not a control-plane node/);
  }, 60_000);
});
