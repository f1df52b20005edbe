// The browser helper end to end: connectLive → a real HTTP server whose handler is what a route
// handler does (liveEventsResponse / livePollResponse) → the hub → a real demo cluster. The only
// stand-in is the EventSource itself (Node 20 has none): a small fetch-based one from test-utils.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { TestCluster } from '../../sim/testing';
import { startLiveTestCluster } from './test-cluster';
import { connectLive, type LiveClient, type LiveView } from './client';
import { LiveHub } from './hub';
import { listWatchAuthorizer, liveMultiEventsResponse, livePollResponse, liveEventsResponse, resourceOfPath } from './sse';
import { FetchEventSource, waitFor } from './test-utils';
import type { KubeObject } from './types';

let c: TestCluster;
let hub: LiveHub;
let server: http.Server;
let base: string;
/** While set, new /events requests wait for it (the browser sees a dead server). */
let hold: Promise<void> | undefined;
const open = new Set<http.ServerResponse>();
const streams = new Set<http.ServerResponse>();
const lastIds: Array<string | undefined> = [];
const clients: LiveClient<NodeDto>[] = [];
const NODES = '/api/v1/nodes';

interface NodeDto {
  name: string;
  live?: string;
}
const project = (o: KubeObject): NodeDto => {
  const labels = (o.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
  return labels['btd.test/live'] ? { name: o.metadata?.name ?? '', live: labels['btd.test/live'] } : { name: o.metadata?.name ?? '' };
};

async function ssar(kc: KubeConfig, verb: string): Promise<boolean> {
  const r = resourceOfPath(NODES);
  const res = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, group: r.group, resource: r.resource } } },
  });
  return res.status?.allowed === true;
}

const users: Record<string, () => KubeConfig> = {
  viewer: () => c.viewerKc,
  lister: () => c.kcForToken('lister-token-0123456789'),
  nobody: () => c.kcForToken('nobody-token-0123456789'),
};

/** What app/api/nodes/events/route.ts and app/api/nodes/route.ts do, minus the session. */
async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', base);
  const kc = (users[url.searchParams.get('as') ?? ''] ?? users.nobody!)();
  const ac = new AbortController();
  res.on('close', () => ac.abort());
  let out: Response;
  if (url.pathname === '/events') {
    lastIds.push(req.headers['last-event-id']?.toString());
    if (hold) await hold;
    const request = new Request(url, { headers: req.headers as Record<string, string>, signal: ac.signal });
    out = await liveEventsResponse({ request, hub, target: { path: NODES, kubeConfig: c.kc }, authorize: listWatchAuthorizer((v) => ssar(kc, v)), project, retryMs: 50, pollUrl: `/poll?as=${url.searchParams.get('as')}` });
  } else if (url.pathname === '/multi') {
    const request = new Request(url, { headers: req.headers as Record<string, string>, signal: ac.signal });
    const KAS = '/apis/operator.openshift.io/v1/kubeapiservers';
    out = await liveMultiEventsResponse({
      request,
      hub,
      retryMs: 50,
      streams: {
        nodes: { target: { path: NODES, kubeConfig: c.kc }, authorize: listWatchAuthorizer((v) => ssar(kc, v)), project },
        kubeapiservers: { target: { path: KAS, kubeConfig: c.kc }, authorize: async () => true, project: (o: KubeObject) => ({ name: o.metadata?.name ?? '' }) },
      },
    });
  } else {
    out = await livePollResponse({ kubeConfig: kc, path: NODES, project });
  }
  res.writeHead(out.status, Object.fromEntries(out.headers));
  open.add(res);
  if (url.pathname === '/events' && out.status === 200) streams.add(res);
  res.on('close', () => {
    open.delete(res);
    streams.delete(res);
  });
  if (!out.body) return res.end();
  Readable.fromWeb(out.body as import('node:stream/web').ReadableStream).on('error', () => res.destroy()).pipe(res);
}

const nodeNames = () => c.store.list('nodes').map((n) => n.metadata.name!).sort();
const label = (name: string, value: string) =>
  c.store.mutate('nodes', undefined, name, (o) => {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'btd.test/live': value };
  });

function connect(as: string, opts: Parameters<typeof connectLive>[1] = {}) {
  const cl = connectLive<NodeDto>(`${base}/events?as=${as}`, { EventSource: FetchEventSource, staleAfterMs: 300, pollMs: 100, ...opts });
  clients.push(cl);
  const views: LiveView<NodeDto>[] = [];
  cl.subscribe(() => views.push(cl.getView()));
  return { cl, views };
}

beforeAll(async () => {
  c = await startLiveTestCluster(4);
  hub = new LiveHub({ lingerMs: 100, informer: { backoff: { baseMs: 20, capMs: 100 } } });
  server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  for (const cl of clients.splice(0)) cl.close();
  hold = undefined;
});

afterAll(async () => {
  hub?.close();
  for (const r of open) r.destroy();
  await new Promise<void>((r) => server?.close(() => r()));
  await c?.dispose();
});

describe('connectLive', () => {
  it('goes from connecting to live with the items, and follows changes made in the cluster', async () => {
    const { cl, views } = connect('viewer');
    expect(cl.getView().state).toBe('connecting');
    expect(cl.getView().loaded).toBe(false);
    await waitFor(() => cl.getView().state === 'live' && cl.getView().loaded, 'live');
    const v1 = cl.getView();
    expect([...v1.data.keys()].sort()).toEqual(nodeNames());
    expect(v1.staleSince).toBeNull();

    const name = nodeNames()[0]!;
    label(name, 'client');
    await waitFor(() => cl.getView().data.get(name)?.live === 'client', 'the change');
    expect(cl.getView().data).not.toBe(v1.data); // a new Map, so React re-renders
    expect(v1.data.get(name)?.live).toBeUndefined(); // and the old one untouched
    expect(views.length).toBeGreaterThan(0);
  });

  it('says reconnecting, then stale since the disconnect, and resumes (Last-Event-ID) with what changed meanwhile', async () => {
    const { cl } = connect('viewer');
    await waitFor(() => cl.getView().state === 'live' && cl.getView().loaded, 'live');
    const es = FetchEventSource.instances.at(-1)!;
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    const t0 = Date.now();
    expect(streams.size).toBeGreaterThanOrEqual(1);
    for (const r of [...streams]) r.destroy();
    await waitFor(() => cl.getView().state === 'reconnecting', 'reconnecting');
    expect(Date.parse(cl.getView().staleSince!)).toBeGreaterThanOrEqual(t0 - 5);
    await waitFor(() => cl.getView().state === 'stale', 'stale', 3_000);
    const lastId = es.lastEventId;
    expect(lastId).toMatch(/^\d+$/);

    const name = nodeNames()[1]!;
    label(name, 'while-disconnected');
    release();
    hold = undefined;
    await waitFor(() => cl.getView().state === 'live', 'live again', 5_000);
    await waitFor(() => cl.getView().data.get(name)?.live === 'while-disconnected', 'the missed change');
    expect(lastIds.at(-1)).toBe(lastId); // the reconnect asked to resume
    expect(cl.getView().staleSince).toBeNull();
    expect([...cl.getView().data.keys()].sort()).toEqual(nodeNames());
  });

  it('follows a multi-stream endpoint: one view per stream, loaded when all are', async () => {
    const cl = connectLive<NodeDto>(`${base}/multi?as=viewer`, { EventSource: FetchEventSource, staleAfterMs: 300, streams: ['nodes', 'kubeapiservers'] });
    clients.push(cl);
    expect(cl.getView().loaded).toBe(false);
    await waitFor(() => cl.getView().loaded && cl.getView().state === 'live', 'both loaded, live');
    const v = cl.getView();
    expect([...v.streams.nodes!.data.keys()].sort()).toEqual(nodeNames());
    expect([...v.streams.kubeapiservers!.data.keys()]).toEqual(['cluster']);
    expect(v.data).toBe(v.streams.nodes!.data);
    const name = nodeNames()[3]!;
    label(name, 'multi-client');
    await waitFor(() => cl.getView().streams.nodes!.data.get(name)?.live === 'multi-client', 'the change in the nodes stream');
    expect(cl.getView().streams.kubeapiservers!.data).toBe(v.streams.kubeapiservers!.data); // untouched stream keeps its Map
  });

  it('falls back to polling for a user who may list but not watch', async () => {
    const { cl } = connect('lister');
    await waitFor(() => cl.getView().state === 'polling' && cl.getView().loaded, 'polling');
    expect([...cl.getView().data.keys()].sort()).toEqual(nodeNames());
    expect(cl.getView().updatedAt).toBeTruthy();
    const name = nodeNames()[2]!;
    label(name, 'polled');
    await waitFor(() => cl.getView().data.get(name)?.live === 'polled', 'the next poll');
  });

  it('does not pretend for a user who may not list: no data, the refusal as the error', async () => {
    const { cl } = connect('nobody');
    await waitFor(() => cl.getView().error, 'the refusal');
    expect(cl.getView().loaded).toBe(false);
    expect(cl.getView().state).not.toBe('live');
    expect(cl.getView().error).toMatch(/may not list/);
  });
});
