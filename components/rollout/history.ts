// What the rollout page remembers while it is open: when each node changed state (so "time in
// state" and the chart are exact for what was seen, and marked "at least" for what happened before),
// when the latest revision appeared, and the stuck verdict. All times are cluster-clock ms.
import type { RolloutDto, RolloutNode } from '@/lib/k8s/rollout';

export type MarkKind = 'reached' | 'target' | 'failed';

export interface Mark {
  node: string;
  kind: MarkKind;
  revision: number;
  at: number;
  /** Seen happening by this page (false: a timestamp the cluster recorded before). */
  observed: boolean;
}

export interface NodeTrack {
  key: string;
  since: number;
  /** `since` is a moment this page saw (re-based when the clock estimate changes), not a cluster timestamp. */
  sinceObserved: boolean;
  /** False: the node was already in this state when first seen, so `since` is a lower bound of the time in it. */
  exact: boolean;
  /** The revision the node ran when first seen (the chart's first segment). */
  initialRevision: number;
}

export interface RolloutHistory {
  firstSeen: number;
  marks: Mark[];
  nodes: Record<string, NodeTrack>;
  /** When a latest revision first appeared while the page was open. */
  revisions: Array<{ revision: number; at: number }>;
  /** Last time a node's current or target revision moved (seen by the page). */
  lastProgress: number | null;
  prev: RolloutDto;
}

const MAX_MARKS = 500;

export function stateKey(n: RolloutNode): string {
  return `${n.phase}|${n.currentRevision}|${n.targetRevision}|${n.failureOpen ? n.lastFailedRevision : 0}`;
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** The time a node has been in its state at least since, from what the cluster recorded. */
function initialSince(dto: RolloutDto, n: RolloutNode, now: number): number {
  const p = dto.conditions.NodeInstallerProgressing;
  const t = ms(p?.lastTransitionTime);
  const usable = t !== null && t <= now ? t : null;
  if (n.phase === 'failing') return Math.min(now, ms(n.lastFailedTime) ?? now);
  // Done: the last node got there when Progressing turned False, the others earlier.
  if (n.phase === 'at-latest' && dto.complete && p?.status === 'False' && usable !== null) return usable;
  // Waiting while Progressing has been True since t: it has waited since the rollout began.
  if (n.phase === 'waiting' && p?.status === 'True' && usable !== null) return usable;
  return now;
}

export function initHistory(dto: RolloutDto, now: number): RolloutHistory {
  const nodes: Record<string, NodeTrack> = {};
  const marks: Mark[] = [];
  for (const n of dto.nodes) {
    const since = initialSince(dto, n, now);
    nodes[n.nodeName] = { key: stateKey(n), since, sinceObserved: since === now, exact: false, initialRevision: n.currentRevision };
    const failed = ms(n.lastFailedTime);
    if (n.failureOpen && failed !== null) marks.push({ node: n.nodeName, kind: 'failed', revision: n.lastFailedRevision, at: Math.min(failed, now), observed: false });
  }
  return { firstSeen: now, marks, nodes, revisions: [], lastProgress: null, prev: dto };
}

/** Folds a new DTO into the history (returns the same object when nothing changed). */
export function advanceHistory(h: RolloutHistory, dto: RolloutDto, now: number): RolloutHistory {
  if (dto === h.prev) return h;
  const marks = [...h.marks];
  const nodes = { ...h.nodes };
  const revisions = [...h.revisions];
  let lastProgress = h.lastProgress;
  if (dto.latestAvailableRevision > h.prev.latestAvailableRevision) revisions.push({ revision: dto.latestAvailableRevision, at: now });
  for (const n of dto.nodes) {
    const p = h.prev.nodes.find((x) => x.nodeName === n.nodeName);
    const track = nodes[n.nodeName];
    if (!p || !track) {
      nodes[n.nodeName] = { key: stateKey(n), since: now, sinceObserved: true, exact: false, initialRevision: n.currentRevision };
      continue;
    }
    if (n.currentRevision !== p.currentRevision) {
      marks.push({ node: n.nodeName, kind: 'reached', revision: n.currentRevision, at: now, observed: true });
      lastProgress = now;
    }
    if (n.targetRevision !== p.targetRevision) {
      if (n.targetRevision !== 0) marks.push({ node: n.nodeName, kind: 'target', revision: n.targetRevision, at: now, observed: true });
      lastProgress = now;
    }
    if (n.lastFailedTime && (n.lastFailedTime !== p.lastFailedTime || n.lastFailedCount !== p.lastFailedCount)) {
      marks.push({ node: n.nodeName, kind: 'failed', revision: n.lastFailedRevision, at: Math.min(ms(n.lastFailedTime) ?? now, now), observed: true });
    }
    const key = stateKey(n);
    if (key !== track.key) nodes[n.nodeName] = { ...track, key, since: now, sinceObserved: true, exact: true };
  }
  return { ...h, marks: marks.slice(-MAX_MARKS), nodes, revisions, lastProgress, prev: dto };
}

/**
 * The clock estimate changed (a better sample arrived): moves the moments this page observed
 * (stamped with the old estimate) onto the new one. Cluster-written timestamps stay as they are.
 */
export function rebaseHistory(h: RolloutHistory, map: (t: number) => number): RolloutHistory {
  const nodes: Record<string, NodeTrack> = {};
  for (const [k, t] of Object.entries(h.nodes)) nodes[k] = t.sinceObserved ? { ...t, since: map(t.since) } : t;
  return {
    ...h,
    firstSeen: map(h.firstSeen),
    marks: h.marks.map((m) => (m.observed && m.kind !== 'failed' ? { ...m, at: map(m.at) } : m)),
    nodes,
    revisions: h.revisions.map((r) => ({ ...r, at: map(r.at) })),
    lastProgress: h.lastProgress === null ? null : map(h.lastProgress),
  };
}

export interface StuckVerdict {
  stuck: boolean;
  /** Why, in plain words (empty when not stuck). */
  reasons: string[];
  /** Nodes that failed the latest attempt at least twice. */
  repeatedFailures: RolloutNode[];
  /** Since when nothing moved (cluster ms), when the rollout is still going. */
  noProgressSince: number | null;
}

/** No node moved for `thresholdMs` while the rollout is not done, or a node failed twice or more. */
export function detectStuck(dto: RolloutDto, h: RolloutHistory | null, now: number, thresholdMs: number, fmt: (ms: number) => string): StuckVerdict {
  const reasons: string[] = [];
  const repeatedFailures = dto.nodes.filter((n) => n.failureOpen && n.lastFailedCount >= 2);
  for (const n of repeatedFailures) {
    reasons.push(`${n.nodeName} failed revision ${n.lastFailedRevision} ${n.lastFailedCount} times${n.lastFailedReason ? ` (${n.lastFailedReason})` : ''}.`);
  }
  let noProgressSince: number | null = null;
  if (!dto.complete && dto.nodes.length > 0) {
    const started = ms(dto.conditions.NodeInstallerProgressing?.status === 'True' ? dto.conditions.NodeInstallerProgressing.lastTransitionTime : null);
    const candidates = [h?.lastProgress ?? null, started !== null && started <= now ? started : null].filter((x): x is number => x !== null);
    noProgressSince = candidates.length ? Math.max(...candidates) : (h?.firstSeen ?? null);
    if (noProgressSince !== null && now - noProgressSince >= thresholdMs) {
      reasons.push(`No node has changed revision for ${fmt(now - noProgressSince)} (the limit is ${fmt(thresholdMs)}).`);
    }
  }
  return { stuck: reasons.length > 0, reasons, repeatedFailures, noProgressSince };
}
