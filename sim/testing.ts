// Test helper: starts a demo cluster on a free port in a fresh temp data dir and returns it with
// client-node KubeConfigs for its admin and viewer identities (TLS verified against its CA).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startDemoCluster, type DemoCluster, type DemoClusterOptions } from './index';

export interface TestCluster extends DemoCluster {
  kc: KubeConfig; // admin
  viewerKc: KubeConfig;
  kcForToken(token: string): KubeConfig;
  /** Closes the cluster and removes its temp data dir. */
  dispose(): Promise<void>;
}

export function kubeConfigFor(url: string, caPem: string, token: string, name = 'demo'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name, server: url, caData: Buffer.from(caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: `${name}-user`, token }],
    contexts: [{ name, cluster: name, user: `${name}-user` }],
    currentContext: name,
  });
  return kc;
}

let counter = 0;

export async function startTestCluster(opts: DemoClusterOptions = {}): Promise<TestCluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'btd-sim-'));
  const c = await startDemoCluster({ quiet: true, ...opts, dataDir, port: opts.port ?? 0 });
  const n = ++counter;
  // Distinct user names: client-node caches credentials by user name.
  const kcForToken = (token: string) => kubeConfigFor(c.url, c.caPem, token, `demo-${n}-${Math.random().toString(36).slice(2, 8)}`);
  return Object.assign(c, {
    kc: kcForToken(c.adminToken),
    viewerKc: kcForToken(c.viewerToken),
    kcForToken,
    async dispose() {
      await c.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
