// lib/k8s/rollout against a real demo cluster over HTTPS (fast clock): the seeded state, an issuer
// change rolling revision 12 node by node (progressing with an empty reason, then done), a failing
// node's bookkeeping, the old-pod count; and the revision text in both wordings.
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../sim/testing';
import { failRevisionOn, recoverRevision } from '../../sim/operator/install';
import {
  PROCEDURE_COMMAND,
  activeIssuer,
  clusterClockSample,
  clusterTimeLowerBound,
  countPodsStartedBefore,
  getRollout,
  issuerChangedAt,
  jsonpathOutputOf,
  parseKubeApiServer,
  parseRevisionText,
  previousIssuer,
  summaryText,
  type RolloutDto,
} from './rollout';

const AUTH = { group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster' };

describe('parseRevisionText', () => {
  it('reads the current wording, the ≤4.15 wording and the "achieved" clause', () => {
    expect(parseRevisionText('2 nodes are at revision 11; 1 node is at revision 12')).toEqual({
      raw: '2 nodes are at revision 11; 1 node is at revision 12',
      recognized: true,
      parts: [
        { count: 2, revision: 11, kind: 'at', text: '2 nodes are at revision 11' },
        { count: 1, revision: 12, kind: 'at', text: '1 node is at revision 12' },
      ],
    });
    const legacy = parseRevisionText('2 nodes are at revision 11; 1 nodes are at revision 12');
    expect(legacy.recognized).toBe(true);
    expect(legacy.parts.map((p) => [p.count, p.revision, p.kind])).toEqual([
      [2, 11, 'at'],
      [1, 12, 'at'],
    ]);
    const started = parseRevisionText('3 nodes are at revision 11; 0 nodes have achieved new revision 12');
    expect(started.parts.map((p) => [p.count, p.revision, p.kind])).toEqual([
      [3, 11, 'at'],
      [0, 12, 'achieved'],
    ]);
    expect(parseRevisionText('1 node is at revision 3').parts).toEqual([{ count: 1, revision: 3, kind: 'at', text: '1 node is at revision 3' }]);
  });

  it('says so when a clause is unknown or the text is empty', () => {
    expect(parseRevisionText('').recognized).toBe(false);
    const odd = parseRevisionText('3 nodes are at revision 11; something else');
    expect(odd.recognized).toBe(false);
    expect(odd.parts).toHaveLength(1);
    expect(parseRevisionText('3 nodes at revision 11').recognized).toBe(false);
  });

  it('summary and jsonpath output', () => {
    expect(summaryText(2, 3, 12)).toBe('2 of 3 nodes at revision 12');
    expect(summaryText(1, 1, 4)).toBe('1 of 1 node at revision 4');
    expect(jsonpathOutputOf({ type: 'NodeInstallerProgressing', status: 'True', reason: '', message: '3 nodes are at revision 11; 0 nodes have achieved new revision 12', lastTransitionTime: null })).toBe(
      '\n3 nodes are at revision 11; 0 nodes have achieved new revision 12\n',
    );
    expect(jsonpathOutputOf(null)).toBe('');
    expect(PROCEDURE_COMMAND).toBe(
      `oc get kubeapiserver -o=jsonpath='{range .items[0].status.conditions[?(@.type=="NodeInstallerProgressing")]}{.reason}{"\\n"}{.message}{"\\n"}'`,
    );
  });

  it('the cluster clock has passed the newest timestamp in the status', () => {
    const dto = parseKubeApiServer({
      metadata: { name: 'cluster' },
      status: {
        latestAvailableRevision: 2,
        nodeStatuses: [{ nodeName: 'a', currentRevision: 1, lastFailedRevision: 2, lastFailedTime: '2026-01-01T10:00:05Z' }],
        conditions: [{ type: 'NodeInstallerProgressing', status: 'True', lastTransitionTime: '2026-01-01T10:00:00Z' }],
        serviceAccountIssuers: [{ name: 'https://new' }, { name: 'https://old', expirationTime: '2026-01-02T10:00:09Z' }],
      },
    });
    // The issuer changed 24 h before the old one expires: 10:00:09, the newest of the three.
    expect(clusterTimeLowerBound(dto)).toBe('2026-01-01T10:00:09.000Z');
    expect(dto.previousIssuer).toEqual({ name: 'https://old', expirationTime: '2026-01-02T10:00:09Z' });
    expect(dto.activeIssuer).toBe('https://new');
  });

  it('a missing reason, missing fields and zero values mean the same', () => {
    const dto = parseKubeApiServer({
      metadata: { name: 'cluster', resourceVersion: '7' },
      status: {
        latestAvailableRevision: 5,
        nodeStatuses: [{ nodeName: 'a', currentRevision: 5 }, { nodeName: 'b', currentRevision: 4, targetRevision: 5 }, { nodeName: 'c' }],
        conditions: [{ type: 'NodeInstallerProgressing', status: 'True', message: '1 node is at revision 0; 1 node is at revision 4; 1 node is at revision 5' }],
      },
    });
    expect(dto.conditions.NodeInstallerProgressing?.reason).toBe('');
    expect(dto.conditions.StaticPodsAvailable).toBeNull();
    expect(dto.jsonpathOutput.startsWith('\n1 node is at revision 0')).toBe(true);
    expect(dto.nodes.map((n) => [n.nodeName, n.currentRevision, n.targetRevision, n.phase])).toEqual([
      ['a', 5, 0, 'at-latest'],
      ['b', 4, 5, 'installing'],
      ['c', 0, 0, 'waiting'],
    ]);
    expect(dto.summary).toBe('1 of 3 nodes at revision 5');
    expect(dto.complete).toBe(false);
  });
});

describe('against the demo cluster', () => {
  let c: TestCluster;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    c = await startTestCluster({ speed: 600 });
    custom = c.kc.makeApiClient(CustomObjectsApi);
  });
  afterAll(async () => {
    await c?.dispose();
  });

  async function raw(): Promise<{ status: { conditions: Array<{ type: string; reason?: string; message?: string; status: string; lastTransitionTime?: string }> } }> {
    return (await custom.getClusterCustomObject({ group: 'operator.openshift.io', version: 'v1', plural: 'kubeapiservers', name: 'cluster' })) as never;
  }

  async function poll(until: (d: RolloutDto) => boolean, timeoutMs = 30_000): Promise<RolloutDto[]> {
    const seen: RolloutDto[] = [];
    const end = Date.now() + timeoutMs;
    for (;;) {
      const d = await getRollout({ kubeConfig: c.kc });
      expect(d).not.toBeNull();
      if (!seen.length || seen.at(-1)!.resourceVersion !== d!.resourceVersion) seen.push(d!);
      if (until(d!)) return seen;
      if (Date.now() > end) throw new Error(`timed out; last: ${JSON.stringify(d)}`);
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  it('parses the seeded state: all three nodes at revision 11', async () => {
    const d = await getRollout({ kubeConfig: c.viewerKc });
    expect(d).not.toBeNull();
    expect(d!.name).toBe('cluster');
    expect(d!.latestAvailableRevision).toBe(11);
    expect(d!.nodes.map((n) => n.nodeName)).toEqual(['cp-0', 'cp-1', 'cp-2']);
    expect(d!.nodes.every((n) => n.currentRevision === 11 && n.targetRevision === 0 && n.phase === 'at-latest')).toBe(true);
    const p = d!.conditions.NodeInstallerProgressing!;
    expect(p.status).toBe('False');
    expect(p.reason).toBe('AllNodesAtLatestRevision');
    expect(p.message).toBe('3 nodes are at revision 11');
    expect(d!.jsonpathOutput).toBe('AllNodesAtLatestRevision\n3 nodes are at revision 11\n');
    expect(d!.revisionText.parts).toEqual([{ count: 3, revision: 11, kind: 'at', text: '3 nodes are at revision 11' }]);
    expect(d!.summary).toBe('3 of 3 nodes at revision 11');
    expect(d!.complete).toBe(true);
    // The conditions verbatim, as the API returns them.
    const truth = await raw();
    for (const t of ['NodeInstallerProgressing', 'StaticPodsAvailable', 'NodeInstallerDegraded'] as const) {
      const rc = truth.status.conditions.find((x) => x.type === t)!;
      const dc = d!.conditions[t]!;
      expect([dc.type, dc.status, dc.reason, dc.message]).toEqual([rc.type, rc.status, rc.reason ?? '', rc.message ?? '']);
      expect(Date.parse(dc.lastTransitionTime!)).toBe(Date.parse(rc.lastTransitionTime!));
    }
    expect(activeIssuer(d!)).toBe('https://kubernetes.default.svc');
    expect(previousIssuer(d!)).toBeNull();
  });

  it('an issuer change goes through progressing (empty reason) to done at revision 12', async () => {
    await custom.patchClusterCustomObject(
      { ...AUTH, body: { spec: { serviceAccountIssuer: 'https://issuer.rollout-test.example' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const seen = await poll((d) => d.latestAvailableRevision === 12 && d.complete && d.conditions.NodeInstallerProgressing?.status === 'False');
    const progressing = seen.filter((d) => d.conditions.NodeInstallerProgressing?.status === 'True');
    expect(progressing.length).toBeGreaterThan(0);
    for (const d of progressing) {
      expect(d.conditions.NodeInstallerProgressing!.reason).toBe('');
      expect(d.jsonpathOutput).toBe(`\n${d.conditions.NodeInstallerProgressing!.message}\n`);
      expect(d.revisionText.recognized).toBe(true);
      // The parsed counts add up to the nodes and agree with the node list.
      const at = d.revisionText.parts.filter((p) => p.kind === 'at');
      expect(at.reduce((s, p) => s + p.count, 0)).toBe(3);
      for (const p of at) expect(d.nodes.filter((n) => n.currentRevision === p.revision)).toHaveLength(p.count);
      expect(d.nodes.filter((n) => n.targetRevision !== 0).length).toBeLessThanOrEqual(1);
    }
    // Seen on the way: a node installing 12, and a mixed state "2 of 3".
    expect(seen.some((d) => d.nodes.some((n) => n.phase === 'installing' && n.targetRevision === 12))).toBe(true);
    const summaries = new Set(seen.filter((d) => d.latestAvailableRevision === 12).map((d) => d.summary));
    expect(summaries).toContain('3 of 3 nodes at revision 12');
    expect([...summaries].some((s) => /^[12] of 3 nodes at revision 12$/.test(s))).toBe(true);

    const done = seen.at(-1)!;
    expect(done.jsonpathOutput).toBe('AllNodesAtLatestRevision\n3 nodes are at revision 12\n');
    expect(done.nodes.every((n) => n.phase === 'at-latest')).toBe(true);
    expect(activeIssuer(done)).toBe('https://issuer.rollout-test.example');
    const prev = previousIssuer(done)!;
    expect(prev.name).toBe('https://kubernetes.default.svc');
    // Trusted 24 h (cluster clock) after the change; the change time is inferred from it.
    const changed = Date.parse(issuerChangedAt(done)!);
    expect(Date.parse(prev.expirationTime!) - changed).toBe(24 * 3600_000);
    expect(Math.abs(changed - c.clock.nowMs())).toBeLessThan(2 * 3600_000);
  });

  it('a failing node: last failure fields, open failure, repeated count', async () => {
    failRevisionOn(c, 'cp-1', { message: 'boom on cp-1' });
    await custom.patchClusterCustomObject(
      { ...AUTH, body: { spec: { serviceAccountIssuer: 'https://issuer-2.rollout-test.example' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const seen = await poll((d) => d.nodes.some((n) => n.nodeName === 'cp-1' && n.lastFailedCount >= 2));
    const d = seen.at(-1)!;
    const n = d.nodes.find((x) => x.nodeName === 'cp-1')!;
    expect(n.lastFailedRevision).toBe(13);
    expect(n.lastFailedReason).toBe('InstallerFailed');
    expect(n.lastFailedRevisionErrors).toEqual(['installer: boom on cp-1']);
    expect(n.failureOpen).toBe(true);
    expect(n.lastFailedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(['failing', 'installing']).toContain(n.phase);
    const degraded = d.conditions.NodeInstallerDegraded;
    expect(degraded?.status).toBe('True');
    expect(degraded?.reason).toBe('InstallerPodFailed');
    expect(degraded?.message).toContain('installer: boom on cp-1');

    recoverRevision(c, 'cp-1');
    const after = (await poll((x) => x.complete && x.latestAvailableRevision === 13)).at(-1)!;
    const n2 = after.nodes.find((x) => x.nodeName === 'cp-1')!;
    // The operator keeps the old failure fields; they no longer count as open.
    expect(n2.currentRevision).toBe(13);
    expect(n2.failureOpen).toBe(false);
    expect(n2.phase).toBe('at-latest');
  });

  it('reads the cluster clock from a node heartbeat lease (the demo clock runs 600× faster)', async () => {
    // The kubelet module renews these leases; where it is not installed, write one as a kubelet would.
    const coord = c.kc.makeApiClient(CoordinationV1Api);
    const exists = await coord.readNamespacedLease({ namespace: 'kube-node-lease', name: 'cp-0' }).then(() => true, () => false);
    if (!exists) {
      await coord.createNamespacedLease({
        namespace: 'kube-node-lease',
        body: { metadata: { name: 'cp-0' }, spec: { holderIdentity: 'cp-0', leaseDurationSeconds: 40, renewTime: new Date(c.clock.nowMs()) as never } },
      });
    }
    const s = await clusterClockSample(c.kc, ['no-such-node', 'cp-0']);
    expect(s.source).toBe('lease kube-node-lease/cp-0');
    const cluster = Date.parse(s.clusterNow!);
    // Renewed every 10 s of cluster time; allow for the write pacing of the fast clock.
    expect(c.clock.nowMs() - cluster).toBeGreaterThanOrEqual(-1000);
    expect(c.clock.nowMs() - cluster).toBeLessThan(120_000);
    expect(Math.abs(Date.parse(s.serverNow) - Date.now())).toBeLessThan(5_000);
    const none = await clusterClockSample(c.kc, ['no-such-node']);
    expect(none.clusterNow).toBeNull();
  });

  it('counts running pods started before a time, page by page', async () => {
    const core = c.kc.makeApiClient(CoreV1Api);
    const pods = (await core.listPodForAllNamespaces({ fieldSelector: 'status.phase=Running' })).items;
    expect(pods.length).toBeGreaterThan(5);
    const times = pods.map((p) => new Date(p.status!.startTime!).getTime()).sort((a, b) => a - b);
    const mid = times[Math.floor(times.length / 2)]!;
    const expected = times.filter((t) => t < mid).length;
    const r = await countPodsStartedBefore(c.kc, new Date(mid).toISOString());
    expect(r.skipped).toBe(false);
    expect(r.scanned).toBe(pods.length);
    expect(r.count).toBe(expected);
    const capped = await countPodsStartedBefore(c.kc, new Date(mid).toISOString(), { maxPods: 3 });
    expect(capped.skipped).toBe(true);
    expect(capped.total).toBeGreaterThan(3);
  });
});
