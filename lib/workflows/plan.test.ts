// Unit tests of the pure parts: restart order, drain decisions, namespace scope, preflight findings
// from fixtures, option checks and the state machine.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { drainDecision, matchesAny, orderNodes, podCategory } from './classify';
import { normalizeOptions, planNodeRestart, planPodRestart } from './plan';
import { preflight } from './preflight';
import { namespacesInScope } from './scope';
import { emptySnapshot, issuerChangeCutoff, type ClusterSnapshot } from './snapshot';
import * as S from './state';
import type { NodeRestartOptions, PodRestartOptions } from './types';

const node = (name: string, cp: boolean, extra: { ready?: boolean; cordoned?: boolean } = {}): V1Node => ({
  metadata: { name, labels: cp ? { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '' } : { 'node-role.kubernetes.io/worker': '' } },
  spec: extra.cordoned ? { unschedulable: true } : {},
  status: { conditions: [{ type: 'Ready', status: extra.ready === false ? 'Unknown' : 'True' }], nodeInfo: { bootID: `${name}-boot` } as never },
});

let uid = 0;
const pod = (ns: string, name: string, nodeName: string, o: { owner?: [string, string]; emptyDir?: boolean; mirror?: boolean; labels?: Record<string, string>; start?: string } = {}): V1Pod => ({
  metadata: {
    name,
    namespace: ns,
    uid: `u${++uid}`,
    labels: o.labels ?? {},
    ...(o.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'x' } } : {}),
    ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner[0], name: o.owner[1], uid: `o-${o.owner[1]}`, controller: true }] } : {}),
  },
  spec: { nodeName, containers: [{ name: 'c' }], ...(o.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}) },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], ...(o.start ? { startTime: new Date(o.start) } : {}) },
});

function cluster(): ClusterSnapshot {
  const s = emptySnapshot();
  s.nodes = [node('master-2', true), node('worker-1', false), node('master-0', true), node('worker-0', false), node('master-1', true), node('worker-10', false)];
  s.pods = [
    pod('default', 'frontend-a', 'worker-0', { owner: ['ReplicaSet', 'frontend-123'], labels: { app: 'frontend' } }),
    pod('default', 'frontend-b', 'worker-1', { owner: ['ReplicaSet', 'frontend-123'], labels: { app: 'frontend' } }),
    pod('openshift-dns', 'dns-x', 'worker-0', { owner: ['DaemonSet', 'dns-default'] }),
    pod('openshift-kube-apiserver', 'kube-apiserver-master-0', 'master-0', { mirror: true }),
    pod('openshift-kube-apiserver', 'kube-apiserver-guard-master-0', 'master-0', { labels: { app: 'guard' } }),
  ];
  s.replicaSets = [{ metadata: { name: 'frontend-123', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'frontend', uid: 'd1', controller: true }] } }];
  s.deployments = [{ metadata: { name: 'frontend', namespace: 'default', uid: 'd1' }, spec: { replicas: 2, selector: { matchLabels: { app: 'frontend' } }, template: {} } }];
  s.namespaces = ['default', 'openshift-dns', 'openshift-kube-apiserver', 'kube-system', 'app-1', 'bound-token-dashboard'];
  return s;
}

const nodeOpts = (o: Partial<NodeRestartOptions> = {}) => normalizeOptions('rolling-node-restart', o) as NodeRestartOptions;
const podOpts = (o: Partial<PodRestartOptions> = {}) => normalizeOptions('restart-all-pods', o) as PodRestartOptions;
const ctx = { dashboardNamespace: 'bound-token-dashboard', createdAt: '2026-11-29T00:00:00Z' };

describe('rolling node restart plan', () => {
  it('visits workers first (by name, numerically), control plane last, one node at a time', () => {
    const plan = planNodeRestart(cluster(), nodeOpts(), ctx);
    expect(plan.nodes!.map((n) => n.name)).toEqual(['worker-0', 'worker-1', 'worker-10', 'master-0', 'master-1', 'master-2']);
    // Six steps per node, in order, never interleaved with another node.
    const groups = plan.steps.map((s) => s.group);
    expect(groups).toEqual(plan.nodes!.flatMap((n) => Array(6).fill(n.name)));
    expect(plan.steps.slice(0, 6).map((s) => s.action)).toEqual(['cordon', 'drain', 'reboot', 'wait-node-ready', 'uncordon', 'wait-daemonsets']);
    expect(plan.steps[2]!.command).toBe('oc debug node/worker-0 -- chroot /host shutdown -r +1');
    expect(plan.steps[1]!.command).toBe('oc adm drain worker-0 --ignore-daemonsets --timeout=600s');
    expect(plan.confirmation).toBe('restart 6 nodes');
    expect(plan.warnings[0]).toContain('It is not recommended to perform a rolling node restart if you have custom workloads running on your cluster');
  });

  it('counts what each drain evicts and skips, and restricts to chosen nodes', () => {
    const plan = planNodeRestart(cluster(), nodeOpts({ nodes: ['master-0', 'worker-0'] }), ctx);
    expect(plan.nodes!.map((n) => n.name)).toEqual(['worker-0', 'master-0']);
    expect(plan.nodes![0]).toMatchObject({ evict: 1, daemonSetPods: 1, role: 'worker' });
    // Guard pods are evicted (their operator recreates them), mirror pods skipped.
    expect(plan.nodes![1]).toMatchObject({ evict: 1, mirrorPods: 1, role: 'control-plane', blockedPods: [] });
    expect(() => planNodeRestart(cluster(), nodeOpts({ nodes: ['nope'] }), ctx)).toThrow('No such node: nope');
  });

  it('lists the verbs the initiator must be allowed', () => {
    const plan = planNodeRestart(cluster(), nodeOpts(), ctx);
    const verbs = plan.access.map((a) => `${a.verb} ${a.resource}${a.subresource ? '/' + a.subresource : ''}`);
    expect(verbs).toEqual(expect.arrayContaining(['patch nodes', 'create pods/eviction', 'create pods', 'list pods', 'get nodes']));
  });
});

describe('drain decisions (as oc adm drain)', () => {
  it('skips DaemonSet and mirror pods, refuses emptyDir and unmanaged pods unless allowed', () => {
    const none = { deleteEmptyDirData: false, force: false };
    expect(drainDecision(pod('a', 'ds', 'n', { owner: ['DaemonSet', 'x'] }), none).action).toBe('skip');
    expect(drainDecision(pod('a', 'm', 'n', { mirror: true }), none).action).toBe('skip');
    expect(drainDecision(pod('a', 'e', 'n', { owner: ['ReplicaSet', 'r'], emptyDir: true }), none).action).toBe('refuse');
    expect(drainDecision(pod('a', 'e', 'n', { owner: ['ReplicaSet', 'r'], emptyDir: true }), { ...none, deleteEmptyDirData: true }).action).toBe('evict');
    expect(drainDecision(pod('a', 'bare', 'n'), none).action).toBe('refuse');
    expect(drainDecision(pod('a', 'bare', 'n'), { ...none, force: true }).action).toBe('evict');
    expect(podCategory(pod('openshift-etcd', 'etcd-guard-m0', 'm0', { labels: { app: 'guard' } }))).toBe('guard');
    expect(podCategory(pod('app', 'x-guard-m0', 'm0', { labels: { app: 'guard' } }))).toBe('unmanaged');
  });

  it('orders any node list workers first', () => {
    const order = orderNodes([
      { name: 'b', role: 'control-plane' as const },
      { name: 'z', role: 'worker' as const },
      { name: 'a', role: 'control-plane' as const },
      { name: 'c', role: 'worker' as const },
    ]);
    expect(order.map((n) => n.name)).toEqual(['c', 'z', 'a', 'b']);
  });
});

describe('restart-all-pods scope and plan', () => {
  it('leaves platform namespaces and the dashboard namespace out unless asked', () => {
    const all = cluster().namespaces;
    const s = namespacesInScope(all, podOpts(), 'bound-token-dashboard');
    expect(s.included).toEqual(['app-1', 'default']);
    expect(s.excluded.map((e) => e.name).sort()).toEqual(['bound-token-dashboard', 'kube-system', 'openshift-dns', 'openshift-kube-apiserver']);
    const withPlatform = namespacesInScope(all, podOpts({ includePlatform: true, excludeNamespaces: ['kube-*'] }), 'bound-token-dashboard');
    expect(withPlatform.included).toEqual(['app-1', 'default', 'openshift-dns', 'openshift-kube-apiserver']);
    // Named explicitly (not by a glob), a platform namespace is included.
    expect(namespacesInScope(all, podOpts({ includeNamespaces: ['openshift-dns', 'app-*'] }), 'bound-token-dashboard').included).toEqual(['app-1', 'openshift-dns']);
    expect(matchesAny('app-0001', ['app-*'])).toBe(true);
    expect(matchesAny('xapp-0001', ['app-*'])).toBe(false);
  });

  it('safe mode restarts Deployments and DaemonSets, leaves unmanaged pods for the user', () => {
    const s = cluster();
    s.daemonSets = [{ metadata: { name: 'dns-default', namespace: 'openshift-dns' }, spec: { selector: {}, template: {} } }];
    s.pods.push(pod('default', 'bare', 'worker-1'));
    const plan = planPodRestart(s, podOpts({ includePlatform: true }), ctx);
    const def = plan.namespaces!.find((n) => n.name === 'default')!;
    expect(def.workloads.map((w) => `${w.kind}/${w.name}:${w.action}`)).toEqual(['Deployment/frontend:rollout-restart']);
    expect(plan.namespaces!.find((n) => n.name === 'openshift-dns')!.workloads.map((w) => w.kind)).toEqual(['DaemonSet']);
    expect(plan.leftAlone).toEqual(expect.arrayContaining([expect.objectContaining({ namespace: 'default', name: 'bare' }), expect.objectContaining({ name: 'kube-apiserver-guard-master-0' })]));
    expect(plan.confirmation).toBe('restart 2 workloads');
    expect(plan.steps.every((x) => x.action === 'restart-namespace')).toBe(true);
  });

  it('procedure mode deletes every pod with its warning; the cutoff keeps only old pods', () => {
    const s = cluster();
    s.pods.push(pod('app-1', 'old', 'worker-0', { owner: ['ReplicaSet', 'x'], start: '2026-11-01T00:00:00Z' }));
    s.pods.push(pod('app-1', 'new', 'worker-0', { owner: ['ReplicaSet', 'x'], start: '2026-11-28T00:00:00Z' }));
    const plan = planPodRestart(s, podOpts({ mode: 'procedure' }), { ...ctx, cutoff: '2026-11-20T00:00:00Z' });
    expect(plan.warnings[0]).toContain('it deletes every running pod in every namespace');
    expect(plan.namespaces!.find((n) => n.name === 'app-1')!.workloads.map((w) => w.name)).toEqual(['old']);
    expect(plan.steps.map((x) => x.action)).toEqual(['delete-namespace-pods', 'delete-namespace-pods']);
  });

  it('finds the issuer change from the previous issuer expiry', () => {
    expect(issuerChangeCutoff({ status: { serviceAccountIssuers: [{ name: 'https://new' }, { name: 'https://kubernetes.default.svc', expirationTime: '2026-11-30T10:00:00Z' }] } })).toBe('2026-11-29T10:00:00Z');
    expect(issuerChangeCutoff({ status: { serviceAccountIssuers: [{ name: 'https://kubernetes.default.svc' }] } })).toBeNull();
  });
});

describe('preflight', () => {
  it('blocks on a running kube-apiserver rollout and NotReady nodes (node restart)', () => {
    const s = cluster();
    s.kubeApiServer = { status: { conditions: [{ type: 'NodeInstallerProgressing', status: 'True', reason: 'NodeInstaller', message: '2 nodes are at revision 11; 1 nodes are at revision 12' }] } };
    s.nodes[1] = node('worker-1', false, { ready: false });
    const r = preflight('rolling-node-restart', nodeOpts(), s, ctx);
    expect(r.blocked).toBe(true);
    expect(r.flavor).toBe('openshift');
    const ids = r.findings.filter((f) => f.blocks).map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['apiserver-rollout-in-progress', 'nodes-not-ready']));
    // For a pod restart a NotReady node is a warning, not a block.
    const p = preflight('restart-all-pods', podOpts(), s, ctx);
    expect(p.findings.find((f) => f.id === 'nodes-not-ready')).toMatchObject({ blocks: false, severity: 'warning' });
  });

  it('skips the rollout check on plain Kubernetes and reports cordoned nodes, budgets, unmanaged and emptyDir pods, single replicas', () => {
    const s = cluster();
    s.nodes[3] = node('worker-0', false, { cordoned: true });
    s.pods.push(pod('default', 'bare', 'worker-1'), pod('default', 'cache', 'worker-1', { owner: ['ReplicaSet', 'frontend-123'], emptyDir: true, labels: { app: 'frontend' } }));
    s.pdbs = [{ metadata: { name: 'frontend', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'frontend' } } }, status: { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 2 } }];
    s.deployments[0]!.spec!.replicas = 1;
    const r = preflight('rolling-node-restart', nodeOpts(), s, ctx);
    expect(r.flavor).toBe('kubernetes');
    const by = Object.fromEntries(r.findings.map((f) => [f.id, f]));
    expect(by['apiserver-rollout-skipped']).toMatchObject({ severity: 'info', blocks: false });
    expect(by['nodes-cordoned']).toMatchObject({ blocks: false, objects: ['worker-0'] });
    expect(by['pods-unmanaged']).toMatchObject({ blocks: true, objects: ['default/bare'] });
    expect(by['pods-emptydir']).toMatchObject({ blocks: true, objects: ['default/cache'] });
    expect(by['pdbs-no-disruption']).toMatchObject({ blocks: false, objects: ['default/frontend'] });
    expect(by['single-replica']).toMatchObject({ objects: ['default/deployment/frontend'] });
    // With the explicit options the drain may proceed: the findings stay, as warnings.
    const ok = preflight('rolling-node-restart', nodeOpts({ force: true, deleteEmptyDirData: true }), s, ctx);
    expect(ok.blocked).toBe(false);
    expect(ok.findings.find((f) => f.id === 'pods-unmanaged')).toMatchObject({ severity: 'warning', blocks: false });
  });
});

describe('options', () => {
  it('fills defaults and refuses nonsense', () => {
    expect(nodeOpts()).toMatchObject({ evictionRetrySeconds: 5, drainTimeoutSeconds: 600, force: false, deleteEmptyDirData: false, debugImage: 'registry.redhat.io/rhel9/support-tools' });
    expect(podOpts()).toMatchObject({ mode: 'safe', includePlatform: false, pauseBetweenNamespacesSeconds: 1 });
    expect(() => normalizeOptions('restart-all-pods', { concurrency: 0 })).toThrow('concurrency');
    expect(() => normalizeOptions('restart-all-pods', { mode: 'yolo' as never })).toThrow('mode');
    expect(() => normalizeOptions('restart-all-pods', { onlyStartedBefore: 'yesterday' })).toThrow('onlyStartedBefore');
  });
});

describe('state machine', () => {
  const plan = planNodeRestart(cluster(), nodeOpts({ nodes: ['worker-0'] }), ctx);
  const fresh = () => S.createState(plan, { id: 'w1', initiator: { username: 'admin' }, now: 't0', stamp: 't0' });

  it('runs steps in order, keeps the first start time across a resume, and completes', () => {
    let s = fresh();
    expect(s.status).toBe('running');
    s = S.startStep(s, 0, 't1');
    s = S.updateStep(s, 0, { data: { wasCordoned: false } }, 't1');
    s = S.startStep(s, 0, 't2'); // resumed after a restart
    expect(s.steps[0]).toMatchObject({ status: 'running', startedAt: 't1', data: { wasCordoned: false } });
    s = S.finishStep(s, 0, 'done', 'cordoned', 't3');
    expect(s.cursor).toBe(1);
    for (let i = 1; i < s.steps.length; i++) s = S.finishStep(S.startStep(s, i, 't4'), i, 'done', 'ok', 't5');
    s = S.complete(s, 't6');
    expect(s.status).toBe('succeeded');
    expect(S.isActive(s)).toBe(false);
    expect(S.summarize(s)).toMatchObject({ steps: 6, done: 6, status: 'succeeded' });
  });

  it('pauses, resumes, aborts with who asked, and fails with the step message', () => {
    let s = fresh();
    s = S.requestControl(s, 'pause', 'alice', 't1');
    s = S.applyPause(s, 't2');
    expect(s.status).toBe('paused');
    expect(s.log.at(-1)).toMatchObject({ by: 'alice' });
    expect(() => S.resumeState(fresh(), 'bob', 't3')).toThrow('not paused');
    s = S.resumeState(s, 'bob', 't3');
    expect(s.status).toBe('running');
    s = S.startStep(s, 0, 't4');
    s = S.requestControl(s, 'abort', 'carol', 't5');
    s = S.applyAbort(s, 't6', 'worker-0 is left cordoned');
    expect(s).toMatchObject({ status: 'aborted', message: 'aborted by carol; worker-0 is left cordoned' });
    expect(s.steps[0]!.status).toBe('aborted');
    expect(() => S.requestControl(s, 'pause', 'x', 't7')).toThrow('aborted');
    const f = S.failStep(S.startStep(fresh(), 1, 't1'), 1, 'PDB says no', 't2');
    expect(f).toMatchObject({ status: 'failed', message: 'Drain worker-0 through the Eviction API: PDB says no' });
  });
});
