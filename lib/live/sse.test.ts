// The SSE Response as a route handler returns it, read with a stream reader, over a real demo
// cluster: headers, `state` + `snapshot` then `change` events with projected DTOs and resourceVersion
// ids, pings, Last-Event-ID resume, cleanup on request abort and on stream cancel, the 403 with
// the poll fallback, and the poll response through the user's own list.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { TestCluster } from '../../sim/testing';
import { startLiveTestCluster } from './test-cluster';
import { LiveHub, type WatchTarget } from './hub';
import { decodeMultiId, listWatchAuthorizer, liveMultiEventsResponse, liveMultiPollResponse, livePollResponse, liveEventsResponse, resourceOfPath } from './sse';
import { SseReader, waitFor } from './test-utils';
import type { KubeObject, LiveForbiddenBody, LivePollBody, LiveState } from './types';

let c: TestCluster;
const hubs: LiveHub[] = [];
const readers: SseReader[] = [];
const NODES = '/api/v1/nodes';

interface NodeDto {
  name: string;
  live?: string;
}
const project = (o: KubeObject): NodeDto => {
  const labels = (o.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
  const d: NodeDto = { name: o.metadata?.name ?? '' };
  if (labels['btd.test/live']) d.live = labels['btd.test/live'];
  return d;
};

async function ssar(kc: KubeConfig, verb: string, path: string): Promise<boolean> {
  const r = resourceOfPath(path);
  const res = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, group: r.group, resource: r.resource, namespace: r.namespace } } },
  });
  return res.status?.allowed === true;
}
const authorizeAs = (kc: KubeConfig) => listWatchAuthorizer((verb) => ssar(kc, verb, NODES));

function newHub(lingerMs = 150): LiveHub {
  const h = new LiveHub({ lingerMs, informer: { backoff: { baseMs: 20, capMs: 200 } } });
  hubs.push(h);
  return h;
}

function open(hub: LiveHub, kc: KubeConfig, headers: Record<string, string> = {}, extra: { pingMs?: number } = {}) {
  const ac = new AbortController();
  const request = new Request('http://dashboard.local/api/nodes/events', { headers, signal: ac.signal });
  const target: WatchTarget = { path: NODES, kubeConfig: c.kc };
  const res = liveEventsResponse({ request, target, hub, authorize: authorizeAs(kc), project, pollUrl: '/api/nodes?poll=1', ...extra });
  return { ac, res };
}

function read(res: Response): SseReader {
  const r = new SseReader(res.body!);
  readers.push(r);
  return r;
}

const watches = () => c.server.stats.watchesByResource.get('nodes') ?? 0;
const nodeNames = () => c.store.list('nodes').map((n) => n.metadata.name!).sort();
const label = (name: string, value: string) =>
  c.store.mutate('nodes', undefined, name, (o) => {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'btd.test/live': value };
  });

beforeAll(async () => {
  c = await startLiveTestCluster(4);
});

afterEach(async () => {
  for (const r of readers.splice(0)) await r.cancel().catch(() => {});
  for (const h of hubs.splice(0)) h.close();
  await waitFor(() => c.server.stats.watchesOpen === 0, 'upstream watches closed');
});

afterAll(async () => {
  await c?.dispose();
});

describe('liveEventsResponse', () => {
  it('streams state and snapshot, then change events with the projected DTO and the resourceVersion as id', async () => {
    const hub = newHub();
    const { res: p } = open(hub, c.viewerKc);
    const res = await p;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('connection')).toBe('keep-alive');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const r = read(res);
    await waitFor(() => r.events('snapshot').length === 1, 'snapshot');
    expect(r.messages[0]!.event).toBe('retry');
    const firstState = r.events('state')[0]!;
    expect(r.messages.indexOf(firstState)).toBeLessThan(r.messages.indexOf(r.events('snapshot')[0]!));

    const snap = r.json<{ resourceVersion: string; reason: string; items: Array<{ key: string; object: NodeDto }> }>('snapshot')[0]!;
    expect(snap.reason).toBe('initial');
    expect(snap.items.map((i) => i.key).sort()).toEqual(nodeNames());
    // The DTO, not the raw object.
    expect(Object.keys(snap.items[0]!.object)).toEqual(['name']);
    expect(r.events('snapshot')[0]!.id).toBe(snap.resourceVersion);

    const name = nodeNames()[0]!;
    const updated = label(name, 'sse')!;
    await waitFor(() => r.events('change').length >= 1, 'a change event');
    const ch = r.events('change').at(-1)!;
    const data = JSON.parse(ch.data) as { type: string; key: string; object: NodeDto; resourceVersion: string };
    expect(data).toEqual({ type: 'MODIFIED', key: name, resourceVersion: updated.metadata.resourceVersion, object: { name, live: 'sse' } });
    expect(ch.id).toBe(updated.metadata.resourceVersion);
    await waitFor(() => r.json<LiveState>('state').some((s) => s.state === 'live'), 'state live');
  });

  it('serves 100 SSE clients with one upstream watch', async () => {
    const hub = newHub();
    const rs = await Promise.all(Array.from({ length: 100 }, async () => read(await open(hub, c.viewerKc).res)));
    await waitFor(() => rs.every((r) => r.events('snapshot').length === 1) && watches() >= 1, '100 snapshots and the watch');
    expect(watches()).toBe(1);
    const name = nodeNames()[3]!;
    label(name, 'hundred-sse');
    await waitFor(() => rs.every((r) => r.events('change').some((m) => JSON.parse(m.data).object.live === 'hundred-sse')), 'the change in all 100 streams');
    expect(watches()).toBe(1);
    for (const r of rs) await r.cancel();
    await waitFor(() => watches() === 0, 'closed after the last one left');
  });

  it('sends ": ping" comments', async () => {
    const hub = newHub();
    const r = read(await open(hub, c.viewerKc, {}, { pingMs: 40 }).res);
    await waitFor(() => r.messages.filter((m) => m.comment === 'ping').length >= 2, 'two pings');
  });

  it('resumes from Last-Event-ID with only the missed changes, and says so; an unknown id gets a fresh snapshot', async () => {
    const hub = newHub(5_000);
    const first = open(hub, c.viewerKc);
    const r1 = read(await first.res);
    await waitFor(() => r1.events('snapshot').length === 1 && r1.json<LiveState>('state').some((s) => s.state === 'live'), 'first snapshot, live');
    const lastId = r1.events('snapshot')[0]!.id!;
    first.ac.abort(); // the browser lost the connection
    await waitFor(() => r1.ended, 'first stream ended');
    const name = nodeNames()[1]!;
    const u = label(name, 'while-reconnecting')!;
    await waitFor(() => hub.informerFor({ path: NODES, kubeConfig: c.kc })?.resourceVersion === u.metadata.resourceVersion, 'informer saw it');

    const r2 = read(await open(hub, c.viewerKc, { 'Last-Event-ID': lastId }).res);
    await waitFor(() => r2.events('change').length === 1, 'the missed change');
    expect(r2.events('snapshot')).toHaveLength(0);
    expect(r2.json<{ from: string; missed: number }>('resume')).toEqual([{ from: lastId, resourceVersion: u.metadata.resourceVersion, missed: 1 }]);
    expect(JSON.parse(r2.events('change')[0]!.data).object).toEqual({ name, live: 'while-reconnecting' });

    const r3 = read(await open(hub, c.viewerKc, { 'Last-Event-ID': 'no-such-version' }).res);
    await waitFor(() => r3.events('snapshot').length === 1, 'fresh snapshot');
    expect(r3.json<{ reason: string }>('snapshot')[0]!.reason).toBe('resume-unavailable');
  });

  it('releases the upstream watch when the request is aborted', async () => {
    const hub = newHub();
    const { ac, res } = open(hub, c.viewerKc);
    const r = read(await res);
    await waitFor(() => r.events('snapshot').length === 1 && watches() === 1, 'streaming with one watch');
    ac.abort();
    await waitFor(() => r.ended, 'stream closed');
    expect(hub.stats()[0]?.subscribers ?? 0).toBe(0);
    await waitFor(() => watches() === 0, 'upstream watch closed after the linger');
  });

  it('releases the upstream watch when the stream is cancelled (reader gone)', async () => {
    const hub = newHub();
    const r = read(await open(hub, c.viewerKc).res);
    await waitFor(() => r.events('snapshot').length === 1 && watches() === 1, 'streaming with one watch');
    await r.cancel();
    expect(hub.stats()[0]?.subscribers ?? 0).toBe(0);
    await waitFor(() => watches() === 0, 'upstream watch closed after the linger');
  });

  it('answers 403 JSON for a user who may not list, and 403 with the poll fallback for a user who may list but not watch', async () => {
    const hub = newHub();
    const denied = await open(hub, c.kcForToken('nobody-token-0123456789')).res;
    expect(denied.status).toBe(403);
    const b1 = (await denied.json()) as LiveForbiddenBody;
    expect(b1.error).toBe('forbidden');
    expect(b1.fallback).toBeUndefined();

    const listOnly = await open(hub, c.kcForToken('lister-token-0123456789')).res;
    expect(listOnly.status).toBe(403);
    const b2 = (await listOnly.json()) as LiveForbiddenBody;
    expect(b2.fallback).toBe('poll');
    expect(b2.pollUrl).toBe('/api/nodes?poll=1');
    expect(hub.stats()).toHaveLength(0);
    expect(watches()).toBe(0);
  });
});

describe('liveMultiEventsResponse', () => {
  const KAS = '/apis/operator.openshift.io/v1/kubeapiservers';
  const kasProject = (o: KubeObject) => ({ name: o.metadata?.name ?? '', latest: (o.status as { latestAvailableRevision?: number } | undefined)?.latestAvailableRevision ?? 0 });
  const openMulti = (hub: LiveHub, kc: KubeConfig, headers: Record<string, string> = {}) => {
    const ac = new AbortController();
    const request = new Request('http://dashboard.local/api/rollout/events', { headers, signal: ac.signal });
    const res = liveMultiEventsResponse({
      request,
      hub,
      pollUrl: '/api/rollout',
      streams: {
        nodes: { target: { path: NODES, kubeConfig: c.kc }, authorize: authorizeAs(kc), project },
        kubeapiservers: { target: { path: KAS, kubeConfig: c.kc }, authorize: listWatchAuthorizer((v) => ssar(kc, v, KAS)), project: kasProject },
      },
    });
    return { ac, res };
  };

  it('carries several resources in one stream, tagged by stream, with ids that hold every resourceVersion', async () => {
    const hub = newHub(5_000);
    const first = openMulti(hub, c.viewerKc);
    const r = read(await first.res);
    await waitFor(() => r.events('snapshot').length === 2, 'two snapshots');
    const snaps = r.json<{ stream: string; resourceVersion: string; items: Array<{ key: string; object: unknown }> }>('snapshot');
    const byStream = Object.fromEntries(snaps.map((x) => [x.stream, x]));
    expect(Object.keys(byStream).sort()).toEqual(['kubeapiservers', 'nodes']);
    expect(byStream.nodes!.items.map((i) => i.key).sort()).toEqual(nodeNames());
    expect(byStream.kubeapiservers!.items.map((i) => i.key)).toEqual(['cluster']);
    expect(decodeMultiId(r.events('snapshot')[1]!.id)).toEqual({ nodes: byStream.nodes!.resourceVersion, kubeapiservers: byStream.kubeapiservers!.resourceVersion });
    await waitFor(() => c.server.stats.watchesByResource.get('kubeapiservers.operator.openshift.io') === 1 && watches() === 1, 'one watch per resource');

    const name = nodeNames()[2]!;
    const u = label(name, 'multi')!;
    await waitFor(() => r.events('change').length >= 1, 'a change');
    const ch = r.events('change').at(-1)!;
    expect(JSON.parse(ch.data)).toMatchObject({ stream: 'nodes', key: name, object: { name, live: 'multi' } });
    const id = decodeMultiId(ch.id);
    expect(id.nodes).toBe(u.metadata.resourceVersion);
    expect(id.kubeapiservers).toBe(byStream.kubeapiservers!.resourceVersion);

    // Reconnect with that id: both streams resume, nodes with the change made meanwhile.
    first.ac.abort();
    const u2 = label(name, 'multi-2')!;
    await waitFor(() => hub.informerFor({ path: NODES, kubeConfig: c.kc })?.resourceVersion === u2.metadata.resourceVersion, 'informer saw it');
    const r2 = read(await openMulti(hub, c.viewerKc, { 'Last-Event-ID': ch.id! }).res);
    await waitFor(() => r2.events('resume').length === 2 && r2.events('change').length === 1, 'two resumes, one change');
    expect(r2.events('snapshot')).toHaveLength(0);
    const resumes = Object.fromEntries(r2.json<{ stream: string; missed: number }>('resume').map((x) => [x.stream, x.missed]));
    expect(resumes).toEqual({ nodes: 1, kubeapiservers: 0 });
  });

  it('is all or nothing: one refused stream answers 403 naming it, and nothing stays attached', async () => {
    const hub = newHub();
    const res = await openMulti(hub, c.kcForToken('lister-token-0123456789')).res;
    expect(res.status).toBe(403);
    const body = (await res.json()) as LiveForbiddenBody;
    expect(body.streams?.nodes?.fallback).toBe('poll');
    expect(body.streams?.kubeapiservers?.fallback).toBeUndefined();
    expect(body.fallback).toBeUndefined(); // not every stream can be polled
    await waitFor(() => hub.stats().every((s) => s.subscribers === 0), 'no subscribers');
  });

  it('polls every stream with the user\'s credentials', async () => {
    const res = await liveMultiPollResponse({ streams: { nodes: { kubeConfig: c.viewerKc, path: NODES, project }, kubeapiservers: { kubeConfig: c.viewerKc, path: KAS, project: kasProject } } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { streams: Record<string, LivePollBody<unknown>> };
    expect(body.streams.nodes!.items.map((i) => i.key).sort()).toEqual(nodeNames());
    expect(body.streams.kubeapiservers!.items.map((i) => i.key)).toEqual(['cluster']);
  });
});

describe('liveEventsResponse when the access review fails', () => {
  it('rethrows the error of authorize (for the route wrapper to map) and attaches nothing', async () => {
    const hub = newHub();
    const boom = new Error('SelfSubjectAccessReview failed: 401');
    const request = new Request('http://dashboard.local/api/nodes/events');
    const p = liveEventsResponse({ request, hub, target: { path: NODES, kubeConfig: c.kc }, authorize: () => Promise.reject(boom), project });
    await expect(p).rejects.toBe(boom);
    expect(hub.stats()).toHaveLength(0);
    expect(watches()).toBe(0);
  });
});

describe('livePollResponse', () => {
  it("lists with the user's own credentials: items for a list-only user, 403 for a user who may not list", async () => {
    const ok = await livePollResponse({ kubeConfig: c.kcForToken('lister-token-0123456789'), path: NODES, project, pageSize: 3 });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as LivePollBody<NodeDto>;
    expect(body.items.map((i) => i.key).sort()).toEqual(nodeNames());
    expect(body.items[0]!.object.name).toBe(body.items[0]!.key);
    expect(body.resourceVersion).toMatch(/^\d+$/);
    expect(Number.isNaN(Date.parse(body.listedAt))).toBe(false);

    const no = await livePollResponse({ kubeConfig: c.kcForToken('nobody-token-0123456789'), path: NODES, project });
    expect(no.status).toBe(403);
    expect(((await no.json()) as { message: string }).message).toContain('forbidden');
  });
});

describe('resourceOfPath', () => {
  it('splits core, group and namespaced collection paths', () => {
    expect(resourceOfPath('/api/v1/nodes')).toEqual({ group: '', version: 'v1', resource: 'nodes' });
    expect(resourceOfPath('/apis/operator.openshift.io/v1/kubeapiservers')).toEqual({ group: 'operator.openshift.io', version: 'v1', resource: 'kubeapiservers' });
    expect(resourceOfPath('/api/v1/namespaces/ns1/pods')).toEqual({ group: '', version: 'v1', resource: 'pods', namespace: 'ns1' });
    expect(() => resourceOfPath('/api/v1/nodes/w1')).toThrow();
    expect(() => resourceOfPath('/healthz')).toThrow();
  });
});
