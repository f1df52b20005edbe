// Preflight, shared by both workflows: what in the cluster as it is now could make the restart
// hurt, each finding with what it means, how severe it is and whether it blocks the start.
// Pure: works on a ClusterSnapshot, so it is unit-tested from fixtures.
import type { V1Pod } from '@kubernetes/client-node';
import { controllerOf, drainDecision, hasEmptyDir, podCategory, workloadOf } from './classify';
import { namespacesInScope, namespaceWork, nodesInScope } from './scope';
import { apiServerRollout, inNamespace, pdbsFor, replicaSetOwners, type ClusterSnapshot } from './snapshot';
import type { Finding, NodeRestartOptions, PodRestartOptions, PreflightResult, WorkflowKind } from './types';

const LIST_MAX = 50;
const refOf = (p: V1Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

function finding(f: Omit<Finding, 'objects' | 'count'>, objects?: string[]): Finding {
  const out: Finding = { ...f };
  if (objects) {
    out.objects = objects.slice(0, LIST_MAX);
    if (objects.length > LIST_MAX) out.count = objects.length;
  }
  return out;
}

export interface PreflightContext {
  dashboardNamespace: string;
  checkedAt?: string;
  /** Cutoff (ms) for "only pods started before" (restart-all-pods). */
  cutoffMs?: number | null;
}

export function preflight(kind: WorkflowKind, options: NodeRestartOptions | PodRestartOptions, snap: ClusterSnapshot, ctx: PreflightContext): PreflightResult {
  const findings: Finding[] = [];
  const rollout = apiServerRollout(snap.kubeApiServer);
  if (!rollout.present) {
    findings.push(finding({ id: 'apiserver-rollout-skipped', severity: 'info', blocks: false, title: 'kube-apiserver rollout check skipped', detail: 'This cluster has no KubeAPIServer resource (plain Kubernetes), so there is no revision rollout to wait for.' }));
  } else if (rollout.progressing) {
    findings.push(finding({
      id: 'apiserver-rollout-in-progress', severity: 'critical', blocks: true,
      title: 'A new kube-apiserver revision is still rolling out',
      detail: `NodeInstallerProgressing is True (${[rollout.reason, rollout.message].filter(Boolean).join(': ') || 'in progress'}). The procedure says to wait until all nodes are at the latest revision before restarting: pods restarted now could be given tokens by an API server that does not yet serve the new issuer.`,
    }));
  } else {
    findings.push(finding({ id: 'apiserver-rollout-complete', severity: 'info', blocks: false, title: 'kube-apiserver rollout complete', detail: rollout.message || 'All nodes are at the latest revision.' }));
  }

  const nodeRestart = kind === 'rolling-node-restart';
  const notReady = snap.nodes.filter((n) => !n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata?.name ?? '');
  if (notReady.length) {
    findings.push(finding({
      id: 'nodes-not-ready', severity: nodeRestart ? 'critical' : 'warning', blocks: nodeRestart,
      title: `${notReady.length} node${notReady.length === 1 ? ' is' : 's are'} not Ready`,
      detail: nodeRestart
        ? 'Restarting another node while one is already down removes more capacity than planned, and two control-plane nodes down at once can lose etcd quorum. Bring the node back (or leave it out) first.'
        : 'Pods restarted now may have less room to schedule; pods on the NotReady node will not restart until it is back.',
    }, notReady));
  }
  const cordoned = snap.nodes.filter((n) => n.spec?.unschedulable).map((n) => n.metadata?.name ?? '');
  if (cordoned.length) {
    findings.push(finding({
      id: 'nodes-cordoned', severity: 'warning', blocks: false,
      title: `${cordoned.length} node${cordoned.length === 1 ? ' is' : 's are'} already cordoned`,
      detail: nodeRestart
        ? 'Someone cordoned these on purpose; the workflow remembers it and leaves them cordoned after their restart. There is less room for the pods the drains move.'
        : 'Less room to schedule the restarted pods.',
    }, cordoned));
  }

  // The pods the workflow touches.
  let touched: V1Pod[];
  if (nodeRestart) {
    const o = options as NodeRestartOptions;
    let scope: string[];
    try {
      scope = nodesInScope(snap, o).map((n) => n.name);
    } catch (e) {
      findings.push(finding({ id: 'nodes-unknown', severity: 'critical', blocks: true, title: 'Unknown node', detail: (e as Error).message }));
      scope = [];
    }
    const set = new Set(scope);
    touched = snap.pods.filter((p) => set.has(p.spec?.nodeName ?? '') && !p.metadata?.deletionTimestamp);
    const evicted = touched.filter((p) => drainDecision(p, o).action !== 'skip');
    const unmanaged = evicted.filter((p) => podCategory(p) === 'unmanaged');
    if (unmanaged.length) {
      findings.push(finding({
        id: 'pods-unmanaged', severity: o.force ? 'warning' : 'critical', blocks: !o.force,
        title: `${unmanaged.length} pod${unmanaged.length === 1 ? ' has' : 's have'} no controller`,
        detail: o.force
          ? 'With "force" the drain evicts them and nothing recreates them: they are gone after the restart.'
          : 'The drain refuses to evict pods nobody recreates (as `oc adm drain` without --force). Move or delete them yourself, or allow "force" knowing they will not come back.',
      }, unmanaged.map(refOf)));
    }
    const emptyDir = evicted.filter((p) => hasEmptyDir(p) && podCategory(p) !== 'finished');
    if (emptyDir.length) {
      findings.push(finding({
        id: 'pods-emptydir', severity: o.deleteEmptyDirData ? 'warning' : 'critical', blocks: !o.deleteEmptyDirData,
        title: `${emptyDir.length} pod${emptyDir.length === 1 ? ' uses' : 's use'} emptyDir volumes`,
        detail: o.deleteEmptyDirData
          ? 'Their emptyDir data is deleted when they are evicted (--delete-emptydir-data).'
          : 'Evicting them deletes the data in their emptyDir volumes, so the drain refuses (as `oc adm drain` without --delete-emptydir-data). Allow "delete emptyDir data" if that data is disposable.',
      }, emptyDir.map(refOf)));
    }
  } else {
    const o = options as PodRestartOptions;
    const nsScope = namespacesInScope(snap.namespaces, o, ctx.dashboardNamespace);
    const included = new Set(nsScope.included);
    touched = snap.pods.filter((p) => included.has(p.metadata?.namespace ?? '') && !p.metadata?.deletionTimestamp);
    if (o.mode === 'procedure') {
      const unmanaged = touched.filter((p) => podCategory(p) === 'unmanaged' || podCategory(p) === 'guard');
      if (unmanaged.length) {
        findings.push(finding({ id: 'pods-unmanaged', severity: 'warning', blocks: false, title: `${unmanaged.length} pod${unmanaged.length === 1 ? ' has' : 's have'} no controller`, detail: 'The procedure deletes them too, and nothing recreates them. The safe restart lists them for you instead.' }, unmanaged.map(refOf)));
      }
    } else {
      const left = nsScope.included.flatMap((ns) => namespaceWork(snap, ns, o, ctx.cutoffMs ?? null).leftAlone);
      if (left.length) {
        findings.push(finding({ id: 'pods-left-alone', severity: 'info', blocks: false, title: `${left.length} pod${left.length === 1 ? ' is' : 's are'} left for you to decide`, detail: 'Pods without a controller and Job pods are not restarted: deleting them would lose them or rerun their work. They keep tokens from the previous issuer until you restart them yourself.' }, left.map((l) => `${l.namespace}/${l.name}`)));
      }
    }
    const emptyDir = touched.filter((p) => hasEmptyDir(p) && podCategory(p) !== 'mirror' && podCategory(p) !== 'finished' && (o.mode === 'procedure' || controllerOf(p)?.kind !== 'Job'));
    if (emptyDir.length) {
      findings.push(finding({ id: 'pods-emptydir', severity: 'warning', blocks: false, title: `${emptyDir.length} pod${emptyDir.length === 1 ? ' uses' : 's use'} emptyDir volumes`, detail: 'A restarted pod starts with empty emptyDir volumes: whatever they held is lost.' }, emptyDir.map(refOf)));
    }
  }

  // Budgets that allow no disruption now, among those covering the touched pods.
  const blockedPdbs = new Map<string, string>();
  for (const p of touched) {
    if (podCategory(p) === 'daemonset' || podCategory(p) === 'mirror') continue;
    for (const b of pdbsFor(p, inNamespace(snap, p.metadata?.namespace ?? '').pdbs)) {
      if ((b.status?.disruptionsAllowed ?? 0) <= 0) blockedPdbs.set(`${b.metadata?.namespace}/${b.metadata?.name}`, `${b.status?.currentHealthy ?? 0}/${b.status?.desiredHealthy ?? 0}`);
    }
  }
  if (blockedPdbs.size) {
    const o = options as Partial<NodeRestartOptions & PodRestartOptions>;
    findings.push(finding({
      id: 'pdbs-no-disruption', severity: 'warning', blocks: false,
      title: `${blockedPdbs.size} PodDisruptionBudget${blockedPdbs.size === 1 ? ' allows' : 's allow'} no disruption now`,
      detail: nodeRestart
        ? `A drain of a node with their pods retries the eviction every ${o.evictionRetrySeconds ?? 5} s and stops the workflow after ${o.drainTimeoutSeconds ?? 600} s, leaving that node cordoned.`
        : o.mode === 'procedure'
          ? 'Deleting pods ignores budgets: the pods they protect all go down together.'
          : 'Rollout restarts do not go through budgets, but these workloads have no spare replica right now.',
    }, [...blockedPdbs.keys()]));
  }

  // Single-replica workloads that go down while their only pod moves or restarts.
  const rsOwner = replicaSetOwners(snap.replicaSets);
  const single = new Set<string>();
  for (const p of touched) {
    const w = workloadOf(p, rsOwner);
    const ns = p.metadata?.namespace;
    if (w.kind === 'Deployment') {
      const d = inNamespace(snap, ns ?? '').deployments.find((x) => x.metadata?.name === w.name);
      if ((d?.spec?.replicas ?? 0) === 1 && (nodeRestart || (options as PodRestartOptions).mode === 'procedure' || d?.spec?.strategy?.type === 'Recreate')) single.add(`${ns}/deployment/${w.name}`);
    } else if (w.kind === 'StatefulSet') {
      const s = inNamespace(snap, ns ?? '').statefulSets.find((x) => x.metadata?.name === w.name);
      if ((s?.spec?.replicas ?? 0) === 1) single.add(`${ns}/statefulset/${w.name}`);
    }
  }
  if (single.size) {
    findings.push(finding({
      id: 'single-replica', severity: 'warning', blocks: false,
      title: `${single.size} single-replica workload${single.size === 1 ? '' : 's'} will go down briefly`,
      detail: 'With one replica there is nothing to serve while its pod is evicted or restarted; expect a short interruption for each.',
    }, [...single]));
  }

  return { checkedAt: ctx.checkedAt ?? new Date().toISOString(), findings, blocked: findings.some((f) => f.blocks), flavor: rollout.present ? 'openshift' : 'kubernetes' };
}
