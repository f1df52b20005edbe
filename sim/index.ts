// startDemoCluster: wires the demo cluster together — clock, store, seed, TLS material, tokens,
// kubeconfig, the API server — and installs the behaviour modules (rbac, tokens, operator,
// workloads, faults) that exist in this tree through their install(cluster) functions.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ADMIN_USER, StaticTokenAuthenticator, VIEWER_USER } from './auth';
import { ensureCerts } from './certs';
import { Clock } from './clock';
import { pinnableClock, seedStore } from './seed';
import { createApiServer, type ApiServer } from './server';
import { Store, type StoreOptions } from './store';
import { installFaults } from './faults/install';
import { installOperator } from './operator/install';
import { installRbac } from './rbac/install';
import { installTokens } from './tokens/install';
import { installWorkloads, type WorkloadsHandle } from './workloads/install';

export interface DemoClusterOptions {
  dataDir?: string; // default ".data/demo"
  port?: number; // 0 = a free port
  speed?: number;
  nodes?: number;
  namespaces?: number;
  podsPerNamespace?: number;
  quiet?: boolean;
  /** Skip the behaviour modules (tests of the bare API machinery). */
  bare?: boolean;
  /** Store tuning (e.g. a small watch history so tests can reach 410 Expired). */
  storeOptions?: StoreOptions;
}

export interface DemoCluster {
  url: string;
  port: number;
  dataDir: string;
  kubeconfigPath: string;
  adminToken: string;
  viewerToken: string;
  caPem: string;
  store: Store;
  clock: Clock;
  server: ApiServer;
  /** --service-account-issuer values the kube-apiserver serves now; the first one signs. */
  serviceAccountIssuers: () => string[];
  apiServerUrl: string;
  /** Set by installWorkloads: node faults such as keepNodeDown. */
  workloads?: WorkloadsHandle;
  close(): Promise<void>;
}

function ensureToken(path: string): string {
  if (existsSync(path)) {
    const t = readFileSync(path, 'utf8').trim();
    if (t) return t;
  }
  const t = randomBytes(32).toString('base64url');
  writeFileSync(path, t + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return t;
}

export function kubeconfigYaml(url: string, caPem: string, adminToken: string, viewerToken: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'demo', cluster: { 'certificate-authority-data': ca, server: url } }],
    contexts: [
      { name: 'demo', context: { cluster: 'demo', user: 'admin' } },
      { name: 'demo-viewer', context: { cluster: 'demo', user: 'viewer' } },
    ],
    'current-context': 'demo',
    preferences: {},
    users: [
      { name: 'admin', user: { token: adminToken } },
      { name: 'viewer', user: { token: viewerToken } },
    ],
  });
}

// Behaviour modules, in install order: RBAC first (it replaces the interim authorizer), then the
// token endpoints, then the controllers that act on the seeded objects.
async function installModules(c: DemoCluster, quiet: boolean) {
  const modules: [string, (c: DemoCluster) => unknown][] = [
    ['rbac', installRbac],
    ['tokens', installTokens],
    ['operator', installOperator],
    ['workloads', installWorkloads],
    ['faults', installFaults],
  ];
  for (const [name, install] of modules) {
    await install(c);
    if (!quiet) console.log(`[demo] installed ${name}`);
  }
}

export async function startDemoCluster(opts: DemoClusterOptions = {}): Promise<DemoCluster> {
  const dataDir = resolve(opts.dataDir ?? '.data/demo');
  mkdirSync(dataDir, { recursive: true });
  const certs = await ensureCerts(dataDir);
  const adminToken = ensureToken(join(dataDir, 'admin.token'));
  const viewerToken = ensureToken(join(dataDir, 'viewer.token'));

  const clock = new Clock(opts.speed ?? 1);
  const pinnable = pinnableClock(clock);
  const store = new Store(pinnable.clock, opts.storeOptions ?? {});
  const t0 = Date.now();
  const count = seedStore(store, clock, { nodes: opts.nodes, namespaces: opts.namespaces, podsPerNamespace: opts.podsPerNamespace, caPem: certs.caPem }, pinnable.pin);
  if (!opts.quiet) console.log(`[demo] seeded ${count} objects in ${Date.now() - t0} ms`);

  const server = createApiServer({ store, clock, tls: { key: certs.keyPem, cert: certs.certPem } });
  server.addAuthenticator(
    new StaticTokenAuthenticator([
      { token: adminToken, user: ADMIN_USER },
      { token: viewerToken, user: VIEWER_USER },
    ]),
  );
  const port = await server.listen(opts.port ?? 0, '127.0.0.1');
  const url = `https://127.0.0.1:${port}`;
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  // Rewritten at every start: the port may have changed.
  writeFileSync(kubeconfigPath, kubeconfigYaml(url, certs.caPem, adminToken, viewerToken), { mode: 0o600 });
  chmodSync(kubeconfigPath, 0o600);

  let closed = false;
  const cluster: DemoCluster = {
    url,
    port,
    dataDir,
    kubeconfigPath,
    adminToken,
    viewerToken,
    caPem: certs.caPem,
    store,
    clock,
    server,
    serviceAccountIssuers: () => ['https://kubernetes.default.svc'],
    apiServerUrl: url,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      const s = store as unknown as { close?: () => void };
      s.close?.();
      const cl = clock as unknown as { stop?: () => void; close?: () => void };
      cl.stop?.();
      cl.close?.();
    },
  };
  if (!opts.bare) await installModules(cluster, !!opts.quiet);
  return cluster;
}
