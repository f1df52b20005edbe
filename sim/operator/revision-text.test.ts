import { describe, expect, it } from 'vitest';
import { revisionDescription } from './revision-text';
import { applyConditions, installerConditions } from './conditions';
import type { NodeStatus } from './types';

const nodes = (...revs: number[]): NodeStatus[] => revs.map((r, i) => ({ nodeName: `master-${i}`, currentRevision: r }));

describe('revisionDescription (library-go wording)', () => {
  it('prints the README examples character for character', () => {
    expect(revisionDescription(nodes(12, 12, 12), 12)).toBe('3 nodes are at revision 12');
    expect(revisionDescription(nodes(11, 11, 11), 12)).toBe('3 nodes are at revision 11; 0 nodes have achieved new revision 12');
    expect(revisionDescription(nodes(12, 11, 11), 12)).toBe('2 nodes are at revision 11; 1 node is at revision 12');
    expect(revisionDescription(nodes(12, 12, 11), 12)).toBe('1 node is at revision 11; 2 nodes are at revision 12');
    expect(revisionDescription(nodes(12, 11, 12), 13)).toBe('1 node is at revision 11; 2 nodes are at revision 12; 0 nodes have achieved new revision 13');
  });
  it('legacy (≤4.15) wording always says "nodes are"', () => {
    expect(revisionDescription(nodes(11, 11, 12), 12, 'legacy')).toBe('2 nodes are at revision 11; 1 nodes are at revision 12');
    expect(revisionDescription(nodes(11, 12, 12), 12, 'legacy')).toBe('1 nodes are at revision 11; 2 nodes are at revision 12');
  });
  it('sorts revisions numerically, not as strings, and counts missing currentRevision as 0', () => {
    expect(revisionDescription([...nodes(100, 9), { nodeName: 'x' }], 100)).toBe('1 node is at revision 0; 1 node is at revision 9; 1 node is at revision 100');
  });
});

describe('installerConditions', () => {
  it('progressing: True with empty reason; done: AllNodesAtLatestRevision', () => {
    const [avail, prog, deg] = installerConditions(nodes(12, 11, 11), 12);
    expect(prog).toEqual({ type: 'NodeInstallerProgressing', status: 'True', reason: '', message: '2 nodes are at revision 11; 1 node is at revision 12' });
    expect(avail).toEqual({ type: 'StaticPodsAvailable', status: 'True', reason: '', message: '3 nodes are active; 2 nodes are at revision 11; 1 node is at revision 12' });
    expect(deg).toEqual({ type: 'NodeInstallerDegraded', status: 'False' });
    const done = installerConditions(nodes(12, 12, 12), 12);
    expect(done[1]).toEqual({ type: 'NodeInstallerProgressing', status: 'False', reason: 'AllNodesAtLatestRevision', message: '3 nodes are at revision 12' });
  });
  it('zero nodes active', () => {
    const [avail] = installerConditions(nodes(0, 0, 0), 2);
    expect(avail).toEqual({ type: 'StaticPodsAvailable', status: 'False', reason: 'ZeroNodesActive', message: '0 nodes are active; 3 nodes are at revision 0; 0 nodes have achieved new revision 2' });
  });
  it('degraded counts nodes whose lastFailedRevision equals targetRevision, excluding fallback', () => {
    const ns: NodeStatus[] = [
      { nodeName: 'a', currentRevision: 11, targetRevision: 12, lastFailedRevision: 12, lastFailedReason: 'InstallerFailed', lastFailedRevisionErrors: ['installer: boom'] },
      { nodeName: 'b', currentRevision: 11 },
      { nodeName: 'c', currentRevision: 12, targetRevision: 0, lastFailedRevision: 12, lastFailedRevisionErrors: ['old'] },
    ];
    const deg = installerConditions(ns, 12)[2];
    expect(deg).toEqual({ type: 'NodeInstallerDegraded', status: 'True', reason: 'InstallerPodFailed', message: '1 nodes are failing on revision 12:\ninstaller: boom' });
    ns[0]!.lastFailedReason = 'OperandFailedFallback';
    expect(installerConditions(ns, 12)[2]!.status).toBe('False');
  });
  it('several failing revisions join with "; " ascending', () => {
    const ns: NodeStatus[] = [
      { nodeName: 'a', currentRevision: 11, targetRevision: 13, lastFailedRevision: 13, lastFailedRevisionErrors: ['x', 'y'] },
      { nodeName: 'b', currentRevision: 11, targetRevision: 12, lastFailedRevision: 12, lastFailedRevisionErrors: ['z'] },
    ];
    expect(installerConditions(ns, 13)[2]!.message).toBe('1 nodes are failing on revision 12:\nz; 1 nodes are failing on revision 13:\nx\ny');
  });
});

describe('applyConditions', () => {
  it('keeps lastTransitionTime on message-only changes and moves it when status flips', () => {
    const t1 = '2026-01-01T00:00:00Z';
    const t2 = '2026-01-01T00:05:00Z';
    const t3 = '2026-01-01T00:09:00Z';
    let c = applyConditions([], installerConditions(nodes(11, 11, 11), 12), t1);
    expect(c.map((x) => x.lastTransitionTime)).toEqual([t1, t1, t1]);
    c = applyConditions(c, installerConditions(nodes(12, 11, 11), 12), t2);
    expect(c.find((x) => x.type === 'NodeInstallerProgressing')).toEqual({
      type: 'NodeInstallerProgressing', status: 'True', lastTransitionTime: t1, reason: '', message: '2 nodes are at revision 11; 1 node is at revision 12',
    });
    c = applyConditions(c, installerConditions(nodes(12, 12, 12), 12), t3);
    expect(c.find((x) => x.type === 'NodeInstallerProgressing')!.lastTransitionTime).toBe(t3);
    expect(c.find((x) => x.type === 'StaticPodsAvailable')!.lastTransitionTime).toBe(t1);
  });
  it('keeps other conditions and their order', () => {
    const other = { type: 'NodeControllerDegraded', status: 'False' as const, lastTransitionTime: 'x', reason: 'MasterNodesReady', message: 'All master nodes are ready' };
    const c = applyConditions([other], installerConditions(nodes(1), 1), 'now');
    expect(c[0]).toEqual(other);
    expect(c.map((x) => x.type)).toEqual(['NodeControllerDegraded', 'StaticPodsAvailable', 'NodeInstallerProgressing', 'NodeInstallerDegraded']);
  });
});
