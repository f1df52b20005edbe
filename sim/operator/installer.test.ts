import { describe, expect, it } from 'vitest';
import { installerBackoffMs, installerFailed, installerPodName, nodeToStartRevisionWith, noDetailMessage, targetNode, type StaticPodInfo } from './installer';
import type { NodeStatus } from './types';

describe('nodeToStartRevisionWith', () => {
  const base = (): NodeStatus[] => [
    { nodeName: 'm0', currentRevision: 12 },
    { nodeName: 'm1', currentRevision: 11 },
    { nodeName: 'm2', currentRevision: 11 },
  ];
  it('prefers a node with a target, then failed revisions newer than any current', () => {
    const ns = base();
    ns[2]!.targetRevision = 12;
    expect(nodeToStartRevisionWith(ns)).toEqual({ index: 2, reason: 'node m2 is progressing towards 12' });
    const ns2 = base();
    ns2[2]!.lastFailedRevision = 13;
    expect(nodeToStartRevisionWith(ns2)).toEqual({ index: 2, reason: 'node m2 is progressing with failed revisions' });
    ns2[2]!.lastFailedRevision = 12; // not newer than m0's current
    expect(nodeToStartRevisionWith(ns2)!.index).toBe(1);
  });
  it('then missing pod, oldest not-ready, mismatching revision label', () => {
    const ready = (revision: number, readySinceMs = 0): StaticPodInfo => ({ ready: true, revision, readySinceMs });
    const pods = new Map<string, StaticPodInfo>([['m0', ready(12)], ['m1', ready(11)]]);
    expect(nodeToStartRevisionWith(base(), pods)!.reason).toBe('node m2 static pod not found');
    pods.set('m2', ready(11));
    pods.set('m0', { ready: false, readySinceMs: 50, revision: 12 });
    pods.set('m1', { ready: false, readySinceMs: 20, revision: 11 });
    expect(nodeToStartRevisionWith(base(), pods)).toEqual({ index: 1, reason: 'node m1 with revision 11 is the oldest not ready' });
    pods.set('m0', ready(12));
    pods.set('m1', ready(11));
    pods.set('m2', ready(10));
    expect(nodeToStartRevisionWith(base(), pods)).toEqual({ index: 2, reason: 'node m2 with revision 11 is the oldest not matching its expected revision 2' });
  });
  it('else the lowest currentRevision, ties to list order', () => {
    expect(nodeToStartRevisionWith(base())).toEqual({ index: 1, reason: 'node m1 with revision 11 is the oldest' });
    expect(nodeToStartRevisionWith([{ nodeName: 'a', currentRevision: 5 }, { nodeName: 'b', currentRevision: 4 }, { nodeName: 'c', currentRevision: 4 }])!.index).toBe(1);
  });
});

describe('failure bookkeeping', () => {
  it('counts failures of the same revision, names the retry pod and backs off 10s·1.5^n up to 10m', () => {
    let ns: NodeStatus = targetNode({ nodeName: 'm1', currentRevision: 11 }, 12);
    expect(installerPodName(12, ns)).toBe('installer-12-m1');
    ns = installerFailed(ns, 't1', [noDetailMessage('installer-12-m1')]);
    expect(ns).toMatchObject({ targetRevision: 12, lastFailedRevision: 12, lastFailedCount: 1, lastFailedReason: 'InstallerFailed', lastFailedTime: 't1' });
    expect(ns.lastFailedRevisionErrors).toEqual(['no detailed termination message, see `oc get -oyaml -n "openshift-kube-apiserver" pods "installer-12-m1"`']);
    expect(installerPodName(12, ns)).toBe('installer-12-retry-1-m1');
    ns = installerFailed(ns, 't2', ['installer: x']);
    expect(ns.lastFailedCount).toBe(2);
    // retargeting the same revision keeps the failure; a new revision clears it
    expect(targetNode(ns, 12).lastFailedCount).toBe(2);
    expect(targetNode(ns, 13).lastFailedRevision).toBeUndefined();
    expect(installerBackoffMs(0)).toBe(10_000);
    expect(installerBackoffMs(2)).toBe(22_500);
    expect(installerBackoffMs(20)).toBe(600_000);
  });
});
