// Connection resolution from temp kubeconfig files and a fake service account mount (files only;
// the requests themselves are tested against the demo cluster in k8s-demo.test.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterError } from './errors';
import { kubeConfigForToken, resolveConnection, SERVICE_ACCOUNT_DIR } from './connection';

let dir: string;
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

function writeKubeconfig(name: string, body: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, body);
  return p;
}

const twoContexts = `apiVersion: v1
kind: Config
current-context: demo
clusters:
- name: demo
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${CA}
- name: prod
  cluster:
    server: https://api.prod.example.com:6443
    certificate-authority: ca/prod.crt
contexts:
- name: demo
  context: { cluster: demo, user: admin }
- name: prod
  context: { cluster: prod, user: ops, namespace: openshift-config }
users:
- name: admin
  user: { token: admin-token-123 }
- name: ops
  user: { token: ops-token-456 }
`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btd-conn-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function expectConfigError(fn: () => unknown, match: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ClusterError);
    expect((e as ClusterError).kind).toBe('config');
    expect((e as ClusterError).message).toMatch(match);
    return;
  }
  throw new Error('expected a ClusterError');
}

describe('resolveConnection', () => {
  it('uses the kubeconfig current context, with its CA and no TLS skipping', () => {
    const p = writeKubeconfig('a.yaml', twoContexts);
    const c = resolveConnection({ KUBECONFIG: p, BTD_DEMO: '1' });
    expect(c.source).toBe('kubeconfig');
    expect(c.context).toBe('demo');
    expect(c.cluster.server).toBe('https://127.0.0.1:6443');
    expect(c.cluster.caData).toBe(CA);
    expect(c.cluster.skipTLSVerify).toBe(false);
    expect(c.demo).toBe(true);
    expect(c.kubeconfigPath).toBe(p);
    expect(c.kubeConfig.getCurrentUser()?.token).toBe('admin-token-123');
  });

  it('switches to BTD_CONTEXT and resolves relative CA paths against the kubeconfig', () => {
    const p = writeKubeconfig('b.yaml', twoContexts);
    const c = resolveConnection({ KUBECONFIG: p, BTD_CONTEXT: 'prod' });
    expect(c.context).toBe('prod');
    expect(c.cluster.server).toBe('https://api.prod.example.com:6443');
    expect(c.cluster.caFile).toBe(path.join(dir, 'ca/prod.crt'));
    expect(c.namespace).toBe('openshift-config');
    expect(c.demo).toBe(false);
  });

  it('names the available contexts when BTD_CONTEXT is unknown', () => {
    const p = writeKubeconfig('c.yaml', twoContexts);
    expectConfigError(() => resolveConnection({ KUBECONFIG: p, BTD_CONTEXT: 'nope' }), /"nope"/);
    try {
      resolveConnection({ KUBECONFIG: p, BTD_CONTEXT: 'nope' });
    } catch (e) {
      expect((e as ClusterError).hint).toContain('demo, prod');
    }
  });

  it('fails clearly with no configuration, a missing file, or no current context', () => {
    expectConfigError(() => resolveConnection({}), /No cluster is configured/);
    expectConfigError(() => resolveConnection({ KUBECONFIG: path.join(dir, 'missing.yaml') }), /does not exist/);
    const p = writeKubeconfig('d.yaml', twoContexts.replace('current-context: demo\n', ''));
    expectConfigError(() => resolveConnection({ KUBECONFIG: p }), /no current context/);
  });

  it('merges several kubeconfig files, the first one winning', () => {
    const a = writeKubeconfig('m1.yaml', twoContexts);
    const b = writeKubeconfig(
      'm2.yaml',
      `apiVersion: v1
kind: Config
current-context: other
clusters: [{ name: other, cluster: { server: "https://other:6443" } }, { name: demo, cluster: { server: "https://evil:1" } }]
contexts: [{ name: other, context: { cluster: other, user: o } }]
users: [{ name: o, user: { token: t } }]
`,
    );
    const c = resolveConnection({ KUBECONFIG: [a, b].join(path.delimiter) });
    expect(c.context).toBe('demo');
    expect(c.cluster.server).toBe('https://127.0.0.1:6443');
    const o = resolveConnection({ KUBECONFIG: [a, b].join(path.delimiter), BTD_CONTEXT: 'other' });
    expect(o.cluster.server).toBe('https://other:6443');
  });

  it('prefers the in-cluster service account when running in a pod', () => {
    const prefix = path.join(dir, 'pod');
    const sa = path.join(prefix, SERVICE_ACCOUNT_DIR);
    fs.mkdirSync(sa, { recursive: true });
    fs.writeFileSync(path.join(sa, 'token'), 'sa-token');
    fs.writeFileSync(path.join(sa, 'ca.crt'), 'ca');
    fs.writeFileSync(path.join(sa, 'namespace'), 'bound-token-dashboard');
    const p = writeKubeconfig('e.yaml', twoContexts);
    const c = resolveConnection({
      KUBERNETES_SERVICE_HOST: '172.30.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBECONFIG: p,
      saPathPrefix: prefix,
    });
    expect(c.source).toBe('in-cluster');
    expect(c.cluster.server).toBe('https://172.30.0.1:443');
    expect(c.cluster.caFile).toBe(path.join(sa, 'ca.crt'));
    expect(c.cluster.skipTLSVerify).toBe(false);
    expect(c.namespace).toBe('bound-token-dashboard');
    // Without the token file the pod env alone is not enough: fall back to the kubeconfig.
    const k = resolveConnection({ KUBERNETES_SERVICE_HOST: '172.30.0.1', KUBECONFIG: p, saPathPrefix: path.join(dir, 'none') });
    expect(k.source).toBe('kubeconfig');
  });
});

describe('kubeConfigForToken', () => {
  it('keeps the server and CA and swaps the identity for the token', () => {
    const p = writeKubeconfig('f.yaml', twoContexts);
    const base = resolveConnection({ KUBECONFIG: p });
    const kc = kubeConfigForToken('user-token-xyz', base);
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(kc.getCurrentCluster()?.caData).toBe(CA);
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(false);
    expect(kc.getCurrentUser()?.token).toBe('user-token-xyz');
    expect(kc.getUsers()).toHaveLength(1);
    // the base connection is untouched
    expect(base.kubeConfig.getCurrentUser()?.token).toBe('admin-token-123');
  });
});
