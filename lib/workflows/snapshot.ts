// One read of everything planning and preflight look at (nodes, pods, budgets, workloads, the
// KubeAPIServer), so both work from the same picture, plus the pure helpers over it: label
// selectors, budgets covering a pod, the ReplicaSet → Deployment map, the issuer-change cutoff.
import type {
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1LabelSelector,
  V1Node,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';

export interface ClusterSnapshot {
  nodes: V1Node[];
  pods: V1Pod[];
  pdbs: V1PodDisruptionBudget[];
  deployments: V1Deployment[];
  statefulSets: V1StatefulSet[];
  daemonSets: V1DaemonSet[];
  replicaSets: V1ReplicaSet[];
  jobs: V1Job[];
  namespaces: string[];
  /** kubeapiservers.operator.openshift.io/cluster; null on plain Kubernetes. */
  kubeApiServer: Record<string, unknown> | null;
}

export function emptySnapshot(): ClusterSnapshot {
  return { nodes: [], pods: [], pdbs: [], deployments: [], statefulSets: [], daemonSets: [], replicaSets: [], jobs: [], namespaces: [], kubeApiServer: null };
}

export function selectorMatches(sel: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in l;
    const val = l[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(val!)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(val!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  // An empty selector ({}) matches every pod in the namespace, as for PodDisruptionBudgets.
  return true;
}

/** A snapshot's objects grouped by namespace and pods by node, built once per snapshot. */
export interface NamespaceBucket {
  pods: V1Pod[];
  pdbs: V1PodDisruptionBudget[];
  deployments: V1Deployment[];
  statefulSets: V1StatefulSet[];
  daemonSets: V1DaemonSet[];
  replicaSets: V1ReplicaSet[];
}

interface SnapshotIndex {
  byNamespace: Map<string, NamespaceBucket>;
  podsByNode: Map<string, V1Pod[]>;
}

const EMPTY_BUCKET: NamespaceBucket = { pods: [], pdbs: [], deployments: [], statefulSets: [], daemonSets: [], replicaSets: [] };
const indexes = new WeakMap<ClusterSnapshot, SnapshotIndex>();

// Plans walk every namespace and every node; at 100,000 pods, filtering the whole snapshot inside
// those loops is ~10^8 checks, so the grouping happens once.
function indexOf(snap: ClusterSnapshot): SnapshotIndex {
  let idx = indexes.get(snap);
  if (idx) return idx;
  const byNamespace = new Map<string, NamespaceBucket>();
  const bucket = (ns: string | undefined) => {
    const key = ns ?? '';
    let b = byNamespace.get(key);
    if (!b) byNamespace.set(key, (b = { pods: [], pdbs: [], deployments: [], statefulSets: [], daemonSets: [], replicaSets: [] }));
    return b;
  };
  const podsByNode = new Map<string, V1Pod[]>();
  for (const p of snap.pods) {
    bucket(p.metadata?.namespace).pods.push(p);
    const node = p.spec?.nodeName;
    if (node) {
      const list = podsByNode.get(node);
      if (list) list.push(p);
      else podsByNode.set(node, [p]);
    }
  }
  for (const o of snap.pdbs) bucket(o.metadata?.namespace).pdbs.push(o);
  for (const o of snap.deployments) bucket(o.metadata?.namespace).deployments.push(o);
  for (const o of snap.statefulSets) bucket(o.metadata?.namespace).statefulSets.push(o);
  for (const o of snap.daemonSets) bucket(o.metadata?.namespace).daemonSets.push(o);
  for (const o of snap.replicaSets) bucket(o.metadata?.namespace).replicaSets.push(o);
  idx = { byNamespace, podsByNode };
  indexes.set(snap, idx);
  return idx;
}

/** The snapshot's objects in one namespace (read only). */
export function inNamespace(snap: ClusterSnapshot, namespace: string): NamespaceBucket {
  return indexOf(snap).byNamespace.get(namespace) ?? EMPTY_BUCKET;
}

/** The snapshot's pods bound to one node (read only). */
export function podsOnNode(snap: ClusterSnapshot, node: string): V1Pod[] {
  return indexOf(snap).podsByNode.get(node) ?? [];
}

export function pdbsFor(pod: V1Pod, pdbs: V1PodDisruptionBudget[]): V1PodDisruptionBudget[] {
  return pdbs.filter((b) => b.metadata?.namespace === pod.metadata?.namespace && selectorMatches(b.spec?.selector, pod.metadata?.labels));
}

/** `ns/rs` → owning Deployment name (null for a bare ReplicaSet). */
export function replicaSetOwners(rss: V1ReplicaSet[]): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const rs of rss) {
    const owner = rs.metadata?.ownerReferences?.find((r) => r.controller && r.kind === 'Deployment');
    m.set(`${rs.metadata?.namespace}/${rs.metadata?.name}`, owner?.name ?? null);
  }
  return m;
}

interface IssuerEntry {
  name?: string;
  expirationTime?: string;
}

/** When the issuer last changed: the previous issuer's expirationTime − 24 h (null when none is trusted). */
export function issuerChangeCutoff(kas: Record<string, unknown> | null): string | null {
  const status = (kas?.status ?? {}) as { serviceAccountIssuers?: IssuerEntry[] };
  const prev = (status.serviceAccountIssuers ?? []).filter((i) => i.expirationTime);
  if (!prev.length) return null;
  const latest = Math.max(...prev.map((i) => Date.parse(String(i.expirationTime))).filter((t) => !Number.isNaN(t)));
  if (!Number.isFinite(latest)) return null;
  return new Date(latest - 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** NodeInstallerProgressing of the KubeAPIServer: is a new revision still rolling out? */
export function apiServerRollout(kas: Record<string, unknown> | null): { present: boolean; progressing: boolean; reason: string; message: string } {
  if (!kas) return { present: false, progressing: false, reason: '', message: '' };
  const status = (kas.status ?? {}) as { conditions?: { type?: string; status?: string; reason?: string; message?: string }[]; nodeStatuses?: { targetRevision?: number }[] };
  const c = (status.conditions ?? []).find((x) => x.type === 'NodeInstallerProgressing');
  const installing = (status.nodeStatuses ?? []).some((n) => (n.targetRevision ?? 0) > 0);
  return { present: true, progressing: c?.status === 'True' || installing, reason: c?.reason ?? '', message: c?.message ?? '' };
}
