// Pure judgements over pods and nodes that both workflows share: which pods a drain evicts, skips
// or refuses (as `oc adm drain --ignore-daemonsets --delete-emptydir-data --force` decides), which
// node is control plane, the restart order, and which workload owns a pod. No I/O.
import type { V1Node, V1Pod } from '@kubernetes/client-node';

export type PodCategory = 'daemonset' | 'mirror' | 'finished' | 'guard' | 'controlled' | 'unmanaged';

export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export function controllerOf(pod: { metadata?: { ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] } }) {
  return pod.metadata?.ownerReferences?.find((r) => r.controller) ?? undefined;
}

export function isFinished(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/**
 * OpenShift's static-pod operators keep one guard pod per control-plane node (e.g.
 * openshift-kube-apiserver/kube-apiserver-guard-<node>): no owner reference, but the operator
 * recreates it and the guard PodDisruptionBudget exists precisely so a drain evicts them one at a time.
 */
export function isGuardPod(pod: V1Pod): boolean {
  const ns = pod.metadata?.namespace ?? '';
  const name = pod.metadata?.name ?? '';
  return ns.startsWith('openshift-') && /-guard-/.test(name) && pod.metadata?.labels?.app === 'guard' && !controllerOf(pod);
}

export function podCategory(pod: V1Pod): PodCategory {
  if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) return 'mirror';
  const ctrl = controllerOf(pod);
  if (ctrl?.kind === 'DaemonSet') return 'daemonset';
  if (isFinished(pod)) return 'finished';
  if (ctrl) return 'controlled';
  if (isGuardPod(pod)) return 'guard';
  return 'unmanaged';
}

export function hasEmptyDir(pod: V1Pod): boolean {
  return (pod.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined && v.emptyDir !== null);
}

export type DrainDecision = { action: 'skip' | 'evict'; why: string } | { action: 'refuse'; why: string };

/** What a drain does with one pod, given the user's explicit choices. */
export function drainDecision(pod: V1Pod, opts: { deleteEmptyDirData: boolean; force: boolean }): DrainDecision {
  const cat = podCategory(pod);
  if (cat === 'mirror') return { action: 'skip', why: 'mirror (static) pod: the kubelet runs it from a file' };
  if (cat === 'daemonset') return { action: 'skip', why: 'DaemonSet pod (--ignore-daemonsets)' };
  if (cat === 'finished') return { action: 'evict', why: 'finished pod' };
  if (hasEmptyDir(pod) && !opts.deleteEmptyDirData) {
    return { action: 'refuse', why: 'has emptyDir volumes whose data would be lost (allow "delete emptyDir data")' };
  }
  if (cat === 'unmanaged' && !opts.force) {
    return { action: 'refuse', why: 'has no controller, so it would not come back (allow "force" to evict it)' };
  }
  if (cat === 'guard') return { action: 'evict', why: 'guard pod: its operator recreates it; its PodDisruptionBudget paces the drain' };
  return { action: 'evict', why: cat === 'unmanaged' ? 'no controller: will NOT come back (--force)' : 'managed by a controller: recreated elsewhere' };
}

export function nodeRoleOf(node: V1Node): 'control-plane' | 'worker' {
  const l = node.metadata?.labels ?? {};
  return 'node-role.kubernetes.io/control-plane' in l || 'node-role.kubernetes.io/master' in l ? 'control-plane' : 'worker';
}

export function nodeReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function bootIdOf(node: V1Node): string {
  return node.status?.nodeInfo?.bootID ?? '';
}

/** Workers first, control-plane nodes last, each group by name (a stable, explainable order). */
export function orderNodes<T extends { name: string; role: 'control-plane' | 'worker' }>(nodes: T[]): T[] {
  const rank = (n: T) => (n.role === 'control-plane' ? 1 : 0);
  return [...nodes].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, 'en', { numeric: true }));
}

export function podReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
}

/** client-node gives Date objects from list calls; accept strings too. Null when missing. */
export function timeMs(v: unknown): number | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v === 'string' && v) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** When the pod's containers started (status.startTime, else creation). */
export function podStartMs(pod: V1Pod): number | null {
  return timeMs(pod.status?.startTime) ?? timeMs(pod.metadata?.creationTimestamp);
}

/** Matches a namespace against exact names and `*` globs. */
export function matchesAny(name: string, patterns: string[] | undefined): boolean {
  if (!patterns?.length) return false;
  return patterns.some((p) => {
    if (!p.includes('*')) return p === name;
    const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return re.test(name);
  });
}

export function isPlatformNamespace(ns: string): boolean {
  return ns.startsWith('openshift-') || ns.startsWith('kube-') || ns === 'openshift';
}

export type WorkloadKey = `${'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job'}/${string}`;

/**
 * The top-level workload a pod belongs to: Deployment (through its ReplicaSet), StatefulSet,
 * DaemonSet or Job; `other` for pods another controller owns (bare ReplicaSet, operator CR, ...).
 */
export function workloadOf(
  pod: V1Pod,
  rsOwner: Map<string, string | null>,
): { kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'other' | 'none'; name: string } {
  const c = controllerOf(pod);
  if (!c) return { kind: 'none', name: '' };
  if (c.kind === 'ReplicaSet') {
    const dep = rsOwner.get(`${pod.metadata?.namespace}/${c.name}`);
    return dep ? { kind: 'Deployment', name: dep } : { kind: 'other', name: `ReplicaSet/${c.name}` };
  }
  if (c.kind === 'StatefulSet' || c.kind === 'DaemonSet' || c.kind === 'Job') return { kind: c.kind, name: c.name };
  return { kind: 'other', name: `${c.kind}/${c.name}` };
}
