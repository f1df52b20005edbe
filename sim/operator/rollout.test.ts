// The simulated kube-apiserver operator through the demo cluster's real HTTPS API (client-node
// 1.4.0 and real kubectl): an issuer change rolls revision 12 node by node with the operator's
// exact condition texts, the CEL status rules answer 422, an invalid issuer degrades without a
// revision, a failing node degrades and recovers, and the old issuer is pruned after 24 h.
import { execFile, type ExecFileException } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../testing';
import { KAS_KEY } from './controller';
import { getOperator } from './install';
import type { KubeAPIServerStatus, NodeStatus } from './types';

const KUBECTL = '/usr/bin/kubectl';
const DEFAULT = 'https://kubernetes.default.svc';
const JSONPATH = `-o=jsonpath={range .items[0].status.conditions[?(@.type=="NodeInstallerProgressing")]}{.reason}{"\\n"}{.message}{"\\n"}`;

let c: TestCluster;
let home: string;
let custom: CustomObjectsApi;
let core: CoreV1Api;

const KAS = { group: 'operator.openshift.io', version: 'v1', plural: 'kubeapiservers', name: 'cluster' };
const AUTH = { group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster' };

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL,
      ['--kubeconfig', c.kubeconfigPath, ...args],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin', HOME: home } as unknown as NodeJS.ProcessEnv },
      (err: ExecFileException | null, stdout: string, stderr: string) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

async function kasStatus(): Promise<KubeAPIServerStatus> {
  const o = (await custom.getClusterCustomObject(KAS)) as { status: KubeAPIServerStatus };
  return o.status;
}

const cond = (s: KubeAPIServerStatus, type: string) => s.conditions?.find((x) => x.type === type);

async function setIssuer(issuer: string): Promise<void> {
  await custom.patchClusterCustomObject({ ...AUTH, body: { spec: { serviceAccountIssuer: issuer } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await kasStatus().catch(() => undefined))}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

/** Watches the KubeAPIServer over HTTPS and checks the one-installer-at-a-time rule on every event. */
async function watchKas() {
  const seen: KubeAPIServerStatus[] = [];
  const violations: string[] = [];
  const ac = await new Watch(c.kc).watch(
    '/apis/operator.openshift.io/v1/kubeapiservers',
    {},
    (_type, obj) => {
      const s = (obj as { status: KubeAPIServerStatus }).status;
      const targets = (s.nodeStatuses ?? []).filter((n) => (n.targetRevision ?? 0) !== 0);
      if (targets.length > 1) violations.push(JSON.stringify(s.nodeStatuses));
      seen.push(s);
    },
    () => undefined,
  );
  return { seen, violations, stop: () => ac.abort() };
}

function progressingTrail(seen: KubeAPIServerStatus[]): string[] {
  const out: string[] = [];
  for (const s of seen) {
    const p = cond(s, 'NodeInstallerProgressing');
    const line = `${p?.status}|${p?.reason ?? ''}|${p?.message}`;
    if (out[out.length - 1] !== line) out.push(line);
  }
  return out;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'btd-op-home-'));
  c = await startTestCluster({ speed: 600, nodes: 4 });
  custom = c.kc.makeApiClient(CustomObjectsApi);
  core = c.kc.makeApiClient(CoreV1Api);
  expect(getOperator(c)).toBeDefined();
});

afterAll(async () => {
  await c?.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('kube-apiserver operator (HTTPS, speed 600)', () => {
  it('enforces the KubeAPIServer status CEL rules with 422 Invalid', async () => {
    const obj = (await custom.getClusterCustomObject(KAS)) as { metadata: unknown; status: KubeAPIServerStatus };
    const bad = { ...obj, status: { ...obj.status, latestAvailableRevision: 10 } };
    const err = await custom.replaceClusterCustomObjectStatus({ ...KAS, body: bad }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiException);
    const e = err as ApiException<string>;
    expect(e.code).toBe(422);
    const body = JSON.parse(e.body as unknown as string);
    expect(body.message).toBe('KubeAPIServer.operator.openshift.io "cluster" is invalid: status.latestAvailableRevision: Invalid value: "integer": must only increase');
    expect(body.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "integer": must only increase', field: 'status.latestAvailableRevision' }]);

    const two = { ...obj, status: { ...obj.status, nodeStatuses: (obj.status.nodeStatuses ?? []).map((n, i) => (i < 2 ? { ...n, targetRevision: 12 } : n)) } };
    const err2 = (await custom.replaceClusterCustomObjectStatus({ ...KAS, body: two }).catch((x: unknown) => x)) as ApiException<string>;
    expect(err2.code).toBe(422);
    expect(JSON.parse(err2.body as unknown as string).message).toBe(
      'KubeAPIServer.operator.openshift.io "cluster" is invalid: status.nodeStatuses: Invalid value: "array": no more than 1 node status may have a nonzero targetRevision',
    );
    expect((await kasStatus()).latestAvailableRevision).toBe(11);
  });

  it('rolls a new issuer out as revision 12, one node at a time, with the exact condition texts', async () => {
    expect(c.serviceAccountIssuers()).toEqual([DEFAULT]);
    const kasBefore = (await custom.getClusterCustomObject(KAS)) as { spec: { observedConfig: { apiServerArguments: Record<string, string[]> } } };
    expect(kasBefore.spec.observedConfig.apiServerArguments).toEqual({
      'api-audiences': [DEFAULT],
      'service-account-issuer': [DEFAULT],
      'service-account-jwks-uri': [`${c.apiServerUrl}/openid/v1/jwks`],
    });
    const w = await watchKas();
    // In-process observation of which issuer signs as each node moves (the hook tokens reads).
    const signerByNodesAt12: Map<number, string> = new Map();
    const off = c.store.on(KAS_KEY, (_t, obj) => {
      const n = ((obj.status as KubeAPIServerStatus).nodeStatuses ?? []).filter((x) => x.currentRevision === 12).length;
      if (!signerByNodesAt12.has(n)) signerByNodesAt12.set(n, c.serviceAccountIssuers()[0]!);
    });
    const patchedAt = c.clock.nowMs();
    await setIssuer('https://test.default.svc');
    const before = await kubectl(['get', 'kubeapiserver', JSONPATH]);
    const final = await waitFor('all nodes at 12', async () => {
      const s = await kasStatus();
      return cond(s, 'NodeInstallerProgressing')?.status === 'False' && s.latestAvailableRevision === 12 ? s : undefined;
    });
    await new Promise((r) => setTimeout(r, 200));
    w.stop();
    off();

    expect(w.violations).toEqual([]);
    expect(progressingTrail(w.seen)).toEqual([
      'False|AllNodesAtLatestRevision|3 nodes are at revision 11',
      'True||3 nodes are at revision 11; 0 nodes have achieved new revision 12',
      'True||2 nodes are at revision 11; 1 node is at revision 12',
      'True||1 node is at revision 11; 2 nodes are at revision 12',
      'False|AllNodesAtLatestRevision|3 nodes are at revision 12',
    ]);
    // Nodes move in nodeStatuses order (equal revisions), target first, then current.
    const steps: string[] = [];
    let prev: NodeStatus[] = w.seen[0]!.nodeStatuses ?? [];
    for (const s of w.seen) {
      for (const n of s.nodeStatuses ?? []) {
        const p = prev.find((x) => x.nodeName === n.nodeName);
        if ((n.targetRevision ?? 0) !== (p?.targetRevision ?? 0) && n.targetRevision) steps.push(`${n.nodeName} target ${n.targetRevision}`);
        if ((n.currentRevision ?? 0) !== (p?.currentRevision ?? 0)) steps.push(`${n.nodeName} current ${n.currentRevision}`);
      }
      prev = s.nodeStatuses ?? [];
    }
    expect(steps).toEqual(['cp-0 target 12', 'cp-0 current 12', 'cp-1 target 12', 'cp-1 current 12', 'cp-2 target 12', 'cp-2 current 12']);

    expect(cond(final, 'StaticPodsAvailable')).toMatchObject({ status: 'True', reason: '', message: '3 nodes are active; 3 nodes are at revision 12' });
    expect(cond(final, 'NodeInstallerDegraded')).toMatchObject({ status: 'False' });
    expect(final.serviceAccountIssuers?.[0]).toEqual({ name: 'https://test.default.svc' });
    expect(final.serviceAccountIssuers?.[1]?.name).toBe(DEFAULT);
    const exp = Date.parse(final.serviceAccountIssuers![1]!.expirationTime!);
    expect(Math.abs(exp - (patchedAt + 24 * 3600_000))).toBeLessThan(120_000);
    expect(final.serviceAccountIssuers).toHaveLength(2);

    // The new issuer signs once the first node serves revision 12; the old one stays trusted.
    expect(signerByNodesAt12.get(0)).toBe(DEFAULT);
    expect(signerByNodesAt12.get(1)).toBe('https://test.default.svc');
    expect(c.serviceAccountIssuers()).toEqual(['https://test.default.svc', DEFAULT]);
    const kasAfter = (await custom.getClusterCustomObject(KAS)) as { spec: { observedConfig: { apiServerArguments: Record<string, string[]> } } };
    expect(kasAfter.spec.observedConfig.apiServerArguments).toEqual({
      'api-audiences': ['https://test.default.svc', DEFAULT],
      'service-account-issuer': ['https://test.default.svc', DEFAULT],
      'service-account-jwks-uri': ['https://test.default.svc/openid/v1/jwks'],
    });

    // The procedure's command with real kubectl.
    expect(before.code).toBe(0);
    const after = await kubectl(['get', 'kubeapiserver', JSONPATH]);
    expect(after.stderr).toBe('');
    // kubectl's jsonpath runs an unclosed {range} body once more on nothing: two empty lines follow
    // on any server; with {end} the output is exactly the two lines.
    expect(after.stdout).toBe('AllNodesAtLatestRevision\n3 nodes are at revision 12\n\n\n');
    expect((await kubectl(['get', 'kubeapiserver', `${JSONPATH}{end}`])).stdout).toBe('AllNodesAtLatestRevision\n3 nodes are at revision 12\n');

    // Mirror pods carry the new revision; the operator's events are there.
    const pods = await core.listNamespacedPod({ namespace: 'openshift-kube-apiserver', labelSelector: 'apiserver=true' });
    expect(pods.items.map((p) => p.metadata?.labels?.revision)).toEqual(['12', '12', '12']);
    expect(pods.items.every((p) => p.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True')).toBe(true);
    const installers = await core.listNamespacedPod({ namespace: 'openshift-kube-apiserver', labelSelector: 'app=installer' });
    expect(installers.items.map((p) => `${p.metadata?.name} ${p.status?.phase}`).sort()).toEqual(['installer-12-cp-0 Succeeded', 'installer-12-cp-1 Succeeded', 'installer-12-cp-2 Succeeded']);
    const evs = await core.listNamespacedEvent({ namespace: 'openshift-kube-apiserver-operator' });
    const msgs = evs.items.map((e) => e.message ?? '');
    expect(msgs.some((m) => /^Desired ServiceAccountIssuer "https:\/\/test\.default\.svc" is now active issuer\. Previous issuer "https:\/\/kubernetes\.default\.svc" is trusted until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC m=\+\d+\.\d{9}\.$/.test(m))).toBe(true);
    expect(msgs).toContain('new revision 12 triggered by "required configmap/config has changed"');
    expect(msgs).toContain('Updating node "cp-0" from revision 11 to 12 because node cp-0 with revision 11 is the oldest');
    expect(msgs).toContain('Updated node "cp-2" from revision 11 to 12 because static pod is ready');

    // The ClusterOperator rollup follows.
    const co = (await custom.getClusterCustomObject({ group: 'config.openshift.io', version: 'v1', plural: 'clusteroperators', name: 'kube-apiserver' })) as { status: { conditions: { type: string; status: string; reason: string; message: string }[] } };
    expect(co.status.conditions.find((x) => x.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'AsExpected', message: 'NodeInstallerProgressing: 3 nodes are at revision 12' });
  }, 60_000);

  it('accepts an invalid issuer in the API but makes no revision: ConfigObservationDegraded', async () => {
    // The API has no validation: real kubectl's merge patch goes through.
    const patched = await kubectl(['patch', 'authentication', 'cluster', '--type=merge', '-p', '{"spec":{"serviceAccountIssuer":"https://foo:bar"}}']);
    expect(patched.stderr).toBe('');
    expect(patched.stdout).toBe('authentication.config.openshift.io/cluster patched\n');
    const s = await waitFor('ConfigObservationDegraded', async () => {
      const st = await kasStatus();
      return cond(st, 'ConfigObservationDegraded')?.status === 'True' ? st : undefined;
    });
    expect(cond(s, 'ConfigObservationDegraded')).toMatchObject({
      reason: 'Error',
      message: `service-account issuer contained a ':' but was not a valid URL: parse "https://foo:bar": invalid port ":bar" after host`,
    });
    expect(s.serviceAccountIssuers?.[0]).toEqual({ name: 'https://foo:bar' });
    await c.clock.sleep(5 * 60_000);
    expect((await kasStatus()).latestAvailableRevision).toBe(12);
    expect(c.serviceAccountIssuers()[0]).toBe('https://test.default.svc');
  }, 30_000);

  it('a revision failing on a node shows NodeInstallerDegraded, retries, and recovers', async () => {
    expect(() => getOperator(c)!.failRevisionOn('worker-0')).toThrow('node "worker-0" is not a control-plane node of kubeapiserver/cluster (cp-0, cp-1, cp-2)');
    getOperator(c)!.failRevisionOn('cp-1', { message: 'failed to copy: secrets "etcd-client-13" not found' });
    await setIssuer('https://second.example.com');
    const s = await waitFor('cp-1 failing', async () => {
      const st = await kasStatus();
      const n = st.nodeStatuses?.find((x) => x.nodeName === 'cp-1');
      return (n?.lastFailedCount ?? 0) >= 2 ? st : undefined;
    });
    expect(s.latestAvailableRevision).toBe(13);
    expect(cond(s, 'ConfigObservationDegraded')?.status).toBe('False');
    const n1 = s.nodeStatuses!.find((x) => x.nodeName === 'cp-1')!;
    expect(n1).toMatchObject({ currentRevision: 12, targetRevision: 13, lastFailedRevision: 13, lastFailedReason: 'InstallerFailed', lastFailedRevisionErrors: ['installer: failed to copy: secrets "etcd-client-13" not found'] });
    expect(n1.lastFailedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(cond(s, 'NodeInstallerDegraded')).toMatchObject({ status: 'True', reason: 'InstallerPodFailed', message: '1 nodes are failing on revision 13:\ninstaller: failed to copy: secrets "etcd-client-13" not found' });
    expect(cond(s, 'NodeInstallerProgressing')).toMatchObject({ status: 'True', reason: '', message: '2 nodes are at revision 12; 1 node is at revision 13' });
    expect(s.nodeStatuses!.filter((x) => (x.targetRevision ?? 0) !== 0)).toHaveLength(1);

    // While progressing the procedure's command prints an empty reason line.
    const mid = await kubectl(['get', 'kubeapiserver', JSONPATH]);
    expect(mid.stdout).toBe('\n2 nodes are at revision 12; 1 node is at revision 13\n\n\n');
    const pods = await core.listNamespacedPod({ namespace: 'openshift-kube-apiserver', labelSelector: 'app=installer' });
    const names = pods.items.map((p) => `${p.metadata?.name} ${p.status?.phase}`);
    expect(names).toContain('installer-13-cp-1 Failed');
    expect(names).toContain('installer-13-retry-1-cp-1 Failed');

    getOperator(c)!.recover('cp-1');
    const done = await waitFor('recovered', async () => {
      const st = await kasStatus();
      return cond(st, 'NodeInstallerProgressing')?.status === 'False' ? st : undefined;
    }, 30_000);
    expect(cond(done, 'NodeInstallerProgressing')).toMatchObject({ reason: 'AllNodesAtLatestRevision', message: '3 nodes are at revision 13' });
    expect(cond(done, 'NodeInstallerDegraded')?.status).toBe('False');
    expect(done.nodeStatuses!.find((x) => x.nodeName === 'cp-1')).toMatchObject({ currentRevision: 13, lastFailedRevision: 13 });
    expect(c.serviceAccountIssuers()).toEqual(['https://second.example.com', 'https://foo:bar', 'https://test.default.svc', DEFAULT]);
  }, 60_000);

  it('prunes expired issuers about 24 h later with a second rollout', async () => {
    c.clock.speed = 40_000; // 24 h in ~2 s
    const s = await waitFor('pruned and rolled', async () => {
      const st = await kasStatus();
      return st.serviceAccountIssuers?.length === 1 && cond(st, 'NodeInstallerProgressing')?.status === 'False' && (st.latestAvailableRevision ?? 0) >= 14 ? st : undefined;
    }, 20_000);
    c.clock.speed = 600;
    expect(s.serviceAccountIssuers).toEqual([{ name: 'https://second.example.com' }]);
    expect(cond(s, 'NodeInstallerProgressing')?.message).toBe(`3 nodes are at revision ${s.latestAvailableRevision}`);
    expect(c.serviceAccountIssuers()).toEqual(['https://second.example.com']);
    const evs = await core.listNamespacedEvent({ namespace: 'openshift-kube-apiserver-operator' });
    const pruned = evs.items.map((e) => e.message ?? '').filter((m) => m.startsWith('The following service account issuers were pruned'));
    expect(pruned.join(',')).toContain(DEFAULT);
    expect(pruned.join(',')).toContain('https://test.default.svc');
  }, 30_000);
});
