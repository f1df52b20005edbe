// What each workflow touches, decided from a snapshot without I/O: the nodes in restart order, the
// namespaces a pod restart includes (and why others are left out), the workloads and pods in them.
// Shared by the plan (what the user reads), the preflight (what could go wrong) and the steps.
import type { V1Pod } from '@kubernetes/client-node';
import { controllerOf, isPlatformNamespace, matchesAny, nodeReady, nodeRoleOf, orderNodes, podCategory, podStartMs, workloadOf } from './classify';
import { inNamespace, replicaSetOwners, type ClusterSnapshot } from './snapshot';
import type { NodeRestartOptions, PlannedWorkload, PodRestartOptions } from './types';

export interface ScopedNode {
  name: string;
  role: 'worker' | 'control-plane';
  ready: boolean;
  cordoned: boolean;
}

/** The nodes a rolling restart visits, workers first and control plane last. Unknown names throw. */
export function nodesInScope(snap: ClusterSnapshot, opts: Pick<NodeRestartOptions, 'nodes'>): ScopedNode[] {
  const all = snap.nodes.map((n) => ({ name: n.metadata?.name ?? '', role: nodeRoleOf(n), ready: nodeReady(n), cordoned: Boolean(n.spec?.unschedulable) }));
  let chosen = all;
  if (opts.nodes?.length) {
    const missing = opts.nodes.filter((n) => !all.some((a) => a.name === n));
    if (missing.length) throw new Error(`No such node: ${missing.join(', ')}`);
    chosen = all.filter((a) => opts.nodes!.includes(a.name));
  }
  return orderNodes(chosen);
}

export interface NamespaceScope {
  included: string[];
  excluded: { name: string; why: string }[];
}

/**
 * Namespaces a pod restart covers. Platform namespaces (openshift-*, kube-*) are excluded unless
 * includePlatform or named explicitly (not by a glob); the dashboard's own namespace always is,
 * so the workflow does not restart the process that runs it.
 */
export function namespacesInScope(all: string[], opts: Pick<PodRestartOptions, 'includeNamespaces' | 'excludeNamespaces' | 'includePlatform'>, dashboardNamespace: string): NamespaceScope {
  const included: string[] = [];
  const excluded: { name: string; why: string }[] = [];
  for (const ns of [...all].sort()) {
    const explicit = opts.includeNamespaces?.includes(ns) ?? false;
    if (ns === dashboardNamespace) excluded.push({ name: ns, why: 'the dashboard runs here (restarting it would stop the workflow)' });
    else if (matchesAny(ns, opts.excludeNamespaces)) excluded.push({ name: ns, why: 'excluded by the filter' });
    else if (opts.includeNamespaces?.length && !matchesAny(ns, opts.includeNamespaces)) excluded.push({ name: ns, why: 'not in the include filter' });
    else if (isPlatformNamespace(ns) && !opts.includePlatform && !explicit) {
      excluded.push({ name: ns, why: 'platform namespace: its operators manage these pods (include platform namespaces to restart them)' });
    } else included.push(ns);
  }
  return { included, excluded };
}

export interface NamespaceWork {
  namespace: string;
  workloads: PlannedWorkload[];
  /** Pods with a controller the workflow does not restart as a whole (bare ReplicaSet, operator CR): deleted. */
  controlledPods: V1Pod[];
  /** Left for the user: pods without a controller, Job pods. */
  leftAlone: { namespace: string; name: string; why: string }[];
  /** Every pod in the namespace the procedure's way would delete. */
  allPods: V1Pod[];
}

const isOld = (pod: V1Pod, cutoffMs: number | null) => {
  if (cutoffMs === null) return true;
  const t = podStartMs(pod);
  return t !== null && t < cutoffMs;
};

/** What a pod restart does in one namespace (pure). `cutoffMs` limits it to pods started before. */
export function namespaceWork(snap: ClusterSnapshot, namespace: string, opts: Pick<PodRestartOptions, 'mode'>, cutoffMs: number | null): NamespaceWork {
  const here = inNamespace(snap, namespace);
  const pods = here.pods.filter((p) => !p.metadata?.deletionTimestamp);
  const rsOwner = replicaSetOwners(here.replicaSets);
  const work: NamespaceWork = { namespace, workloads: [], controlledPods: [], leftAlone: [], allPods: [] };
  if (opts.mode === 'procedure') {
    work.allPods = pods.filter((p) => isOld(p, cutoffMs));
    for (const p of work.allPods) {
      const cat = podCategory(p);
      const risk = cat === 'unmanaged' ? 'no controller: will NOT come back' : cat === 'mirror' ? 'static pod: only its mirror is deleted' : undefined;
      work.workloads.push({ kind: 'Pod', namespace, name: p.metadata!.name!, action: 'delete-all', command: `oc delete pod ${p.metadata!.name} -n ${namespace}`, ...(risk ? { risk } : {}) });
    }
    return work;
  }
  const oldBy = new Map<string, boolean>();
  for (const p of pods) {
    const w = workloadOf(p, rsOwner);
    const key = `${w.kind}/${w.name}`;
    if (isOld(p, cutoffMs)) oldBy.set(key, true);
    const cat = podCategory(p);
    if (cat === 'mirror' || cat === 'finished') continue;
    if (w.kind === 'none') {
      if (isOld(p, cutoffMs)) work.leftAlone.push({ namespace, name: p.metadata!.name!, why: cat === 'guard' ? 'guard pod: its operator manages it' : 'no controller: deleting it would not bring it back' });
    } else if (w.kind === 'Job') {
      if (isOld(p, cutoffMs)) work.leftAlone.push({ namespace, name: p.metadata!.name!, why: `Job ${w.name}: a restart would rerun its work` });
    } else if (w.kind === 'other') {
      if (isOld(p, cutoffMs)) work.controlledPods.push(p);
    }
  }
  for (const d of here.deployments) {
    const name = d.metadata!.name!;
    const replicas = d.spec?.replicas ?? 1;
    if (replicas === 0 || !oldBy.get(`Deployment/${name}`)) continue;
    const recreate = d.spec?.strategy?.type === 'Recreate';
    work.workloads.push({
      kind: 'Deployment', namespace, name, action: 'rollout-restart', replicas,
      command: `oc rollout restart deployment/${name} -n ${namespace}`,
      ...(recreate ? { risk: 'strategy Recreate: all its pods stop before new ones start' } : replicas === 1 ? { risk: 'one replica: served by the new pod once it is ready (surge)' } : {}),
    });
  }
  for (const s of here.statefulSets) {
    const name = s.metadata!.name!;
    const replicas = s.spec?.replicas ?? 1;
    if (replicas === 0 || !oldBy.get(`StatefulSet/${name}`)) continue;
    const onDelete = s.spec?.updateStrategy?.type === 'OnDelete';
    work.workloads.push({
      kind: 'StatefulSet', namespace, name, replicas,
      action: onDelete ? 'delete-pods-one-by-one' : 'rollout-restart',
      command: onDelete ? `oc delete pod -n ${namespace} -l <selector of statefulset/${name}> (one at a time)` : `oc rollout restart statefulset/${name} -n ${namespace}`,
      ...(replicas === 1 ? { risk: 'one replica: down while its pod restarts' } : {}),
    });
  }
  for (const ds of here.daemonSets) {
    const name = ds.metadata!.name!;
    if (!oldBy.get(`DaemonSet/${name}`)) continue;
    const onDelete = ds.spec?.updateStrategy?.type === 'OnDelete';
    work.workloads.push({
      kind: 'DaemonSet', namespace, name,
      action: onDelete ? 'delete-pods-one-by-one' : 'rollout-restart',
      command: onDelete ? `oc delete pod -n ${namespace} -l <selector of daemonset/${name}> (one at a time)` : `oc rollout restart daemonset/${name} -n ${namespace}`,
    });
  }
  for (const p of work.controlledPods) {
    const c = controllerOf(p);
    work.workloads.push({ kind: 'Pod', namespace, name: p.metadata!.name!, action: 'delete', command: `oc delete pod ${p.metadata!.name} -n ${namespace}`, risk: `owned by ${c?.kind}/${c?.name}, which recreates it` });
  }
  return work;
}
