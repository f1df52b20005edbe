// Pure pieces of library-go's static pod installer controller: which node to move next
// (nodeToStartRevisionWith), the failure bookkeeping and the installer retry backoff.

import type { NodeStatus } from './types';

/** What the controller knows about a node's kube-apiserver mirror pod (absent = no pod found). */
export interface StaticPodInfo {
  ready: boolean;
  /** Ready condition lastTransitionTime, ms; orders "oldest not ready". */
  readySinceMs?: number;
  /** The pod's `revision` label. */
  revision?: number;
}

export interface NextNode {
  index: number;
  reason: string;
}

/**
 * library-go nodeToStartRevisionWith: first match wins. `pods` is keyed by node name; when the
 * simulator has no mirror pods at all (no entry for any node), the pod-based rules are skipped.
 */
export function nodeToStartRevisionWith(nodeStatuses: readonly NodeStatus[], pods?: ReadonlyMap<string, StaticPodInfo>): NextNode | undefined {
  if (nodeStatuses.length === 0) return undefined;
  // 1. a node already progressing
  for (let i = 0; i < nodeStatuses.length; i++) {
    const ns = nodeStatuses[i]!;
    if ((ns.targetRevision ?? 0) !== 0) return { index: i, reason: `node ${ns.nodeName} is progressing towards ${ns.targetRevision}` };
  }
  // 2. a node with failed revisions newer than every current revision
  const maxCurrent = Math.max(...nodeStatuses.map((n) => n.currentRevision ?? 0));
  for (let i = 0; i < nodeStatuses.length; i++) {
    const ns = nodeStatuses[i]!;
    if ((ns.lastFailedRevision ?? 0) > maxCurrent) return { index: i, reason: `node ${ns.nodeName} is progressing with failed revisions` };
  }
  const usePods = !!pods && pods.size > 0;
  if (usePods) {
    // 3. mirror pod missing
    for (let i = 0; i < nodeStatuses.length; i++) {
      const ns = nodeStatuses[i]!;
      if (!pods.has(ns.nodeName)) return { index: i, reason: `node ${ns.nodeName} static pod not found` };
    }
    // 4. the oldest not-ready static pod
    let oldest = -1;
    let oldestMs = Infinity;
    for (let i = 0; i < nodeStatuses.length; i++) {
      const p = pods.get(nodeStatuses[i]!.nodeName)!;
      if (!p.ready) {
        const t = p.readySinceMs ?? 0;
        if (oldest < 0 || t < oldestMs) {
          oldest = i;
          oldestMs = t;
        }
      }
    }
    if (oldest >= 0) {
      const ns = nodeStatuses[oldest]!;
      return { index: oldest, reason: `node ${ns.nodeName} with revision ${ns.currentRevision ?? 0} is the oldest not ready` };
    }
    // 5. running pod's revision differs from currentRevision (the 2nd %d is the slice index upstream)
    for (let i = 0; i < nodeStatuses.length; i++) {
      const ns = nodeStatuses[i]!;
      const p = pods.get(ns.nodeName)!;
      if (p.revision !== undefined && p.revision !== (ns.currentRevision ?? 0)) {
        return { index: i, reason: `node ${ns.nodeName} with revision ${ns.currentRevision ?? 0} is the oldest not matching its expected revision ${i}` };
      }
    }
  }
  // 6. the lowest currentRevision, ties to the first in list order
  let best = 0;
  for (let i = 1; i < nodeStatuses.length; i++) {
    if ((nodeStatuses[i]!.currentRevision ?? 0) < (nodeStatuses[best]!.currentRevision ?? 0)) best = i;
  }
  const ns = nodeStatuses[best]!;
  return { index: best, reason: `node ${ns.nodeName} with revision ${ns.currentRevision ?? 0} is the oldest` };
}

/** The revision to put a node on, or 0 when it is done (getRevisionToStart, simplified to "latest"). */
export function needsRevision(ns: NodeStatus, latest: number): boolean {
  return (ns.currentRevision ?? 0) !== latest || ((ns.targetRevision ?? 0) !== 0 && ns.targetRevision !== latest);
}

/** newNodeStateForInstallInProgress / deepCopyNodeStatusWithoutOldFailedState: moving a node to `target`. */
export function targetNode(ns: NodeStatus, target: number): NodeStatus {
  const out: NodeStatus = { ...ns, targetRevision: target };
  if ((ns.lastFailedRevision ?? 0) !== target) {
    delete out.lastFailedRevision;
    delete out.lastFailedTime;
    delete out.lastFailedReason;
    delete out.lastFailedCount;
    delete out.lastFailedRevisionErrors;
  }
  return out;
}

/** installerBackOff: 10s·1.5^count, capped at 10 minutes (ms). */
export function installerBackoffMs(count: number): number {
  return Math.min(10_000 * Math.pow(1.5, count), 10 * 60_000);
}

/** `installer-<rev>-<node>` or `installer-<rev>-retry-<n>-<node>` with n = lastFailedCount + lastFallbackCount. */
export function installerPodName(rev: number, ns: NodeStatus): string {
  const n = (ns.lastFailedRevision === rev ? ns.lastFailedCount ?? 0 : 0) + (ns.lastFallbackCount ?? 0);
  return n > 0 ? `installer-${rev}-retry-${n}-${ns.nodeName}` : `installer-${rev}-${ns.nodeName}`;
}

export function noDetailMessage(podName: string, namespace = 'openshift-kube-apiserver'): string {
  return `no detailed termination message, see \`oc get -oyaml -n "${namespace}" pods "${podName}"\``;
}

/** The failure bookkeeping when the installer pod for `ns.targetRevision` fails (reason InstallerFailed). */
export function installerFailed(ns: NodeStatus, nowIso: string, errors: string[]): NodeStatus {
  const target = ns.targetRevision ?? 0;
  const prevCount = ns.lastFailedRevision === target ? ns.lastFailedCount ?? 0 : 0;
  return {
    ...ns,
    lastFailedRevision: target,
    lastFailedTime: nowIso,
    lastFailedReason: 'InstallerFailed',
    lastFailedCount: prevCount + 1,
    lastFailedRevisionErrors: errors,
  };
}
