// lib/k8s against a real demo cluster over HTTPS: connection from its kubeconfig, cluster info,
// paginated node listing, and the error mapping for real 401/403/TLS failures.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBE_VERSION } from '../../sim/discovery';
import { startTestCluster, kubeConfigFor, type TestCluster } from '../../sim/testing';
import { fetchClusterInfo } from './cluster';
import { kubeConfigForToken, resolveConnection, type Connection } from './connection';
import { ClusterError, toClusterError } from './errors';
import { listNodes, summarizeNodes } from './nodes';

let c: TestCluster;
let conn: Connection;
const nodeListQueries: URLSearchParams[] = [];

beforeAll(async () => {
  c = await startTestCluster();
  c.server.use(async (ctx, next) => {
    if (ctx.path === '/api/v1/nodes' && ctx.method === 'GET') nodeListQueries.push(new URLSearchParams(ctx.query));
    await next();
  });
  conn = resolveConnection({ KUBECONFIG: c.kubeconfigPath, BTD_DEMO: '1' });
});
afterAll(async () => {
  await c?.dispose();
});

describe('against the demo cluster', () => {
  it('resolves the demo kubeconfig: context demo, the server URL, CA data, TLS verified', () => {
    expect(conn.context).toBe('demo');
    expect(conn.cluster.server).toBe(c.url);
    expect(Buffer.from(conn.cluster.caData ?? '', 'base64').toString()).toBe(c.caPem);
    expect(conn.cluster.skipTLSVerify).toBe(false);
    expect(conn.demo).toBe(true);
  });

  it('reads cluster info: OpenShift (config.openshift.io served) and the server version', async () => {
    const info = await fetchClusterInfo(conn);
    expect(info.flavor).toBe('openshift');
    expect(info.kubernetesVersion).toBe(KUBE_VERSION.gitVersion);
    expect(info.context).toBe('demo');
    expect(info.server).toBe(c.url);
    expect(info.demo).toBe(true);
  });

  it('lists the six seeded nodes as plain DTOs, control plane first', async () => {
    const nodes = await listNodes({ kubeConfig: conn.kubeConfig });
    expect(nodes).toHaveLength(6);
    const cp = nodes.filter((n) => n.roles.includes('control-plane'));
    const workers = nodes.filter((n) => n.roles.includes('worker'));
    expect(cp).toHaveLength(3);
    expect(workers).toHaveLength(3);
    expect(nodes.slice(0, 3).every((n) => n.roles.includes('control-plane'))).toBe(true);
    for (const n of nodes) {
      expect(Object.getPrototypeOf(n)).toBe(Object.prototype);
      expect(n.ready).toBe('True');
      expect(n.kubeletVersion).toMatch(/^v1\.\d+\.\d+/);
      expect(n.internalIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(typeof n.creationTimestamp).toBe('string');
      expect(n.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    // Survives a JSON round trip unchanged: nothing but plain data crosses into client components.
    expect(JSON.parse(JSON.stringify(nodes))).toEqual(nodes);
    expect(summarizeNodes(nodes)).toEqual({ total: 6, ready: 6, notReady: 0, unknown: 0, unschedulable: 0 });
  });

  it('pages through the list with limit and continue', async () => {
    nodeListQueries.length = 0;
    const nodes = await listNodes({ kubeConfig: conn.kubeConfig, pageSize: 4 });
    expect(nodes).toHaveLength(6);
    expect(new Set(nodes.map((n) => n.name)).size).toBe(6);
    expect(nodeListQueries).toHaveLength(2);
    expect(nodeListQueries[0]!.get('limit')).toBe('4');
    expect(nodeListQueries[0]!.get('continue')).toBeNull();
    expect(nodeListQueries[1]!.get('continue')).toBeTruthy();
  });

  it('default page size is 500 (never an unbounded list)', async () => {
    nodeListQueries.length = 0;
    await listNodes({ kubeConfig: conn.kubeConfig });
    expect(nodeListQueries[0]!.get('limit')).toBe('500');
  });

  it('shows a cordoned node as unschedulable', async () => {
    const core = c.kc.makeApiClient(CoreV1Api);
    const name = (await listNodes({ kubeConfig: conn.kubeConfig })).find((n) => n.roles.includes('worker'))!.name;
    const node = await core.readNode({ name });
    node.spec = { ...node.spec, unschedulable: true };
    await core.replaceNode({ name, body: node });
    try {
      const after = await listNodes({ kubeConfig: conn.kubeConfig });
      expect(after.find((n) => n.name === name)?.unschedulable).toBe(true);
      expect(summarizeNodes(after).unschedulable).toBe(1);
    } finally {
      const fresh = await core.readNode({ name });
      fresh.spec = { ...fresh.spec, unschedulable: false };
      await core.replaceNode({ name, body: fresh });
    }
  });

  it('kubeConfigForToken talks to the same server with the given identity', async () => {
    const kc = kubeConfigForToken(c.viewerToken, conn);
    const nodes = await listNodes({ kubeConfig: kc });
    expect(nodes).toHaveLength(6);
  });

  it('maps a bad token to unauthorized (real 401)', async () => {
    const kc = kubeConfigForToken('not-a-valid-token', conn);
    const err = await listNodes({ kubeConfig: kc }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).kind).toBe('unauthorized');
    expect((err as ClusterError).message).toContain(c.url);
    expect((err as ClusterError).message).not.toContain('not-a-valid-token');
  });

  it('maps a refused write to forbidden with the message the server wrote (real 403)', async () => {
    const core = c.viewerKc.makeApiClient(CoreV1Api);
    const name = (await listNodes({ kubeConfig: conn.kubeConfig }))[0]!.name;
    const err = await core.deleteNode({ name }).catch((e: unknown) => e);
    const e = toClusterError(err);
    expect(e.kind).toBe('forbidden');
    expect(e.status).toBe(403);
    expect(e.message).toContain('"viewer"');
    expect(e.message).toContain('nodes');
  });

  it('maps a missing object to notfound (real 404)', async () => {
    const core = c.kc.makeApiClient(CoreV1Api);
    const e = toClusterError(await core.readNode({ name: 'no-such-node' }).catch((x: unknown) => x));
    expect(e.kind).toBe('notfound');
    expect(e.message).toBe('nodes "no-such-node" not found');
  });

  it('refuses a server whose certificate is not signed by the kubeconfig CA (tls)', async () => {
    // Another demo cluster's CA: a valid certificate, but not this server's.
    const other = await startTestCluster();
    try {
      const kc = kubeConfigFor(c.url, other.caPem, c.adminToken, 'wrong-ca');
      const err = await listNodes({ kubeConfig: kc }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClusterError);
      expect((err as ClusterError).kind).toBe('tls');
      // And with no CA at all (system roots only) it is refused too.
      const bare = new KubeConfig();
      bare.loadFromOptions({
        clusters: [{ name: 'x', server: c.url, skipTLSVerify: false }],
        users: [{ name: 'x', token: c.adminToken }],
        contexts: [{ name: 'x', cluster: 'x', user: 'x' }],
        currentContext: 'x',
      });
      const err2 = await listNodes({ kubeConfig: bare }).catch((e: unknown) => e);
      expect((err2 as ClusterError).kind).toBe('tls');
    } finally {
      await other.dispose();
    }
  });

  it('gives up on a server that accepts connections but never answers (timeout → unreachable)', async () => {
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    const prev = process.env.BTD_K8S_TIMEOUT_MS;
    process.env.BTD_K8S_TIMEOUT_MS = '400';
    try {
      const kc = kubeConfigFor(`https://127.0.0.1:${port}`, c.caPem, 't', 'silent');
      const t0 = Date.now();
      const err = await listNodes({ kubeConfig: kc }).catch((e: unknown) => e);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect((err as ClusterError).kind).toBe('unreachable');
      expect((err as ClusterError).message).toMatch(/did not answer in time/);
    } finally {
      if (prev === undefined) delete process.env.BTD_K8S_TIMEOUT_MS;
      else process.env.BTD_K8S_TIMEOUT_MS = prev;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
