// More operator behaviour through real HTTPS: the ≤4.15 wording ("1 nodes are"), a newer revision
// taking over a node mid-install, and a NotReady control-plane node (NodeControllerDegraded, the
// rollout waiting for it).
import { CoreV1Api, CustomObjectsApi, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../testing';
import { getOperator } from './install';
import type { KubeAPIServerStatus } from './types';

let c: TestCluster;
let custom: CustomObjectsApi;
let core: CoreV1Api;
const KAS = { group: 'operator.openshift.io', version: 'v1', plural: 'kubeapiservers', name: 'cluster' };
const AUTH = { group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const cond = (s: KubeAPIServerStatus, type: string) => s.conditions?.find((x) => x.type === type);
const kasStatus = async () => ((await custom.getClusterCustomObject(KAS)) as { status: KubeAPIServerStatus }).status;

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await kasStatus().catch(() => undefined))}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

async function setNodeReady(name: string, ready: boolean): Promise<void> {
  const node = await core.readNode({ name });
  const conds = (node.status?.conditions ?? []).map((x) =>
    x.type === 'Ready'
      ? ready
        ? { ...x, status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastTransitionTime: new Date(c.clock.nowMs()) }
        : { ...x, status: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy: pleg was last seen active 3m0s ago', lastTransitionTime: new Date(Date.parse('2026-11-29T01:02:03Z')) }
      : x,
  );
  await core.patchNodeStatus({ name, body: { status: { conditions: conds } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
}

beforeAll(async () => {
  process.env.DEMO_OPERATOR_WORDING = 'legacy';
  c = await startTestCluster({ speed: 600, nodes: 3 });
  delete process.env.DEMO_OPERATOR_WORDING;
  custom = c.kc.makeApiClient(CustomObjectsApi);
  core = c.kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await c?.dispose();
});

describe('kube-apiserver operator: preemption, legacy wording, NotReady nodes', () => {
  it('a newer revision takes over a node mid-install; legacy wording says "1 nodes are"', async () => {
    const targets: string[] = [];
    const messages: string[] = [];
    let violations = 0;
    const ac = await new Watch(c.kc).watch(
      '/apis/operator.openshift.io/v1/kubeapiservers',
      {},
      (_t, obj) => {
        const s = (obj as { status: KubeAPIServerStatus }).status;
        const withTarget = (s.nodeStatuses ?? []).filter((n) => (n.targetRevision ?? 0) !== 0);
        if (withTarget.length > 1) violations++;
        for (const n of withTarget) if (targets[targets.length - 1] !== `${n.nodeName}:${n.targetRevision}`) targets.push(`${n.nodeName}:${n.targetRevision}`);
        const m = cond(s, 'NodeInstallerProgressing')?.message ?? '';
        if (messages[messages.length - 1] !== m) messages.push(m);
      },
      () => undefined,
    );
    // cp-0's installer keeps failing on revision 12, so it is still installing when 13 appears.
    getOperator(c)!.failRevisionOn('cp-0');
    await custom.patchClusterCustomObject({ ...AUTH, body: { spec: { serviceAccountIssuer: 'https://one.example.com' } } }, merge);
    await waitFor('cp-0 failing on 12', async () => {
      const s = await kasStatus();
      return s.nodeStatuses?.[0]?.lastFailedRevision === 12 && cond(s, 'NodeInstallerDegraded')?.status === 'True';
    });
    getOperator(c)!.recover('cp-0');
    await custom.patchClusterCustomObject({ ...AUTH, body: { spec: { serviceAccountIssuer: 'https://two.example.com' } } }, merge);
    const done = await waitFor('all at 13', async () => {
      const s = await kasStatus();
      return s.latestAvailableRevision === 13 && cond(s, 'NodeInstallerProgressing')?.status === 'False' ? s : undefined;
    });
    await new Promise((r) => setTimeout(r, 150));
    ac.abort();
    expect(violations).toBe(0);
    expect(targets).toEqual(['cp-0:12', 'cp-0:13', 'cp-1:13', 'cp-2:13']);
    // Revision 12 never served anywhere.
    expect(messages).not.toContain('2 nodes are at revision 11; 1 nodes are at revision 12');
    expect(messages).toContain('2 nodes are at revision 11; 1 nodes are at revision 13');
    expect(messages).toContain('1 nodes are at revision 11; 2 nodes are at revision 13');
    expect(cond(done, 'NodeInstallerProgressing')).toMatchObject({ reason: 'AllNodesAtLatestRevision', message: '3 nodes are at revision 13' });
    // Moving to 13 cleared the failure of 12.
    expect(done.nodeStatuses?.[0]).toEqual({ nodeName: 'cp-0', currentRevision: 13, targetRevision: 0 });
    expect(cond(done, 'NodeInstallerDegraded')?.status).toBe('False');
    expect(c.serviceAccountIssuers()).toEqual(['https://two.example.com', 'https://one.example.com', 'https://kubernetes.default.svc']);
    // No installer is left running once the rollout is done (a drain would refuse such a pod).
    const installers = c.store.list('pods', { namespace: 'openshift-kube-apiserver' }).filter((p) => p.metadata.name?.startsWith('installer-'));
    expect(installers.length).toBeGreaterThan(0);
    expect(installers.filter((p) => !['Succeeded', 'Failed'].includes((p.status as { phase?: string } | undefined)?.phase ?? '')).map((p) => p.metadata.name)).toEqual([]);
  }, 60_000);

  it('a NotReady master degrades NodeControllerDegraded and holds the rollout until it is back', async () => {
    await setNodeReady('cp-2', false);
    const s = await waitFor('NodeControllerDegraded', async () => {
      const st = await kasStatus();
      return cond(st, 'NodeControllerDegraded')?.status === 'True' ? st : undefined;
    });
    expect(cond(s, 'NodeControllerDegraded')).toMatchObject({
      reason: 'MasterNodesReady',
      message: 'The master nodes not ready: node "cp-2" not ready since 2026-11-29 01:02:03 +0000 UTC because KubeletNotReady (PLEG is not healthy: pleg was last seen active 3m0s ago)',
    });
    await custom.patchClusterCustomObject({ ...KAS, body: { spec: { forceRedeploymentReason: 'test-1' } } }, merge);
    const stuck = await waitFor('cp-0 and cp-1 at 14', async () => {
      const st = await kasStatus();
      const n = st.nodeStatuses ?? [];
      return n[0]?.currentRevision === 14 && n[1]?.currentRevision === 14 ? st : undefined;
    });
    await c.clock.sleep(10 * 60_000);
    const still = await kasStatus();
    expect(still.nodeStatuses?.[2]).toMatchObject({ currentRevision: 13 });
    expect(still.nodeStatuses?.[2]?.targetRevision ?? 0).toBe(0);
    expect(cond(still, 'NodeInstallerProgressing')).toMatchObject({ status: 'True', reason: '', message: '1 nodes are at revision 13; 2 nodes are at revision 14' });
    expect(stuck.latestAvailableRevision).toBe(14);

    await setNodeReady('cp-2', true);
    const done = await waitFor('all at 14', async () => {
      const st = await kasStatus();
      return cond(st, 'NodeInstallerProgressing')?.status === 'False' ? st : undefined;
    });
    expect(cond(done, 'NodeInstallerProgressing')?.message).toBe('3 nodes are at revision 14');
    expect(cond(done, 'NodeControllerDegraded')).toMatchObject({ status: 'False', reason: 'MasterNodesReady', message: 'All master nodes are ready' });
    const evs = await core.listNamespacedEvent({ namespace: 'openshift-kube-apiserver-operator' });
    expect(evs.items.map((e) => e.message)).toContain('new revision 14 triggered by "required configmap/kube-apiserver-pod has changed"');
  }, 60_000);

  it('OperandFailed: the new kube-apiserver crash-loops, the target resets, the node is retried and recovers', async () => {
    const seen: KubeAPIServerStatus[] = [];
    const ac = await new Watch(c.kc).watch('/apis/operator.openshift.io/v1/kubeapiservers', {}, (_t, obj) => seen.push((obj as { status: KubeAPIServerStatus }).status), () => undefined);
    getOperator(c)!.failRevisionOn('cp-1', { reason: 'OperandFailed', message: 'Error: failed to create listener: address already in use' });
    await custom.patchClusterCustomObject({ ...KAS, body: { spec: { forceRedeploymentReason: 'test-2' } } }, merge);
    const s = await waitFor('cp-1 operand failing twice', async () => {
      const st = await kasStatus();
      const n = st.nodeStatuses?.find((x) => x.nodeName === 'cp-1');
      return n?.lastFailedReason === 'OperandFailed' && (n.lastFailedCount ?? 0) >= 2 ? st : undefined;
    });
    expect(s.latestAvailableRevision).toBe(15);
    expect(cond(s, 'StaticPodsDegraded')).toMatchObject({ status: 'True', reason: 'Error' });
    expect(cond(s, 'StaticPodsDegraded')?.message).toMatch(/^pod\/kube-apiserver-cp-1 container "kube-apiserver" is waiting: CrashLoopBackOff: back-off 5m0s restarting failed container=kube-apiserver pod=kube-apiserver-cp-1_openshift-kube-apiserver\([0-9a-f-]{36}\)$/);
    const pod = await core.readNamespacedPod({ name: 'kube-apiserver-cp-1', namespace: 'openshift-kube-apiserver' });
    expect(pod.metadata?.labels?.revision).toBe('15');
    expect(pod.status?.containerStatuses?.find((x) => x.name === 'kube-apiserver')?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    getOperator(c)!.recover('cp-1');
    const done = await waitFor('all at 15', async () => {
      const st = await kasStatus();
      return cond(st, 'NodeInstallerProgressing')?.status === 'False' && st.latestAvailableRevision === 15 ? st : undefined;
    });
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    // Between attempts the target went back to 0 (not counted as failing); while re-targeted it was.
    const cp1 = (st: KubeAPIServerStatus) => st.nodeStatuses?.find((x) => x.nodeName === 'cp-1');
    expect(seen.some((st) => cp1(st)?.lastFailedReason === 'OperandFailed' && (cp1(st)?.targetRevision ?? 0) === 0 && cond(st, 'NodeInstallerDegraded')?.status === 'False')).toBe(true);
    expect(
      seen.some(
        (st) =>
          cp1(st)?.targetRevision === 15 &&
          cp1(st)?.lastFailedRevision === 15 &&
          cond(st, 'NodeInstallerDegraded')?.message === '1 nodes are failing on revision 15:\nError: failed to create listener: address already in use',
      ),
    ).toBe(true);
    expect(seen.every((st) => (st.nodeStatuses ?? []).filter((n) => (n.targetRevision ?? 0) !== 0).length <= 1)).toBe(true);
    expect(cond(done, 'StaticPodsDegraded')?.status).toBe('False');
    expect(cond(done, 'NodeInstallerProgressing')?.message).toBe('3 nodes are at revision 15');
  }, 60_000);
});
