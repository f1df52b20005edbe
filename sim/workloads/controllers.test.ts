// StatefulSet, DaemonSet and Job controllers through real HTTPS at speed 600: ordered StatefulSet
// pods with a rolling update from the highest ordinal and OnDelete honoured, a DaemonSet with one
// pod per eligible node that updates with RollingUpdate and waits for deletions under OnDelete,
// and a Job that runs to completion.
import { AppsV1Api, BatchV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../testing';
import { installWorkloads } from './install';

let c: TestCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
let batch: BatchV1Api;

beforeAll(async () => {
  c = await startTestCluster({ speed: 600 });
  await installWorkloads(c);
  core = c.kc.makeApiClient(CoreV1Api);
  apps = c.kc.makeApiClient(AppsV1Api);
  batch = c.kc.makeApiClient(BatchV1Api);
});
afterAll(async () => {
  await c?.dispose();
});

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const ready = (p: V1Pod) => p.status?.phase === 'Running' && !!p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
const pods = async (sel: string) => (await core.listNamespacedPod({ namespace: 'default', labelSelector: sel })).items;

const template = (app: string, extra: Record<string, unknown> = {}) => ({ metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'registry.access.redhat.com/ubi9/nginx-124:latest' }], ...extra } });

describe('StatefulSet', () => {
  it('creates ordered pods, rolls from the highest ordinal, and honours OnDelete', async () => {
    await apps.createNamespacedStatefulSet({ namespace: 'default', body: { metadata: { name: 'db' }, spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db') } } });
    const first = await until('db-0..2 Ready', async () => {
      const ps = await pods('app=db');
      return ps.length === 3 && ps.every(ready) ? ps : undefined;
    });
    const byName = new Map(first.map((p) => [p.metadata!.name!, p]));
    expect([...byName.keys()].sort()).toEqual(['db-0', 'db-1', 'db-2']);
    // OrderedReady: each ordinal was created after the previous one was Ready.
    const created = ['db-0', 'db-1', 'db-2'].map((n) => Date.parse(byName.get(n)!.metadata!.creationTimestamp as unknown as string));
    expect(created[0]! <= created[1]! && created[1]! <= created[2]!).toBe(true);
    expect(byName.get('db-1')!.spec!.hostname).toBe('db-1');
    expect(byName.get('db-1')!.metadata!.labels!['statefulset.kubernetes.io/pod-name']).toBe('db-1');

    // A deleted pod comes back with the same name and a new UID.
    const uid1 = byName.get('db-1')!.metadata!.uid;
    await core.deleteNamespacedPod({ name: 'db-1', namespace: 'default' });
    await until('db-1 back', async () => {
      const p = await core.readNamespacedPod({ name: 'db-1', namespace: 'default' });
      return p.metadata!.uid !== uid1 && ready(p);
    });

    // RollingUpdate: a template change replaces db-2, then db-1, then db-0 (each a few simulated seconds apart).
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace: 'default', body: { spec: { template: { metadata: { annotations: { v: '2' } } } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const s = await until('the rollout done', async () => {
      const sts = await apps.readNamespacedStatefulSet({ name: 'db', namespace: 'default' });
      return sts.status?.updatedReplicas === 3 && sts.status.readyReplicas === 3 && sts.status.currentRevision === sts.status.updateRevision ? sts : undefined;
    });
    const updated = await pods('app=db');
    const t = (p: V1Pod) => new Date(p.metadata!.creationTimestamp!).getTime();
    const byCreation = [...updated].sort((a, b) => t(a) - t(b));
    expect(t(byCreation[0]!)).toBeLessThan(t(byCreation[1]!));
    expect(t(byCreation[1]!)).toBeLessThan(t(byCreation[2]!));
    expect(byCreation.map((p) => p.metadata!.name)).toEqual(['db-2', 'db-1', 'db-0']);
    expect(s.status!.updateRevision).toMatch(/^db-[a-z0-9]+$/);

    // OnDelete: a template change waits until a pod is deleted.
    await apps.patchNamespacedStatefulSet({ name: 'db', namespace: 'default', body: { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null }, template: { metadata: { annotations: { v: '3' } } } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await new Promise((r) => setTimeout(r, 300));
    expect((await pods('app=db')).every((p) => p.metadata?.annotations?.v === '2')).toBe(true);
    await core.deleteNamespacedPod({ name: 'db-0', namespace: 'default' });
    await until('db-0 at the new template', async () => {
      const p = await core.readNamespacedPod({ name: 'db-0', namespace: 'default' });
      return p.metadata?.annotations?.v === '3' && ready(p);
    });
    expect((await core.readNamespacedPod({ name: 'db-2', namespace: 'default' })).metadata?.annotations?.v).toBe('2');
  }, 30_000);
});

describe('DaemonSet', () => {
  it('runs one pod per eligible node, rolls an update one node at a time, and waits under OnDelete', async () => {
    await apps.createNamespacedDaemonSet({ namespace: 'default', body: { metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent') } } });
    const ps = await until('an agent pod on each worker', async () => {
      const x = await pods('app=agent');
      return x.length === 3 && x.every(ready) ? x : undefined;
    });
    expect(ps.map((p) => p.spec!.nodeName).sort()).toEqual(['worker-0', 'worker-1', 'worker-2']);
    expect(ps[0]!.spec!.tolerations).toContainEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' });
    const ds = await apps.readNamespacedDaemonSet({ name: 'agent', namespace: 'default' });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3, numberMisscheduled: 0 });

    let maxUnavailable = 0;
    await apps.patchNamespacedDaemonSet({ name: 'agent', namespace: 'default', body: { spec: { template: { metadata: { annotations: { v: '2' } } } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await until('every agent pod updated', async () => {
      const x = await pods('app=agent');
      const live = x.filter((p) => !p.metadata?.deletionTimestamp);
      maxUnavailable = Math.max(maxUnavailable, 3 - live.filter(ready).length);
      return live.length === 3 && live.every((p) => ready(p) && p.metadata?.annotations?.v === '2');
    });
    expect(maxUnavailable).toBeLessThanOrEqual(1);

    await apps.patchNamespacedDaemonSet({ name: 'agent', namespace: 'default', body: { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null }, template: { metadata: { annotations: { v: '3' } } } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    await new Promise((r) => setTimeout(r, 300));
    const still = await pods('app=agent');
    expect(still.every((p) => p.metadata?.annotations?.v === '2')).toBe(true);
    await core.deleteNamespacedPod({ name: still[0]!.metadata!.name!, namespace: 'default' });
    await until('the replacement at the new template', async () => {
      const x = (await pods('app=agent')).filter((p) => !p.metadata?.deletionTimestamp);
      return x.length === 3 && x.filter((p) => p.metadata?.annotations?.v === '3' && ready(p)).length === 1;
    });
  }, 30_000);
});

describe('Job', () => {
  it('runs its pods to completion', async () => {
    await batch.createNamespacedJob({ namespace: 'default', body: { metadata: { name: 'pi' }, spec: { completions: 2, parallelism: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }] } } } } });
    const job = await until('the Job Complete', async () => {
      const j = await batch.readNamespacedJob({ name: 'pi', namespace: 'default' });
      return j.status?.conditions?.some((x) => x.type === 'Complete' && x.status === 'True') ? j : undefined;
    });
    expect(job.status!.succeeded).toBe(2);
    expect(job.status!.completionTime).toBeTruthy();
    expect(job.spec!.selector!.matchLabels!['batch.kubernetes.io/controller-uid']).toBe(job.metadata!.uid);
    const ps = await pods('job-name=pi');
    expect(ps).toHaveLength(2);
    expect(ps.every((p) => p.status?.phase === 'Succeeded' && p.status.containerStatuses?.[0]?.state?.terminated?.reason === 'Completed')).toBe(true);
  });
});
