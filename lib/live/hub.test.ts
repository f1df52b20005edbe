// The shared list+watch and its fan-out, against a real demo cluster over HTTPS: changes reach
// subscribers, 100 subscribers cost one upstream watch, the last one leaving closes it after the
// linger, 410 relists and converges, a cut connection goes reconnecting → stale → live, pages are
// walked with continue, resume sends only the missed changes, and refused users attach nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { kubeConfigFor, type TestCluster } from '../../sim/testing';
import { startLiveTestCluster } from './test-cluster';
import { LiveForbiddenError, LiveHub, type Subscriber, type WatchTarget } from './hub';
import { listWatchAuthorizer, resourceOfPath } from './sse';
import { startCutProxy, waitFor } from './test-utils';
import type { KubeObject, LiveEvent, LiveResume, LiveSnapshot, LiveState } from './types';

let c: TestCluster;
const hubs: LiveHub[] = [];
const NODES = '/api/v1/nodes';

async function ssar(kc: KubeConfig, verb: string, path: string): Promise<boolean> {
  const r = resourceOfPath(path);
  const api = kc.makeApiClient(AuthorizationV1Api);
  const res = await api.createSelfSubjectAccessReview({
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, group: r.group, resource: r.resource, namespace: r.namespace } } },
  });
  return res.status?.allowed === true;
}

const authorizeAs = (kc: KubeConfig, path: string) => listWatchAuthorizer((verb) => ssar(kc, verb, path));

function newHub(opts: ConstructorParameters<typeof LiveHub>[0] = {}): LiveHub {
  const h = new LiveHub({ lingerMs: 200, ...opts, informer: { backoff: { baseMs: 20, capMs: 200 }, staleAfterMs: 600, ...opts.informer } });
  hubs.push(h);
  return h;
}

/** A subscriber that records everything it is told. */
function recorder(authorize: Subscriber['authorize'], extra: Partial<Subscriber> = {}) {
  const r = {
    snapshots: [] as LiveSnapshot[],
    events: [] as LiveEvent[],
    states: [] as LiveState[],
    resumes: [] as LiveResume[],
    items: new Map<string, KubeObject>(),
    sub: undefined as unknown as Subscriber,
  };
  r.sub = {
    authorize,
    onSnapshot: (s) => {
      r.snapshots.push(s);
      r.items = new Map(s.items.map((i) => [i.key, i.object]));
    },
    onEvent: (e) => {
      r.events.push(e);
      if (e.type === 'DELETED') r.items.delete(e.key);
      else r.items.set(e.key, e.object);
    },
    onState: (s) => r.states.push(s),
    onResume: (x) => r.resumes.push(x),
    ...extra,
  };
  return r;
}

const watches = (key = 'nodes') => c.server.stats.watchesByResource.get(key) ?? 0;
const nodeNames = () => c.store.list('nodes').map((n) => n.metadata.name!).sort();
const label = (name: string, value: string) =>
  c.store.mutate('nodes', undefined, name, (o) => {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'btd.test/live': value };
  });
const labelOf = (o: KubeObject | undefined) => (o?.metadata as { labels?: Record<string, string> } | undefined)?.labels?.['btd.test/live'];

beforeAll(async () => {
  c = await startLiveTestCluster(6);
});

afterEach(async () => {
  for (const h of hubs.splice(0)) h.close();
  await waitFor(() => c.server.stats.watchesOpen === 0, 'all upstream watches closed after the test');
});

afterAll(async () => {
  await c?.dispose();
});

describe('LiveHub against the demo cluster', () => {
  it('gives a new subscriber a snapshot of the cluster, then the changes made in the cluster', async () => {
    const hub = newHub();
    const target: WatchTarget = { path: NODES, kubeConfig: c.kc };
    const r = recorder(authorizeAs(c.viewerKc, NODES));
    const unsubscribe = await hub.subscribe(target, r.sub);
    await waitFor(() => r.snapshots.length === 1, 'the snapshot');
    expect(r.snapshots[0]!.reason).toBe('initial');
    expect([...r.items.keys()].sort()).toEqual(nodeNames());
    expect(r.snapshots[0]!.resourceVersion).toMatch(/^\d+$/);
    await waitFor(() => r.states.at(-1)?.state === 'live', 'live');

    const name = nodeNames()[0]!;
    label(name, 'one');
    const ev = await waitFor(() => r.events.find((e) => e.key === name && labelOf(e.object) === 'one'), 'the MODIFIED event');
    expect(ev.type).toBe('MODIFIED');
    expect(ev.resourceVersion).toBe(c.store.get('nodes', undefined, name)!.metadata.resourceVersion);

    c.store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'live-extra' }, spec: {}, status: {} });
    await waitFor(() => r.items.has('live-extra'), 'the ADDED node');
    c.store.delete('nodes', undefined, 'live-extra');
    await waitFor(() => r.events.some((e) => e.type === 'DELETED' && e.key === 'live-extra'), 'the DELETED event');
    expect(r.items.has('live-extra')).toBe(false);
    expect([...r.items.keys()].sort()).toEqual(nodeNames());
    unsubscribe();
  });

  it('serves 100 subscribers with ONE upstream watch, and closes it after the last one leaves and the linger passes', async () => {
    const hub = newHub({ lingerMs: 400 });
    const target: WatchTarget = { path: NODES, kubeConfig: c.kc };
    const subs = Array.from({ length: 100 }, () => recorder(authorizeAs(c.viewerKc, NODES)));
    const unsubs = await Promise.all(subs.map((s) => hub.subscribe(target, s.sub)));
    await waitFor(() => subs.every((s) => s.snapshots.length === 1), 'all snapshots');
    await waitFor(() => watches() >= 1, 'the upstream watch');
    expect(watches()).toBe(1);
    expect(hub.stats()).toHaveLength(1);
    expect(hub.stats()[0]!.subscribers).toBe(100);

    const name = nodeNames()[1]!;
    label(name, 'hundred');
    await waitFor(() => subs.every((s) => labelOf(s.items.get(name)) === 'hundred'), 'the change at all 100 subscribers');
    expect(watches()).toBe(1);

    for (const u of unsubs.slice(0, 99)) u();
    expect(watches()).toBe(1);
    unsubs[99]!();
    unsubs[99]!(); // idempotent
    // Lingers: a reload right now would reuse the watch.
    await new Promise((r) => setTimeout(r, 100));
    expect(watches()).toBe(1);
    await waitFor(() => watches() === 0, 'the upstream watch closed after the linger', 5_000);
    expect(hub.stats()).toHaveLength(0);
  });

  it('reuses the informer (no relist) when a subscriber comes back within the linger', async () => {
    const hub = newHub({ lingerMs: 1_000 });
    const target: WatchTarget = { path: NODES, kubeConfig: c.kc };
    let lists = 0;
    c.server.use(async (ctx, next) => {
      if (ctx.method === 'GET' && ctx.path === NODES && ctx.query.get('watch') !== 'true' && lists >= 0) lists++;
      await next();
    });
    const a = recorder(async () => true);
    const ua = await hub.subscribe(target, a.sub);
    await waitFor(() => a.snapshots.length === 1, 'first snapshot');
    const informer = hub.informerFor(target);
    const listsBefore = lists;
    expect(listsBefore).toBeGreaterThanOrEqual(1);
    ua();
    const b = recorder(async () => true);
    const ub = await hub.subscribe(target, b.sub);
    expect(b.snapshots).toHaveLength(1); // synchronously, from the cache
    expect(hub.informerFor(target)).toBe(informer);
    expect(lists).toBe(listsBefore);
    ub();
    lists = -1_000_000; // leave the middleware inert for later tests
  });

  it('walks the list in pages with limit and continue', async () => {
    const hub = newHub({ informer: { pageSize: 2 } });
    const target: WatchTarget = { path: NODES, kubeConfig: c.kc };
    const seen: string[] = [];
    let on = true;
    c.server.use(async (ctx, next) => {
      if (on && ctx.path === NODES && ctx.query.get('watch') !== 'true') seen.push(`${ctx.query.get('limit')}|${ctx.query.get('continue') ? 'c' : '-'}`);
      await next();
    });
    const r = recorder(async () => true);
    const u = await hub.subscribe(target, r.sub);
    await waitFor(() => r.snapshots.length === 1, 'snapshot');
    on = false;
    expect([...r.items.keys()].sort()).toEqual(nodeNames());
    const pages = Math.ceil(nodeNames().length / 2);
    expect(seen).toEqual(['2|-', ...Array(pages - 1).fill('2|c')]);
    u();
  });

  it('refuses a subscriber the cluster does not allow, attaching nothing and opening no watch', async () => {
    const hub = newHub();
    const target: WatchTarget = { path: NODES, kubeConfig: c.kc };
    const nobody = c.kcForToken('nobody-token-0123456789');
    const r = recorder(authorizeAs(nobody, NODES));
    const err = await hub.subscribe(target, r.sub).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LiveForbiddenError);
    expect((err as LiveForbiddenError).fallback).toBeUndefined();
    expect(hub.stats()).toHaveLength(0);
    expect(r.snapshots).toHaveLength(0);
    expect(watches()).toBe(0);

    // May list but not watch: refused too, with the poll fallback.
    const lister = c.kcForToken('lister-token-0123456789');
    const err2 = await hub.subscribe(target, recorder(authorizeAs(lister, NODES)).sub).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(LiveForbiddenError);
    expect((err2 as LiveForbiddenError).fallback).toBe('poll');
    expect(watches()).toBe(0);
  });

  it('detaches a subscriber whose access is revoked (periodic re-authorization)', async () => {
    const hub = newHub({ reauthorizeMs: 100 });
    let allowed = true;
    let closedWith: string | undefined;
    const r = recorder(async () => allowed, { onClose: (why) => (closedWith = why) });
    await hub.subscribe({ path: NODES, kubeConfig: c.kc }, r.sub);
    await waitFor(() => r.snapshots.length === 1, 'snapshot');
    expect(hub.stats()[0]!.subscribers).toBe(1);
    allowed = false;
    await waitFor(() => closedWith, 'the subscriber closed');
    expect(closedWith).toBe('forbidden');
    expect(hub.stats()[0]?.subscribers ?? 0).toBe(0);
  });

  it('resumes a returning subscriber with only the changes it missed, or says why it sends a snapshot', async () => {
    const hub = newHub({ lingerMs: 5_000 });
    const target: WatchTarget = { path: NODES, kubeConfig: c.kc };
    const a = recorder(async () => true);
    const keepAlive = await hub.subscribe(target, recorder(async () => true).sub);
    const ua = await hub.subscribe(target, a.sub);
    await waitFor(() => a.snapshots.length === 1 && hub.informerFor(target)?.state.state === 'live', 'snapshot and live');
    const had = a.snapshots[0]!.resourceVersion;
    ua();
    const [n1, n2] = nodeNames();
    label(n1!, 'missed-1');
    label(n2!, 'missed-2');
    await waitFor(() => labelOf(hub.informerFor(target)?.get(n2!)) === 'missed-2', 'the informer saw both');

    const b = recorder(async () => true, { resumeFrom: had });
    const ub = await hub.subscribe(target, b.sub);
    expect(b.snapshots).toHaveLength(0);
    expect(b.resumes).toHaveLength(1);
    expect(b.resumes[0]!.from).toBe(had);
    expect(b.resumes[0]!.missed).toBe(2);
    expect(b.events.map((e) => [e.key, labelOf(e.object)])).toEqual([
      [n1, 'missed-1'],
      [n2, 'missed-2'],
    ]);

    const cc = recorder(async () => true, { resumeFrom: '1' });
    const uc = await hub.subscribe(target, cc.sub);
    expect(cc.resumes).toHaveLength(0);
    expect(cc.snapshots).toHaveLength(1);
    expect(cc.snapshots[0]!.reason).toBe('resume-unavailable');
    ub();
    uc();
    keepAlive();
  });

  it('narrows a namespaced list+watch by label selector (objects moving in and out of it become ADDED/DELETED)', async () => {
    const hub = newHub();
    c.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'live-sel' } });
    const cm = (name: string, app: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'live-sel', labels: { app } }, data: {} });
    c.store.create('configmaps', cm('a', 'btd'));
    c.store.create('configmaps', cm('b', 'other'));
    c.store.create('configmaps', { ...cm('elsewhere', 'btd'), metadata: { name: 'elsewhere', namespace: 'default', labels: { app: 'btd' } } });
    const target: WatchTarget = { path: '/api/v1/namespaces/live-sel/configmaps', kubeConfig: c.kc, labelSelector: 'app=btd' };
    const r = recorder(authorizeAs(c.viewerKc, target.path));
    const u = await hub.subscribe(target, r.sub);
    await waitFor(() => r.snapshots.length === 1 && hub.informerFor(target)?.state.state === 'live', 'snapshot, live');
    expect([...r.items.keys()]).toEqual(['live-sel/a']);
    const relabel = (name: string, app: string) =>
      c.store.mutate('configmaps', 'live-sel', name, (o) => {
        o.metadata.labels = { app };
      });
    relabel('b', 'btd');
    await waitFor(() => r.items.has('live-sel/b'), 'b moved into the selector');
    relabel('a', 'gone');
    await waitFor(() => !r.items.has('live-sel/a'), 'a moved out of the selector');
    expect(r.events.map((e) => `${e.type} ${e.key}`)).toEqual(['ADDED live-sel/b', 'DELETED live-sel/a']);
    // A different selector is a different shared watch.
    expect(hub.informerFor({ ...target, labelSelector: 'app=other' })).toBeUndefined();
    u();
    c.store.delete('configmaps', 'default', 'elsewhere');
  });

  it('watches a custom resource path (kubeapiservers) with the same sharing', async () => {
    const hub = newHub();
    const path = '/apis/operator.openshift.io/v1/kubeapiservers';
    const target: WatchTarget = { path, kubeConfig: c.kc };
    const subs = Array.from({ length: 5 }, () => recorder(authorizeAs(c.viewerKc, path)));
    const unsubs = await Promise.all(subs.map((s) => hub.subscribe(target, s.sub)));
    await waitFor(() => subs.every((s) => s.snapshots.length === 1), 'snapshots');
    expect(subs[0]!.items.has('cluster')).toBe(true);
    await waitFor(() => watches('kubeapiservers.operator.openshift.io') === 1, 'one kubeapiservers watch');
    for (const u of unsubs) u();
    await waitFor(() => watches('kubeapiservers.operator.openshift.io') === 0, 'closed after the linger');
  });
});

describe('LiveHub when the upstream fails', () => {
  it('goes reconnecting → stale when the API server is unreachable, then live again with what changed meanwhile', async () => {
    const proxy = await startCutProxy(c.port);
    try {
      const kc = kubeConfigFor(`https://127.0.0.1:${proxy.port}`, c.caPem, c.adminToken, 'live-proxy-1');
      const hub = newHub({ informer: { backoff: { baseMs: 20, capMs: 100 }, staleAfterMs: 500 } });
      const target: WatchTarget = { path: NODES, kubeConfig: kc };
      const r = recorder(async () => true);
      await hub.subscribe(target, r.sub);
      await waitFor(() => r.states.at(-1)?.state === 'live', 'live');
      expect(watches()).toBe(1);

      const t0 = Date.now();
      await proxy.cut();
      await waitFor(() => r.states.at(-1)?.state === 'reconnecting', 'reconnecting');
      const rec = r.states.at(-1)!;
      expect(rec.staleSince).not.toBeNull();
      expect(Date.parse(rec.staleSince!)).toBeGreaterThanOrEqual(t0 - 5);
      expect(rec.error).toBeTruthy();
      await waitFor(() => r.states.at(-1)?.state === 'stale', 'stale', 5_000);
      expect(r.states.at(-1)!.staleSince).toBe(rec.staleSince);

      const name = nodeNames()[2]!;
      label(name, 'while-away');
      c.store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'live-away' }, spec: {}, status: {} });
      await proxy.restore();
      await waitFor(() => r.states.at(-1)?.state === 'live', 'live again', 5_000);
      expect(r.states.at(-1)!.staleSince).toBeNull();
      await waitFor(() => labelOf(r.items.get(name)) === 'while-away' && r.items.has('live-away'), 'the changes made while away');
      expect(r.snapshots).toHaveLength(1); // resumed from the resourceVersion: no second snapshot
      c.store.delete('nodes', undefined, 'live-away');
      await waitFor(() => !r.items.has('live-away'), 'deletion after recovery');
      expect(watches()).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('relists after 410 Gone (compacted history) and the subscribers converge through ordinary changes', async () => {
    const proxy = await startCutProxy(c.port);
    try {
      const kc = kubeConfigFor(`https://127.0.0.1:${proxy.port}`, c.caPem, c.adminToken, 'live-proxy-2');
      const hub = newHub({ informer: { backoff: { baseMs: 20, capMs: 100 } } });
      const target: WatchTarget = { path: NODES, kubeConfig: kc };
      const subs = [recorder(async () => true), recorder(async () => true)];
      for (const s of subs) await hub.subscribe(target, s.sub);
      await waitFor(() => subs.every((s) => s.snapshots.length === 1 && s.states.at(-1)?.state === 'live'), 'live');
      let lists = 0;
      let counting = false;
      c.server.use(async (ctx, next) => {
        if (counting && ctx.path === NODES && ctx.query.get('watch') !== 'true') lists++;
        await next();
      });

      await proxy.cut();
      await waitFor(() => subs[0]!.states.at(-1)?.state === 'reconnecting', 'reconnecting');
      const [n0, n1] = nodeNames();
      label(n0!, 'after-compaction');
      c.store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'live-410' }, spec: {}, status: {} });
      c.store.delete('nodes', undefined, n1!);
      c.store.compact();
      counting = true;
      await proxy.restore();

      for (const s of subs) {
        await waitFor(() => labelOf(s.items.get(n0!)) === 'after-compaction' && s.items.has('live-410') && !s.items.has(n1!), 'convergence after relist', 5_000);
        expect([...s.items.keys()].sort()).toEqual(nodeNames());
        expect(s.snapshots).toHaveLength(1);
        expect(s.events.some((e) => e.type === 'DELETED' && e.key === n1)).toBe(true);
      }
      await waitFor(() => subs[0]!.states.at(-1)?.state === 'live', 'live after relist');
      counting = false;
      expect(lists).toBe(1); // one relist, shared by both subscribers
      // And it keeps working after the relist.
      label(n0!, 'post-relist');
      await waitFor(() => subs.every((s) => labelOf(s.items.get(n0!)) === 'post-relist'), 'changes after relist');
      c.store.delete('nodes', undefined, 'live-410');
    } finally {
      await proxy.close();
    }
  });

  it('replaces a watch that went silent (half-open connection) and gets the changes through the new one', async () => {
    const proxy = await startCutProxy(c.port);
    try {
      const kc = kubeConfigFor(`https://127.0.0.1:${proxy.port}`, c.caPem, c.adminToken, 'live-proxy-3');
      const hub = newHub({ informer: { idleTimeoutMs: 400, reconnectGraceMs: 2_000 } });
      const target: WatchTarget = { path: NODES, kubeConfig: kc };
      const r = recorder(async () => true);
      await hub.subscribe(target, r.sub);
      await waitFor(() => r.states.at(-1)?.state === 'live', 'live');
      proxy.freeze();
      const name = nodeNames()[4]!;
      label(name, 'through-new-watch');
      await waitFor(() => labelOf(r.items.get(name)) === 'through-new-watch', 'the change, via a replacement watch', 5_000);
      // The replacement was quick: the state never left 'live'.
      expect(r.states.map((s) => s.state)).not.toContain('reconnecting');
    } finally {
      await proxy.close();
    }
  });

  it('moves its resourceVersion forward on bookmarks (so a resume does not replay or 410)', async () => {
    const hub = newHub();
    const target: WatchTarget = { path: NODES, kubeConfig: c.kc };
    let bookmarksAsked = false;
    let on = true;
    c.server.use(async (ctx, next) => {
      if (on && ctx.path === NODES && ctx.query.get('watch') === 'true') bookmarksAsked = ctx.query.get('allowWatchBookmarks') === 'true';
      await next();
    });
    const r = recorder(async () => true);
    await hub.subscribe(target, r.sub);
    await waitFor(() => r.states.at(-1)?.state === 'live', 'live');
    on = false;
    expect(bookmarksAsked).toBe(true);
    const informer = hub.informerFor(target)!;
    c.store.create('configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'live-bookmark', namespace: 'default' }, data: {} });
    const rv = c.store.resourceVersion();
    expect(informer.resourceVersion).not.toBe(rv); // no node changed
    c.store.bookmark('nodes');
    await waitFor(() => informer.resourceVersion === rv, 'the bookmark resourceVersion');
    expect(r.events).toHaveLength(0);
    c.store.delete('configmaps', 'default', 'live-bookmark');
  });

  it('recovers when the client-side watch is aborted (reconnecting, then live)', async () => {
    const hub = newHub({ informer: { backoff: { baseMs: 50, capMs: 50 } } });
    const target: WatchTarget = { path: NODES, kubeConfig: c.kc };
    const r = recorder(async () => true);
    await hub.subscribe(target, r.sub);
    await waitFor(() => r.states.at(-1)?.state === 'live', 'live');
    const n = r.states.length;
    hub.informerFor(target)!.dropWatch();
    expect(r.states.at(-1)!.state).toBe('reconnecting');
    await waitFor(() => r.states.length > n + 1 && r.states.at(-1)?.state === 'live', 'live again');
    await waitFor(() => watches() === 1, 'exactly one watch after the reconnect');
    const name = nodeNames()[3]!;
    label(name, 'after-drop');
    await waitFor(() => labelOf(r.items.get(name)) === 'after-drop', 'change after reconnect');
  });

  it('stays connecting (with the reason) while the first list fails, and does not pretend to have data', async () => {
    const hub = newHub({ informer: { backoff: { baseMs: 20, capMs: 50 } } });
    const bad = c.kcForToken('not-a-valid-token-at-all');
    const r = recorder(async () => true);
    await hub.subscribe({ path: NODES, kubeConfig: bad }, r.sub);
    await waitFor(() => r.states.some((s) => s.error?.includes('401') || /unauthorized/i.test(s.error ?? '')), 'the 401 reason');
    expect(r.states.every((s) => s.state === 'connecting')).toBe(true);
    expect(r.snapshots).toHaveLength(0);
  });
});
