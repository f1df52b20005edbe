// The rollout page's memory and clock: transitions recorded as seen, "at least" times for what was
// already so, stuck verdicts (no progress / repeated failures), and the cluster clock estimate.
import { describe, expect, it } from 'vitest';
import type { RolloutDto, RolloutNode } from '@/lib/k8s/rollout';
import { addSample, browserAt, clusterNow, estimateClock } from './cluster-clock';
import { formatCountdown, formatDuration } from './format';
import { advanceHistory, detectStuck, initHistory, rebaseHistory } from './history';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function node(name: string, cur: number, target = 0, extra: Partial<RolloutNode> = {}): RolloutNode {
  const base: RolloutNode = {
    nodeName: name, currentRevision: cur, targetRevision: target, lastFailedRevision: 0, lastFailedTime: null, lastFailedReason: '',
    lastFailedCount: 0, lastFailedRevisionErrors: [], phase: 'waiting', failureOpen: false, ...extra,
  };
  return base;
}

function dto(latest: number, nodes: RolloutNode[], progressing: { status: string; at: number }): RolloutDto {
  const ns = nodes.map((n) => ({ ...n, phase: n.phase === 'failing' ? n.phase : n.currentRevision === latest && !n.targetRevision ? ('at-latest' as const) : n.targetRevision ? ('installing' as const) : ('waiting' as const) }));
  const at = ns.filter((n) => n.currentRevision === latest).length;
  const complete = ns.every((n) => n.currentRevision === latest && !n.targetRevision);
  return {
    name: 'cluster', resourceVersion: String(Math.random()), latestAvailableRevision: latest, nodes: ns,
    conditions: {
      NodeInstallerProgressing: { type: 'NodeInstallerProgressing', status: progressing.status, reason: complete ? 'AllNodesAtLatestRevision' : '', message: '', lastTransitionTime: iso(progressing.at) },
      StaticPodsAvailable: null, NodeInstallerDegraded: null,
    },
    revisionText: { raw: '', parts: [], recognized: false }, nodesAtLatest: at, summary: `${at} of ${ns.length} nodes at revision ${latest}`, complete,
    jsonpathOutput: '', serviceAccountIssuers: [], activeIssuer: 'x', previousIssuer: null,
  };
}

describe('history', () => {
  it('records when each node moved, exact for what it saw and "at least" for what was already so', () => {
    const start = dto(12, [node('a', 11, 12), node('b', 11), node('c', 11)], { status: 'True', at: T0 });
    let h = initHistory(start, T0 + 60_000);
    expect(h.nodes.a).toMatchObject({ since: T0 + 60_000, exact: false, initialRevision: 11 });
    // Waiting since Progressing turned True.
    expect(h.nodes.b).toMatchObject({ since: T0, exact: false });
    h = advanceHistory(h, dto(12, [node('a', 12), node('b', 11, 12), node('c', 11)], { status: 'True', at: T0 }), T0 + 200_000);
    expect(h.marks.filter((m) => m.node === 'a').map((m) => [m.kind, m.revision, m.at])).toEqual([['reached', 12, T0 + 200_000]]);
    expect(h.marks.filter((m) => m.node === 'b').map((m) => [m.kind, m.revision])).toEqual([['target', 12]]);
    expect(h.nodes.a).toMatchObject({ since: T0 + 200_000, exact: true });
    expect(h.lastProgress).toBe(T0 + 200_000);
    const same = advanceHistory(h, h.prev, T0 + 300_000);
    expect(same).toBe(h);
    // Re-stamping observed moments onto a new clock leaves cluster timestamps alone.
    const r = rebaseHistory(h, (t) => t + 1000);
    expect(r.nodes.a!.since).toBe(T0 + 201_000);
    expect(r.nodes.b!.since).toBe(T0 + 201_000);
    expect(r.nodes.c!.since).toBe(T0);
    expect(r.firstSeen).toBe(T0 + 61_000);
  });

  it('stuck: no progress past the limit, or two failures of the same revision', () => {
    const d = dto(12, [node('a', 12), node('b', 11, 12), node('c', 11)], { status: 'True', at: T0 });
    const h = initHistory(d, T0 + 60_000);
    expect(detectStuck(d, h, T0 + 14 * 60_000, 15 * 60_000, formatDuration).stuck).toBe(false);
    const v = detectStuck(d, h, T0 + 16 * 60_000, 15 * 60_000, formatDuration);
    expect(v.stuck).toBe(true);
    expect(v.reasons[0]).toBe('No node has changed revision for 16m 00s (the limit is 15m 00s).');
    const moved = advanceHistory(h, dto(12, [node('a', 12), node('b', 12), node('c', 11, 12)], { status: 'True', at: T0 }), T0 + 10 * 60_000);
    expect(detectStuck(moved.prev, moved, T0 + 16 * 60_000, 15 * 60_000, formatDuration).stuck).toBe(false);

    const failing = dto(12, [node('a', 12), node('b', 11, 12, { lastFailedRevision: 12, lastFailedCount: 2, lastFailedReason: 'InstallerFailed', failureOpen: true, phase: 'failing' }), node('c', 11)], { status: 'True', at: T0 });
    const fv = detectStuck(failing, initHistory(failing, T0 + 1000), T0 + 2000, 15 * 60_000, formatDuration);
    expect(fv.stuck).toBe(true);
    expect(fv.reasons).toEqual(['b failed revision 12 2 times (InstallerFailed).']);
    // A resolved failure (node now runs it) is history, not a reason.
    const resolved = dto(12, [node('a', 12, 0, { lastFailedRevision: 12, lastFailedCount: 3, failureOpen: false })], { status: 'False', at: T0 });
    expect(detectStuck(resolved, null, T0 + 3600_000, 15 * 60_000, formatDuration).stuck).toBe(false);
  });
});

describe('cluster clock', () => {
  it('identity without samples or when in step; offset and rate for a sped-up cluster', () => {
    expect(estimateClock([]).identity).toBe(true);
    expect(estimateClock([{ b: 1000, c: 1000 + 30_000 }]).identity).toBe(true);
    const one = estimateClock([{ b: 1000, c: 1000 + 3600_000 }]);
    expect(one).toMatchObject({ identity: false, rate: 1 });
    expect(clusterNow(one, 2000)).toBe(2000 + 3600_000);
    let s = addSample([], { b: 10_000, c: 5_000_000 });
    s = addSample(s, { b: 20_000, c: 5_000_000 + 600_000 });
    const fast = estimateClock(s);
    expect(fast.rate).toBe(60);
    expect(clusterNow(fast, 21_000)).toBe(5_000_000 + 660_000);
    expect(browserAt(fast, 5_000_000 + 660_000)).toBeCloseTo(21_000, 6);
  });

  it('formats durations and countdowns', () => {
    expect(formatDuration(59_999)).toBe('59s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(2 * 3600_000 + 4 * 60_000)).toBe('2h 04m');
    expect(formatCountdown(24 * 3600_000 - 2000)).toBe('23h 59m 58s');
    expect(formatCountdown(-5)).toBe('0s');
  });
});
