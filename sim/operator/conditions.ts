// The installer controller's operator conditions (NodeInstallerProgressing, StaticPodsAvailable,
// NodeInstallerDegraded) computed from node statuses as library-go computes them, and the
// condition bookkeeping of v1helpers: lastTransitionTime moves only when status flips.

import { revisionDescription } from './revision-text';
import type { NodeStatus, OperatorCondition, Wording } from './types';

export const NODE_INSTALLER_PROGRESSING = 'NodeInstallerProgressing';
export const STATIC_PODS_AVAILABLE = 'StaticPodsAvailable';
export const NODE_INSTALLER_DEGRADED = 'NodeInstallerDegraded';

type Cond = Omit<OperatorCondition, 'lastTransitionTime'>;

export function installerConditions(nodeStatuses: readonly NodeStatus[], latestAvailableRevision: number, wording: Wording = 'current'): Cond[] {
  let numAvailable = 0;
  let numProgressing = 0;
  const failingCount = new Map<number, number>();
  const failing = new Map<number, string[]>();
  for (const ns of nodeStatuses) {
    const cur = ns.currentRevision ?? 0;
    if (cur !== 0) numAvailable++;
    const lfr = ns.lastFailedRevision ?? 0;
    if (lfr !== 0 && lfr === (ns.targetRevision ?? 0) && (ns.lastFailedReason ?? '') !== 'OperandFailedFallback') {
      failingCount.set(lfr, (failingCount.get(lfr) ?? 0) + 1);
      failing.set(lfr, [...(failing.get(lfr) ?? []), ...(ns.lastFailedRevisionErrors ?? [])]);
    }
    if (latestAvailableRevision !== cur) numProgressing++;
  }
  const desc = revisionDescription(nodeStatuses, latestAvailableRevision, wording);

  const available: Cond =
    numAvailable > 0
      ? { type: STATIC_PODS_AVAILABLE, status: 'True', reason: '', message: `${numAvailable} nodes are active; ${desc}` }
      : { type: STATIC_PODS_AVAILABLE, status: 'False', reason: 'ZeroNodesActive', message: `${numAvailable} nodes are active; ${desc}` };
  const progressing: Cond =
    numProgressing > 0
      ? { type: NODE_INSTALLER_PROGRESSING, status: 'True', reason: '', message: desc }
      : { type: NODE_INSTALLER_PROGRESSING, status: 'False', reason: 'AllNodesAtLatestRevision', message: desc };
  let degraded: Cond = { type: NODE_INSTALLER_DEGRADED, status: 'False' };
  if (failing.size > 0) {
    const msgs = [...failing.keys()]
      .sort((a, b) => a - b)
      .map((rev) => `${failingCount.get(rev)} nodes are failing on revision ${rev}:\n${failing.get(rev)!.join('\n')}`);
    degraded = { type: NODE_INSTALLER_DEGRADED, status: 'True', reason: 'InstallerPodFailed', message: msgs.join('; ') };
  }
  return [available, progressing, degraded];
}

/**
 * Merges `updates` into `existing` (by type, keeping order; new types appended). Each update replaces
 * the stored reason/message wholesale (an apply configuration without a field clears it);
 * lastTransitionTime is kept while the status is unchanged and set to `nowIso` when it flips.
 */
export function applyConditions(existing: readonly OperatorCondition[] | undefined, updates: readonly Cond[], nowIso: string): OperatorCondition[] {
  const out: OperatorCondition[] = (existing ?? []).map((c) => ({ ...c }));
  for (const u of updates) {
    const i = out.findIndex((c) => c.type === u.type);
    const prev = i >= 0 ? out[i] : undefined;
    const ltt = prev && prev.status === u.status && prev.lastTransitionTime ? prev.lastTransitionTime : nowIso;
    const next: OperatorCondition = { type: u.type, status: u.status, lastTransitionTime: ltt };
    if (u.reason !== undefined) next.reason = u.reason;
    if (u.message !== undefined) next.message = u.message;
    if (i >= 0) out[i] = next;
    else out.push(next);
  }
  return out;
}

export function findCondition(conds: readonly OperatorCondition[] | undefined, type: string): OperatorCondition | undefined {
  return conds?.find((c) => c.type === type);
}
