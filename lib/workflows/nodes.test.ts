// The rolling node restart end to end on the demo cluster through real HTTPS at speed 600: a viewer
// is refused by the access review, a second workflow is refused while one runs, a dashboard killed
// mid-way is resumed by another engine without rebooting any node twice, a PodDisruptionBudget
// that never allows the drain stops the workflow at its timeout, and a node that never comes back
// stops it with that node cordoned and the next one untouched.
import { CoreV1Api, PatchStrategy, PolicyV1Api, setHeaderOptions, type V1Node } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../sim/testing';
import { WorkflowEngine, WorkflowError } from './engine';
import { STATE_CONFIGMAP } from './store';
import type { NodeRestartOptions, WorkflowEvent, WorkflowState } from './types';

let c: TestCluster;
let core: CoreV1Api;
let policy: PolicyV1Api;
const engines: WorkflowEngine[] = [];
const bootChanges = new Map<string, number>();
const debugPodsCreated = new Map<string, number>();

const FAST: Partial<NodeRestartOptions> = { evictionRetrySeconds: 0.2, drainTimeoutSeconds: 20, nodeReadyTimeoutSeconds: 20, daemonSetReadyTimeoutSeconds: 20 };

function engine(identity: string): WorkflowEngine {
  const e = new WorkflowEngine({ kubeConfig: c.kc, identity, leaseDurationSeconds: 1, pollMs: 40, namespace: 'bound-token-dashboard' });
  engines.push(e);
  return e;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

async function finished(e: WorkflowEngine, timeoutMs = 50_000): Promise<WorkflowState> {
  return until('the workflow to finish', async () => {
    const s = await e.current();
    return s && s.status !== 'running' && s.status !== 'paused' ? s : undefined;
  }, timeoutMs);
}

async function startNodes(e: WorkflowEngine, options: Partial<NodeRestartOptions>, who = 'system:admin') {
  const plan = await e.plan('rolling-node-restart', options);
  return e.start({ kind: 'rolling-node-restart', options, confirmation: plan.confirmation, initiator: { username: who }, userKubeConfig: who === 'viewer' ? c.viewerKc : c.kc });
}

const cordoned = async (name: string) => Boolean((await core.readNode({ name })).spec?.unschedulable);

beforeAll(async () => {
  c = await startTestCluster({ speed: 600 });
  core = c.kc.makeApiClient(CoreV1Api);
  policy = c.kc.makeApiClient(PolicyV1Api);
  // Count every bootID change per node, as the cluster sees it.
  c.store.on('nodes', (_type, obj, old) => {
    const now = (obj as unknown as V1Node).status?.nodeInfo?.bootID;
    const before = (old as unknown as V1Node | undefined)?.status?.nodeInfo?.bootID;
    if (old && now && before && now !== before) bootChanges.set(obj.metadata.name!, (bootChanges.get(obj.metadata.name!) ?? 0) + 1);
  });
  c.store.on('pods', (type, obj) => {
    const n = obj.metadata.labels?.['bound-token-dashboard/reboot'];
    if (type === 'ADDED' && n) debugPodsCreated.set(n, (debugPodsCreated.get(n) ?? 0) + 1);
  });
});

afterAll(async () => {
  for (const e of engines) e.crash();
  await c?.dispose();
});

describe('rolling node restart', () => {
  it('refuses a viewer: the access review fails for the verbs the workflow uses', async () => {
    const e = engine('viewer-try');
    const err = await startNodes(e, FAST, 'viewer').then(() => null, (x: unknown) => x);
    expect(err).toBeInstanceOf(WorkflowError);
    expect((err as WorkflowError).code).toBe('forbidden');
    expect((err as WorkflowError).message).toMatch(/viewer may not start this workflow: the access review refused .*patch nodes/);
    expect((err as WorkflowError).message).toContain('create pods/eviction');
    // Nothing was touched or stored.
    expect(await e.current()).toBeNull();
    expect((await core.listNode()).items.some((n) => n.spec?.unschedulable)).toBe(false);
    e.crash(); // a live engine would adopt orphaned workflows: keep this one out of the next tests
  });

  it('refuses a wrong confirmation', async () => {
    const e = engine('confirm-try');
    const err = await e.start({ kind: 'rolling-node-restart', options: FAST, confirmation: 'yes', initiator: { username: 'system:admin' }, userKubeConfig: c.kc }).then(() => null, (x: unknown) => x);
    expect((err as WorkflowError).code).toBe('confirmation');
    expect((err as WorkflowError).message).toBe('Type "restart 6 nodes" to confirm.');
    e.crash();
  });

  it('restarts all six nodes one at a time, workers first; a second workflow is refused; a killed dashboard is resumed without a second reboot', async () => {
    bootChanges.clear();
    debugPodsCreated.clear();
    const a = engine('dashboard-a');
    const order: string[] = [];
    let crashAt: string | null = null;
    a.subscribe((ev: WorkflowEvent) => {
      if (ev.type === 'step' && ev.step.status === 'running' && ev.step.action === 'cordon') order.push(ev.step.group);
      // Kill the dashboard in the worst place: worker-1's debug pod name is recorded and the pod
      // is being created, but "reboot issued" is not recorded yet.
      if (ev.type === 'state' && !crashAt) {
        const rb = ev.state.steps.find((x) => x.id === 'worker-1/reboot');
        if (rb?.data?.debugPod && !rb.data.rebootIssued) {
          crashAt = rb.id;
          a.crash();
        }
      }
    });
    const started = await startNodes(a, FAST);
    expect(started.status).toBe('running');
    expect(started.steps).toHaveLength(36);

    // While it runs, another dashboard process is refused.
    const other = engine('dashboard-other');
    const busy = await startNodes(other, FAST).then(() => null, (x: unknown) => x);
    expect((busy as WorkflowError).code).toBe('busy');
    expect((busy as WorkflowError).message).toMatch(/only one (runs|workflow runs) at a time/);
    other.crash();

    await until('engine A dropped', () => crashAt !== null, 40_000);
    expect(a.isRunning()).toBe(false);
    // The new process finds the stored workflow and resumes it once the Lease expires.
    const b = engine('dashboard-b');
    b.subscribe((ev) => {
      if (ev.type === 'step' && ev.step.status === 'running' && ev.step.action === 'cordon') order.push(ev.step.group);
    });
    const resumedFrom = await until('B to resume', async () => {
      const s = await b.current();
      return b.isRunning() && s ? s : undefined;
    }, 10_000);
    expect(resumedFrom.runner).toBe('dashboard-b');
    const done = await finished(b);
    await b.dispose();
    expect(done.status, done.message).toBe('succeeded');
    expect(order).toEqual(['worker-0', 'worker-1', 'worker-2', 'cp-0', 'cp-1', 'cp-2'].filter((n, i, all) => all.indexOf(n) === i));
    // Every node rebooted exactly once, including the one whose reboot straddled the kill.
    for (const n of ['worker-0', 'worker-1', 'worker-2', 'cp-0', 'cp-1', 'cp-2']) expect(bootChanges.get(n) ?? 0, n).toBe(1);
    expect(done.log.some((l) => /resumed by dashboard-b \(previous runner dashboard-a stopped\) at "Reboot worker-1/.test(l.message))).toBe(true);
    // One debug pod per node, not two (the resumed engine found worker-1's by its recorded name),
    // and each removed once its node was back.
    for (const n of ['worker-0', 'worker-1', 'worker-2', 'cp-0', 'cp-1', 'cp-2']) expect(debugPodsCreated.get(n) ?? 0, n).toBe(1);
    expect((await core.listPodForAllNamespaces({ labelSelector: 'bound-token-dashboard/reboot' })).items).toEqual([]);
    // Every node uncordoned and Ready again.
    const nodes = (await core.listNode()).items;
    expect(nodes.filter((n) => n.spec?.unschedulable).map((n) => n.metadata?.name)).toEqual([]);
    expect(nodes.every((n) => n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'))).toBe(true);
    // Each step remembered its idempotency data and the command a human would type.
    const rb = done.steps.find((s) => s.id === 'cp-0/reboot')!;
    expect(rb.command).toBe('oc debug node/cp-0 -- chroot /host shutdown -r +1');
    expect(rb.data).toMatchObject({ rebootIssued: true, debugPod: expect.stringMatching(/^cp-0-debug-[a-z0-9]{5}$/) });
    // Recorded as Events and in the history.
    const events = (await core.listEventForAllNamespaces({ fieldSelector: 'source=bound-token-dashboard' }).catch(() => core.listEventForAllNamespaces())).items.filter((ev) => ev.source?.component === 'bound-token-dashboard');
    const reasons = new Set(events.map((ev) => ev.reason));
    for (const r of ['WorkflowStarted', 'WorkflowStepStarted', 'NodeCordoned', 'PodEvicted', 'NodeRebootRequested', 'NodeRebooted', 'NodeUncordoned', 'WorkflowTakenOver', 'WorkflowSucceeded']) expect(reasons, r).toContain(r);
    expect(events.find((ev) => ev.reason === 'NodeRebooted' && ev.involvedObject.name === 'worker-0')?.involvedObject.kind).toBe('Node');
    const history = await b.history();
    expect(history[0]).toMatchObject({ id: done.id, status: 'succeeded', initiator: { username: 'system:admin' }, steps: 36, done: 36 });
    const cm = await core.readNamespacedConfigMap({ name: STATE_CONFIGMAP, namespace: 'bound-token-dashboard' });
    expect(JSON.parse(cm.data!['workflow.json']!).status).toBe('succeeded');
  }, 60_000);

  it('stops with a clear message when a PodDisruptionBudget blocks the drain until its timeout; the node stays cordoned', async () => {
    const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=frontend' })).items.filter((p) => !p.metadata?.deletionTimestamp);
    const target = pods[0]!.spec!.nodeName!;
    await policy.createNamespacedPodDisruptionBudget({ namespace: 'default', body: { metadata: { name: 'frontend-all' }, spec: { minAvailable: pods.length, selector: { matchLabels: { app: 'frontend' } } } } });
    await until('the budget to allow no disruption', async () => {
      const b = await policy.readNamespacedPodDisruptionBudget({ name: 'frontend-all', namespace: 'default' });
      return b.status?.observedGeneration === 1 && b.status.disruptionsAllowed === 0 && b.status.currentHealthy === pods.length;
    });
    const e = engine('dashboard-pdb');
    const t0 = Date.now();
    await startNodes(e, { ...FAST, nodes: [target], drainTimeoutSeconds: 2 });
    const s = await finished(e);
    await e.dispose();
    expect(s.status).toBe('failed');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    const drainStep = s.steps.find((x) => x.id === `${target}/drain`)!;
    expect(drainStep.status).toBe('failed');
    expect(s.message).toContain(`The drain of ${target} did not finish within 2 s`);
    expect(s.message).toContain('PodDisruptionBudget refused');
    expect(s.message).toContain('The disruption budget frontend-all needs');
    expect(s.message).toContain(`${target} is left cordoned`);
    expect(s.steps.find((x) => x.id === `${target}/reboot`)!.status).toBe('pending');
    expect(await cordoned(target)).toBe(true);
    await policy.deleteNamespacedPodDisruptionBudget({ name: 'frontend-all', namespace: 'default' });
    await core.patchNode({ name: target, body: { spec: { unschedulable: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
  }, 30_000);

  it('stops when a node never comes back: that node stays cordoned, the next one is not touched', async () => {
    const w = c.workloads!;
    w.keepNodeDown('worker-2', true);
    const e = engine('dashboard-down');
    await startNodes(e, { ...FAST, nodes: ['worker-2', 'worker-0'], nodeReadyTimeoutSeconds: 3 });
    const s = await finished(e);
    await e.dispose();
    expect(s.status).toBe('failed');
    // Order: worker-0 first (by name), then worker-2, which never returns.
    expect(s.steps.filter((x) => x.group === 'worker-0').every((x) => x.status === 'done')).toBe(true);
    const wait = s.steps.find((x) => x.id === 'worker-2/wait-node-ready')!;
    expect(wait.status).toBe('failed');
    expect(s.message).toContain('worker-2 did not come back within 3 s');
    expect(s.message).toContain('did not touch the next node; worker-2 is left cordoned');
    expect(await cordoned('worker-2')).toBe(true);
    expect(s.steps.find((x) => x.id === 'worker-2/uncordon')!.status).toBe('pending');
    w.keepNodeDown('worker-2', false);
  }, 40_000);

  it('never moves past a failed node: a run limited to worker-2 then worker-1 leaves worker-1 alone', async () => {
    // Same fault, two nodes in order worker-1, worker-2 → make worker-1 the one that fails.
    const w = c.workloads!;
    await until('worker-2 Ready again', async () => (await core.readNode({ name: 'worker-2' })).status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'), 20_000);
    await core.patchNode({ name: 'worker-2', body: { spec: { unschedulable: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    w.keepNodeDown('worker-1', true);
    const e = engine('dashboard-down-2');
    await startNodes(e, { ...FAST, nodes: ['worker-2', 'worker-1'], nodeReadyTimeoutSeconds: 2 });
    const s = await finished(e);
    await e.dispose();
    expect(s.status).toBe('failed');
    expect(s.steps.find((x) => x.id === 'worker-1/wait-node-ready')!.status).toBe('failed');
    expect(s.steps.filter((x) => x.group === 'worker-2').every((x) => x.status === 'pending')).toBe(true);
    expect(await cordoned('worker-1')).toBe(true);
    expect(await cordoned('worker-2')).toBe(false);
    w.keepNodeDown('worker-1', false);
  }, 40_000);
});
