import { afterEach, describe, expect, it } from 'vitest';
import { Clock } from './clock';
import { StatusError } from './errors';
import { Store, type K8sObject, type WatchEvent } from './store';

const stores: Store[] = [];
function mk(speed = 1000, opts = {}): Store {
  const s = new Store(new Clock(speed), { bookmarkIntervalMs: 0, namespaceDeletionDelayMs: 100, ...opts });
  stores.push(s);
  s.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  return s;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

function err(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    return e as StatusError;
  }
  throw new Error('expected an error');
}
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(5);
  }
}
const pod = (name: string, extra: Partial<K8sObject> & { ns?: string; labels?: Record<string, string>; node?: string } = {}): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: extra.ns ?? 'default', ...(extra.labels ? { labels: extra.labels } : {}) },
  spec: { containers: [{ name: 'c', image: 'img:1' }], ...(extra.node ? { nodeName: extra.node } : {}) },
});
const cm = (name: string, ns = 'default'): K8sObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: '1' } });

describe('create and get', () => {
  it('assigns uid, RV, timestamp, defaults; get returns a copy', () => {
    const s = mk();
    const rv0 = Number(s.resourceVersion());
    const p = s.create('pods', pod('p1'));
    expect(p.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(p.metadata.resourceVersion)).toBe(rv0 + 1);
    expect(s.resourceVersion()).toBe(p.metadata.resourceVersion);
    expect(p.metadata.creationTimestamp).toMatch(/Z$/);
    const spec = p.spec as any;
    expect(spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30, serviceAccountName: 'default', enableServiceLinks: true, priority: 0 });
    expect((p.status as any).phase).toBe('Pending');
    const g = s.get('pods', 'default', 'p1')!;
    (g.metadata.labels as any) = { hacked: 'yes' };
    expect(s.get('pods', 'default', 'p1')!.metadata.labels).toBeUndefined();
    expect(s.get('pods', 'default', 'nope')).toBeUndefined();
  });

  it('namespace and deployment defaults', () => {
    const s = mk();
    const ns = s.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect((ns.status as any).phase).toBe('Active');
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
    const d = s.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    expect(d.spec).toMatchObject({ replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } } });
    expect(d.metadata.generation).toBe(1);
  });

  it('generateName gives 5 kube-alphabet chars', () => {
    const s = mk();
    const p = s.create('pods', { ...pod(''), metadata: { generateName: 'web-', namespace: 'default' } });
    expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('validates names, pods, namespaces, duplicates', () => {
    const s = mk();
    const bad = err(() => s.create('configmaps', cm('Bad_Name')));
    expect(bad.code).toBe(422);
    expect(bad.message).toBe(
      `ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    );
    const noContainers = err(() => s.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' }, spec: {} }));
    expect(noContainers.message).toBe('Pod "x" is invalid: spec.containers: Required value');
    expect(noContainers.toStatus().details?.causes).toEqual([{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }]);
    const noName = err(() => s.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' }, spec: { containers: [{ image: 'i' }, { name: 'b' }] } }));
    expect(noName.message).toBe('Pod "x" is invalid: [spec.containers[0].name: Required value, spec.containers[1].image: Required value]');
    const nsMissing = err(() => s.create('configmaps', cm('a', 'nowhere')));
    expect(nsMissing.code).toBe(404);
    expect(nsMissing.message).toBe('namespaces "nowhere" not found');
    s.create('configmaps', cm('a'));
    const dup = err(() => s.create('configmaps', cm('a')));
    expect(dup.code).toBe(409);
    expect(dup.message).toBe('configmaps "a" already exists');
  });

  it('dryRun creates nothing', () => {
    const s = mk();
    const rv = s.resourceVersion();
    const r = s.create('configmaps', cm('dry'), { dryRun: true });
    expect(r.metadata.name).toBe('dry');
    expect(s.get('configmaps', 'default', 'dry')).toBeUndefined();
    expect(s.resourceVersion()).toBe(rv);
  });
});

describe('update', () => {
  it('409 on a stale resourceVersion, unconditional with none, no-op keeps RV', () => {
    const s = mk();
    const c = s.create('configmaps', cm('a'));
    const u1 = s.update('configmaps', { ...c, data: { a: '2' } });
    expect(Number(u1.metadata.resourceVersion)).toBeGreaterThan(Number(c.metadata.resourceVersion));
    const e = err(() => s.update('configmaps', { ...c, data: { a: '3' } }));
    expect(e.code).toBe(409);
    expect(e.reason).toBe('Conflict');
    expect(e.message).toBe('Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again');
    const { resourceVersion: _rv, ...meta } = c.metadata;
    const u2 = s.update('configmaps', { ...c, metadata: meta, data: { a: '4' } });
    expect((u2 as any).data.a).toBe('4');
    const u3 = s.update('configmaps', u2);
    expect(u3.metadata.resourceVersion).toBe(u2.metadata.resourceVersion);
    expect(err(() => s.update('configmaps', cm('missing'))).code).toBe(404);
  });

  it('status subresource: main update ignores status, status update ignores spec; generation on spec change only', () => {
    const s = mk();
    const d = s.create('deployments.apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    const u = s.update('deployments.apps', { ...d, spec: { ...(d.spec as any), replicas: 3 }, status: { replicas: 99 } });
    expect(u.metadata.generation).toBe(2);
    expect(u.status).toBeUndefined();
    const st = s.update('deployments.apps', { ...u, spec: { ...(u.spec as any), replicas: 7 }, status: { replicas: 3 } }, { subresource: 'status' });
    expect((st.spec as any).replicas).toBe(3);
    expect((st.status as any).replicas).toBe(3);
    expect(st.metadata.generation).toBe(2);
    const labelled = s.update('deployments.apps', { ...st, metadata: { ...st.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata.generation).toBe(2);
  });

  it('mutate and admission hooks', () => {
    const s = mk();
    s.addAdmission('configmaps', (op, obj) => {
      if (op === 'CREATE') (obj.metadata.annotations ??= {})['seen'] = 'yes';
      if ((obj as any).data?.forbidden) throw new StatusError(403, 'Forbidden', 'no');
    });
    const c = s.create('configmaps', cm('a'));
    expect(c.metadata.annotations).toEqual({ seen: 'yes' });
    expect(err(() => s.create('configmaps', { ...cm('b'), data: { forbidden: '1' } })).code).toBe(403);
    const m = s.mutate('configmaps', 'default', 'a', (o) => {
      (o as any).data.b = '2';
    });
    expect((m as any).data).toEqual({ a: '1', b: '2' });
    expect(s.mutate('configmaps', 'default', 'nope', () => {})).toBeUndefined();
  });
});

describe('delete', () => {
  it('finalizers keep the object until removed', () => {
    const s = mk();
    s.create('configmaps', { ...cm('f'), metadata: { name: 'f', namespace: 'default', finalizers: ['example.com/hold'] } });
    const d = s.delete('configmaps', 'default', 'f');
    expect(d.metadata.deletionTimestamp).toBeTruthy();
    expect(s.get('configmaps', 'default', 'f')).toBeDefined();
    s.mutate('configmaps', 'default', 'f', (o) => {
      o.metadata.finalizers = [];
    });
    expect(s.get('configmaps', 'default', 'f')).toBeUndefined();
    expect(err(() => s.delete('configmaps', 'default', 'f')).message).toBe('configmaps "f" not found');
  });

  it('preconditions give 409', () => {
    const s = mk();
    s.create('configmaps', cm('p'));
    const e = err(() => s.delete('configmaps', 'default', 'p', { preconditions: { uid: 'other' } }));
    expect(e.code).toBe(409);
    expect(e.message).toMatch(/^Operation cannot be fulfilled on configmaps "p": Precondition failed: UID in precondition: other, UID in object meta: /);
  });

  it('bound pods stay Terminating for their grace period; unbound go at once', async () => {
    const s = mk(1000);
    s.create('pods', pod('free'));
    s.delete('pods', 'default', 'free');
    expect(s.get('pods', 'default', 'free')).toBeUndefined();
    s.create('pods', pod('bound', { node: 'w1' }));
    const d = s.delete('pods', 'default', 'bound', { gracePeriodSeconds: 30 });
    expect(d.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(s.get('pods', 'default', 'bound')).toBeDefined();
    await until(() => !s.get('pods', 'default', 'bound'), 2000); // 30 sim s = 30 real ms
    s.create('pods', pod('forced', { node: 'w1' }));
    s.delete('pods', 'default', 'forced');
    s.delete('pods', 'default', 'forced', { gracePeriodSeconds: 0 });
    expect(s.get('pods', 'default', 'forced')).toBeUndefined();
  });

  it('setPodTermination replaces the grace logic', async () => {
    const s = mk(1);
    let done: (() => void) | undefined;
    s.setPodTermination((_p, grace, d) => {
      expect(grace).toBe(30);
      done = d;
    });
    s.create('pods', pod('k', { node: 'w1' }));
    s.delete('pods', 'default', 'k');
    expect(s.get('pods', 'default', 'k')?.metadata.deletionTimestamp).toBeTruthy();
    done!();
    expect(s.get('pods', 'default', 'k')).toBeUndefined();
  });

  it('namespace deletion: Terminating, refuses creates, removes content then itself', async () => {
    const s = mk(1000);
    s.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone' } });
    s.create('configmaps', cm('c1', 'gone'));
    s.create('pods', pod('p1', { ns: 'gone', node: 'w1' }));
    const d = s.delete('namespaces', undefined, 'gone');
    expect((d.status as any).phase).toBe('Terminating');
    expect(d.metadata.deletionTimestamp).toBeTruthy();
    const e = err(() => s.create('configmaps', cm('c2', 'gone')));
    expect(e.code).toBe(403);
    expect(e.message).toBe('configmaps "c2" is forbidden: unable to create new content in namespace gone because it is being terminated');
    await until(() => !s.get('namespaces', undefined, 'gone'));
    expect(s.list('configmaps', { namespace: 'gone' })).toEqual([]);
    expect(s.list('pods', { namespace: 'gone' })).toEqual([]);
    expect(s.get('namespaces', undefined, 'default')).toBeDefined();
  });

  it('ownerReference GC: Background deletes dependants, Orphan strips the reference', async () => {
    const s = mk();
    const owner = s.create('configmaps', cm('owner'));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid! };
    s.create('configmaps', { ...cm('dep1'), metadata: { name: 'dep1', namespace: 'default', ownerReferences: [ref] } });
    s.delete('configmaps', 'default', 'owner');
    await until(() => !s.get('configmaps', 'default', 'dep1'));
    const owner2 = s.create('configmaps', cm('owner2'));
    s.create('configmaps', { ...cm('dep2'), metadata: { name: 'dep2', namespace: 'default', ownerReferences: [{ ...ref, name: 'owner2', uid: owner2.metadata.uid! }] } });
    s.delete('configmaps', 'default', 'owner2', { propagationPolicy: 'Orphan' });
    await tick(20);
    const dep2 = s.get('configmaps', 'default', 'dep2')!;
    expect(dep2).toBeDefined();
    expect(dep2.metadata.ownerReferences).toBeUndefined();
  });

  it('Foreground keeps the owner until dependants are gone', async () => {
    const s = mk();
    const owner = s.create('configmaps', cm('fo'));
    s.create('configmaps', { ...cm('fd'), metadata: { name: 'fd', namespace: 'default', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'fo', uid: owner.metadata.uid! }] } });
    const d = s.delete('configmaps', 'default', 'fo', { propagationPolicy: 'Foreground' });
    expect(d.metadata.finalizers).toContain('foregroundDeletion');
    await until(() => !s.get('configmaps', 'default', 'fo'));
    expect(s.get('configmaps', 'default', 'fd')).toBeUndefined();
  });
});

describe('list', () => {
  function seed(s: Store): void {
    for (const ns of ['a', 'b', 'c']) s.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // Created out of order: the list must still come sorted by namespace/name.
    for (const [ns, n] of [['b', 'p2'], ['a', 'p3'], ['c', 'p1'], ['a', 'p1'], ['b', 'p1'], ['a', 'p2']] as const) {
      s.create('pods', pod(n, { ns, labels: { app: n === 'p1' ? 'web' : 'db' }, node: ns === 'a' ? 'w1' : 'w2' }));
    }
  }

  it('sorts by namespace/name and filters by namespace, labels, fields', () => {
    const s = mk();
    seed(s);
    const names = (xs: K8sObject[]) => xs.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(names(s.list('pods'))).toEqual(['a/p1', 'a/p2', 'a/p3', 'b/p1', 'b/p2', 'c/p1']);
    expect(names(s.list('pods', { namespace: 'b' }))).toEqual(['b/p1', 'b/p2']);
    expect(names(s.list('pods', { labelSelector: 'app=web' }))).toEqual(['a/p1', 'b/p1', 'c/p1']);
    expect(names(s.list('pods', { fieldSelector: 'spec.nodeName=w1' }))).toEqual(['a/p1', 'a/p2', 'a/p3']);
    expect(names(s.list('pods', { fieldSelector: 'spec.nodeName=w2,metadata.name!=p1' }))).toEqual(['b/p2']);
    expect(names(s.list('pods', { fieldSelector: 'spec.nodeName=w2', namespace: 'c' }))).toEqual(['c/p1']);
    expect(err(() => s.list('pods', { fieldSelector: 'spec.foo=1' })).message).toBe('field label not supported: spec.foo');
  });

  it('paginates with limit/continue and remainingItemCount', () => {
    const s = mk();
    seed(s);
    const p1 = s.listPage('pods', { limit: 4 });
    expect(p1.items.map((p) => p.metadata.name)).toEqual(['p1', 'p2', 'p3', 'p1']);
    expect(p1.remainingItemCount).toBe(2);
    expect(p1.continue).toBeTruthy();
    s.create('configmaps', cm('bump')); // RV moves on; the continuation keeps the first RV
    const p2 = s.listPage('pods', { limit: 4, continue: p1.continue });
    expect(p2.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['b/p2', 'c/p1']);
    expect(p2.continue).toBeUndefined();
    expect(p2.remainingItemCount).toBeUndefined();
    expect(p2.resourceVersion).toBe(p1.resourceVersion);
    const sel = s.listPage('pods', { limit: 2, labelSelector: 'app=web' });
    expect(sel.items).toHaveLength(2);
    expect(sel.continue).toBeTruthy();
    expect(sel.remainingItemCount).toBeUndefined();
    expect(s.listPage('pods', { limit: 2, labelSelector: 'app=web', continue: sel.continue }).items.map((p) => p.metadata.namespace)).toEqual(['c']);
    expect(err(() => s.listPage('pods', { continue: 'garbage' })).code).toBe(400);
  });

  it('a compacted continue token is 410', () => {
    const s = mk();
    seed(s);
    const p1 = s.listPage('pods', { limit: 2 });
    s.create('pods', pod('later', { ns: 'a' }));
    s.compact();
    const e = err(() => s.listPage('pods', { limit: 2, continue: p1.continue }));
    expect(e.code).toBe(410);
    expect(e.reason).toBe('Expired');
    expect(e.message).toBe('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
  });
});

describe('watch', () => {
  function collect(s: Store, key: string, opts: Parameters<Store['watch']>[1]): { evs: WatchEvent[]; stop: () => void } {
    const evs: WatchEvent[] = [];
    const stop = s.watch(key, opts, (e) => evs.push(e));
    return { evs, stop };
  }

  it('RV absent: ADDED for current objects, then live events', async () => {
    const s = mk();
    s.create('configmaps', cm('a'));
    const { evs, stop } = collect(s, 'configmaps', {});
    s.create('configmaps', cm('b'));
    await tick();
    s.delete('configmaps', 'default', 'a');
    expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'ADDED b', 'DELETED a']);
    stop();
    s.create('configmaps', cm('c'));
    expect(evs).toHaveLength(3);
  });

  it('replays from a resourceVersion (exclusive)', async () => {
    const s = mk();
    const a = s.create('configmaps', cm('a'));
    s.update('configmaps', { ...a, data: { x: '1' } });
    s.create('pods', pod('other'));
    s.create('configmaps', cm('b'));
    const { evs } = collect(s, 'configmaps', { resourceVersion: a.metadata.resourceVersion! });
    await tick();
    expect(evs.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['MODIFIED a', 'ADDED b']);
    expect(Number(evs[1]!.object.metadata.resourceVersion)).toBeGreaterThan(Number(evs[0]!.object.metadata.resourceVersion));
  });

  it('410 Expired once the resourceVersion is compacted', async () => {
    const s = mk();
    const a = s.create('configmaps', cm('a'));
    s.create('configmaps', cm('b'));
    s.compact();
    const compactedAt = s.resourceVersion();
    const { evs } = collect(s, 'configmaps', { resourceVersion: a.metadata.resourceVersion! });
    await tick();
    s.create('configmaps', cm('c'));
    expect(evs).toHaveLength(1);
    expect(evs[0]!.type).toBe('ERROR');
    expect(evs[0]!.object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(evs[0]!.object.message).toBe(`too old resource version: ${a.metadata.resourceVersion} (${compactedAt})`);
  });

  it('history is bounded by count', async () => {
    const s = mk(1000, { historyLimit: 3, historyMinKeep: 1 });
    const first = s.create('configmaps', cm('h0'));
    for (let i = 1; i < 6; i++) s.create('configmaps', cm(`h${i}`));
    const { evs } = collect(s, 'configmaps', { resourceVersion: first.metadata.resourceVersion! });
    await tick();
    expect(evs[0]!.type).toBe('ERROR');
  });

  it('selector transitions become ADDED/DELETED', async () => {
    const s = mk();
    s.create('pods', pod('p', { labels: { app: 'web' } }));
    const { evs } = collect(s, 'pods', { labelSelector: 'app=web', resourceVersion: s.resourceVersion() });
    await tick();
    s.mutate('pods', 'default', 'p', (o) => void (o.metadata.labels = { app: 'db' }));
    s.mutate('pods', 'default', 'p', (o) => void (o.metadata.labels = { app: 'db', x: '1' }));
    s.mutate('pods', 'default', 'p', (o) => void (o.metadata.labels = { app: 'web' }));
    s.mutate('pods', 'default', 'p', (o) => void (o.metadata.labels = { app: 'web', y: '2' }));
    s.create('pods', pod('q', { labels: { app: 'db' } }));
    expect(evs.map((e) => e.type)).toEqual(['DELETED', 'ADDED', 'MODIFIED']);
  });

  it('bookmarks and the initial-events-end bookmark', async () => {
    const s = mk();
    s.create('configmaps', cm('a'));
    const { evs } = collect(s, 'configmaps', { allowWatchBookmarks: true, sendInitialEvents: true, resourceVersion: '' });
    const plain = collect(s, 'configmaps', { resourceVersion: s.resourceVersion() });
    await tick();
    s.bookmark('configmaps');
    expect(evs.map((e) => e.type)).toEqual(['ADDED', 'BOOKMARK', 'BOOKMARK']);
    expect(evs[1]!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(evs[2]!.object).toEqual({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: s.resourceVersion() } });
    expect(plain.evs).toEqual([]);
  });

  it('controller hooks see events in order, even when they write', () => {
    const s = mk();
    const seen: string[] = [];
    s.on('configmaps', (type, obj) => {
      seen.push(`${type} ${obj.metadata.name}`);
      if (obj.metadata.name === 'trigger' && type === 'ADDED') s.create('configmaps', cm('follow'));
    });
    s.create('configmaps', cm('trigger'));
    expect(seen).toEqual(['ADDED trigger', 'ADDED follow']);
  });
});

describe('scale (figures, not a timed assertion)', () => {
  it('loads 5,000 nodes and 100,000 pods and pages through them', () => {
    const s = mk(1, { historyLimit: 200_000 });
    const t0 = performance.now();
    for (let i = 0; i < 5000; i++) s.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${String(i).padStart(4, '0')}` } });
    for (let n = 0; n < 100; n++) s.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${n}` } });
    for (let i = 0; i < 100_000; i++) s.create('pods', pod(`pod-${i}`, { ns: `ns-${i % 100}`, node: `node-${String(i % 5000).padStart(4, '0')}`, labels: { app: `a${i % 10}` } }));
    const t1 = performance.now();
    let pages = 0;
    let total = 0;
    let cont: string | undefined;
    do {
      const p = s.listPage('pods', { limit: 500, continue: cont, copy: false });
      total += p.items.length;
      cont = p.continue;
      pages++;
    } while (cont);
    const t2 = performance.now();
    const onNode = s.list('pods', { fieldSelector: 'spec.nodeName=node-0042' });
    const t3 = performance.now();
    const sel = s.listPage('pods', { labelSelector: 'app=a3', limit: 500 });
    const t4 = performance.now();
    expect(total).toBe(100_000);
    expect(pages).toBe(200);
    expect(onNode).toHaveLength(20);
    expect(sel.items).toHaveLength(500);
    console.log(
      `seed 105k objects ${(t1 - t0).toFixed(0)} ms; 200 pages of 500 ${(t2 - t1).toFixed(0)} ms; nodeName index list ${(t3 - t2).toFixed(1)} ms; label page ${(t4 - t3).toFixed(1)} ms`,
    );
  }, 120_000);
});
