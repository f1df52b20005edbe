// Server-Sent Events for Next route handlers: turns a hub subscription into a streaming Response
// (events `state`, `snapshot`, `resume`, `change`, `: ping` comments, `id:` = resourceVersion so an
// EventSource reconnect sends Last-Event-ID and resumes with deltas), plus the JSON poll response
// for users who may list but not watch, and helpers to build the authorize callback.
import 'server-only';
import type { KubeConfig } from '@kubernetes/client-node';
import { getLiveHub, LiveForbiddenError, type AuthorizeResult, type LiveHub, type WatchTarget } from './hub';
import { listAll, UpstreamError } from './informer';
import { objectKey, type KubeObject, type LiveForbiddenBody, type LiveMultiPollBody, type LivePollBody, type LiveState } from './types';

export const SSE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: compression middleware skips the response instead of buffering small events.
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

interface CommonOptions {
  request: Request;
  hub?: LiveHub;
  /** Comment line interval that keeps proxies from timing the stream out. Default 15 s. */
  pingMs?: number;
  /** EventSource reconnect delay sent as `retry:`. Default 3 s. */
  retryMs?: number;
  /** Put in the 403 body when the user may poll instead. */
  pollUrl?: string;
  /** A consumer this many chunks behind is cut off (it reconnects and resumes). Default 10,000. */
  maxQueuedChunks?: number;
}

/** One resource in a stream: what to watch, who may see it, and the DTO the browser gets. */
export interface LiveStream<T> {
  target: WatchTarget;
  /** Decides for this request's user; see listWatchAuthorizer. */
  authorize: () => Promise<AuthorizeResult>;
  /** Reshapes a cached object into the small DTO the browser gets (must not mutate it). */
  project: (obj: KubeObject) => T;
}

export interface LiveEventsOptions<T> extends CommonOptions, LiveStream<T> {}

export interface LiveMultiEventsOptions extends CommonOptions {
  /** Several resources in ONE EventSource (browsers allow ~6 HTTP/1.1 connections per origin). */
  streams: Record<string, LiveStream<any>>;
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } });

/**
 * The DTO of a cached object as JSON, computed once per (project function, object) however many
 * subscribers receive it: cached objects are replaced, never mutated, so identity is a safe key.
 * (Define `project` at module level in the route so it is the same function for every request.)
 */
const dtoCache = new WeakMap<(obj: KubeObject) => unknown, WeakMap<KubeObject, string>>();
function dtoJson(project: (obj: KubeObject) => unknown, obj: KubeObject): string {
  let m = dtoCache.get(project);
  if (!m) dtoCache.set(project, (m = new WeakMap()));
  let j = m.get(obj);
  if (j === undefined) {
    j = JSON.stringify(project(obj)) ?? 'null';
    m.set(obj, j);
  }
  return j;
}

/** An SSE `id:` must be one line; resourceVersions are, but never trust that. */
const safeId = (id: string) => id.replace(/[\r\n\0]/g, '');

/** The id a reconnecting EventSource already has (header), or one a client passes (?lastEventId=). */
export function lastEventIdOf(request: Request): string | undefined {
  const h = request.headers.get('last-event-id');
  if (h) return h;
  try {
    return new URL(request.url).searchParams.get('lastEventId') || undefined;
  } catch {
    return undefined;
  }
}

/** Multi-stream event ids carry every stream's resourceVersion: "nodes=12&kubeapiservers=9". */
export function encodeMultiId(rvs: Record<string, string>): string {
  return new URLSearchParams(Object.entries(rvs).sort(([a], [b]) => a.localeCompare(b))).toString();
}

export function decodeMultiId(id: string | undefined): Record<string, string> {
  if (!id) return {};
  return Object.fromEntries(new URLSearchParams(id));
}

/**
 * Subscribes (authorization first) and returns the streaming Response: events `state`,
 * `snapshot`, `resume`, `change`, `closed`, comments `: ping`, and `id:` = the resourceVersion.
 * 403 JSON (with `fallback: 'poll'` when the user may list but not watch) when refused. When the
 * authorization itself could not be asked, `authorize`'s error is rethrown (nothing stays
 * attached). The subscription ends on `request.signal` abort, on stream cancel, and when the hub
 * detaches it.
 */
export function liveEventsResponse<T>(o: LiveEventsOptions<T>): Promise<Response> {
  return serve(o, { '': { target: o.target, authorize: o.authorize, project: o.project } }, false);
}

/**
 * Several resources over one stream. Same events, each with `stream: <name>` in its data; ids
 * hold every stream's resourceVersion (encodeMultiId) so a reconnect resumes each stream. All or
 * nothing: if any stream is refused the answer is 403 with `streams: {name: {message, fallback?}}`.
 */
export function liveMultiEventsResponse(o: LiveMultiEventsOptions): Promise<Response> {
  return serve(o, o.streams, true);
}

async function serve(o: CommonOptions, streams: Record<string, LiveStream<unknown>>, multi: boolean): Promise<Response> {
  const hub = o.hub ?? getLiveHub();
  const enc = new TextEncoder();
  const maxQueued = o.maxQueuedChunks ?? 10_000;
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const unsubscribes: Array<() => void> = [];
  let ping: ReturnType<typeof setInterval> | undefined;

  const cleanup = () => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    for (const u of unsubscribes) u();
    o.request.signal.removeEventListener('abort', onAbort);
  };
  const end = () => {
    cleanup();
    try {
      ctrl.close();
    } catch {
      // already closed or cancelled
    }
  };
  function onAbort() {
    end();
  }
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      ctrl = c;
    },
    cancel() {
      cleanup();
    },
  });
  const write = (text: string) => {
    if (closed) return;
    try {
      ctrl.enqueue(enc.encode(text));
    } catch {
      cleanup();
      return;
    }
    // A browser that stopped reading must not make us buffer forever; it will reconnect and resume.
    if ((ctrl.desiredSize ?? 0) < -maxQueued) end();
  };
  const sendRaw = (event: string, dataJson: string, id?: string) => write(`event: ${event}\n${id !== undefined ? `id: ${safeId(id)}\n` : ''}data: ${dataJson}\n\n`);
  const send = (event: string, data: unknown, id?: string) => sendRaw(event, JSON.stringify(data), id);

  if (o.request.signal.aborted) {
    cleanup();
    return new Response(null, { status: 499 });
  }
  o.request.signal.addEventListener('abort', onAbort, { once: true });
  write(`retry: ${o.retryMs ?? 3_000}\n\n`);

  const lastId = lastEventIdOf(o.request);
  const resumeFrom: Record<string, string> = multi ? decodeMultiId(lastId) : lastId ? { '': lastId } : {};
  const rvs: Record<string, string> = {};
  const idAfter = (name: string, rv: string) => {
    if (!multi) return rv;
    rvs[name] = rv;
    return encodeMultiId(rvs);
  };

  const results = await Promise.allSettled(
    Object.entries(streams).map(([name, st]) => {
      const tag = <D extends object>(d: D) => (multi ? { stream: name, ...d } : d);
      const streamField = multi ? `"stream":${JSON.stringify(name)},` : '';
      return hub.subscribe(st.target, {
        authorize: st.authorize,
        resumeFrom: resumeFrom[name],
        signal: o.request.signal,
        onState: (s: LiveState) => send('state', tag(s)),
        onSnapshot: (snap) => {
          const items = snap.items.map(({ key, object }) => `{"key":${JSON.stringify(key)},"object":${dtoJson(st.project, object)}}`).join(',');
          const head = `${streamField}"resourceVersion":${JSON.stringify(snap.resourceVersion)},"reason":${JSON.stringify(snap.reason)}`;
          sendRaw('snapshot', `{${head},"items":[${items}]}`, idAfter(name, snap.resourceVersion));
        },
        onResume: (r) => {
          if (multi) rvs[name] = r.from;
          send('resume', tag(r));
        },
        onEvent: (ev) =>
          sendRaw(
            'change',
            `{${streamField}"type":"${ev.type}","key":${JSON.stringify(ev.key)},"resourceVersion":${JSON.stringify(ev.resourceVersion)},"object":${dtoJson(st.project, ev.object)}}`,
            idAfter(name, ev.resourceVersion),
          ),
        onClose: (reason) => {
          send('closed', tag({ reason }));
          end();
        },
      });
    }),
  );
  for (const r of results) if (r.status === 'fulfilled') unsubscribes.push(r.value);
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ name: Object.keys(streams)[i]!, err: r.reason as unknown }] : []));
  if (failed.length > 0) {
    end();
    const other = failed.find((f) => !(f.err instanceof LiveForbiddenError));
    // The review itself failed (e.g. the cluster rejected the user's token): the route's wrapper
    // (withStream) maps that to 401/502 as for any other cluster call.
    if (other) throw other.err;
    const errs = failed.map((f) => ({ name: f.name, err: f.err as LiveForbiddenError }));
    const allPoll = errs.every((e) => e.err.fallback === 'poll');
    const res: LiveForbiddenBody = { error: 'forbidden', message: errs.map((e) => (multi ? `${e.name}: ${e.err.message}` : e.err.message)).join(' ') };
    if (allPoll) {
      res.fallback = 'poll';
      if (o.pollUrl) res.pollUrl = o.pollUrl;
    }
    if (multi) res.streams = Object.fromEntries(errs.map((e) => [e.name, e.err.fallback ? { message: e.err.message, fallback: e.err.fallback } : { message: e.err.message }]));
    return json(403, res);
  }
  if (closed) for (const u of unsubscribes) u();
  else ping = setInterval(() => write(': ping\n\n'), o.pingMs ?? 15_000);

  return new Response(body, { status: 200, headers: SSE_HEADERS });
}

/**
 * The poll fallback: one list through the USER's own credentials (so the cluster's RBAC decides,
 * and no shared watch is kept alive for a user who may not watch). 403/401 pass through as JSON.
 */
export async function livePollResponse<T>(o: PollSpec<T> & { signal?: AbortSignal }): Promise<Response> {
  try {
    return json(200, await pollOnce(o, o.signal));
  } catch (err) {
    return pollError(err);
  }
}

/** The poll fallback of liveMultiEventsResponse: every stream listed with the user's credentials. */
export async function liveMultiPollResponse(o: { streams: Record<string, PollSpec<any>>; signal?: AbortSignal }): Promise<Response> {
  try {
    const entries = await Promise.all(Object.entries(o.streams).map(async ([name, spec]) => [name, await pollOnce(spec, o.signal)] as const));
    const body: LiveMultiPollBody = { streams: Object.fromEntries(entries) };
    return json(200, body);
  } catch (err) {
    return pollError(err);
  }
}

export interface PollSpec<T> {
  /** The USER's KubeConfig (not the dashboard's). */
  kubeConfig: KubeConfig;
  path: string;
  project: (obj: KubeObject) => T;
  pageSize?: number;
  labelSelector?: string;
  fieldSelector?: string;
}

async function pollOnce<T>(o: PollSpec<T>, signal?: AbortSignal): Promise<LivePollBody<T>> {
  const res = await listAll(o.kubeConfig, o.path, { pageSize: o.pageSize, labelSelector: o.labelSelector, fieldSelector: o.fieldSelector, signal });
  return {
    resourceVersion: res.resourceVersion,
    items: res.items.map((obj) => ({ key: objectKey(obj), object: o.project(obj) })),
    listedAt: new Date().toISOString(),
  };
}

function pollError(err: unknown): Response {
  const status = err instanceof UpstreamError ? err.status : undefined;
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (status === 401 || status === 403) return json(status, { error: status === 401 ? 'unauthenticated' : 'forbidden', message });
  return json(502, { error: 'upstream', message });
}

/** API group, plural resource and namespace of a collection path, for an access review. */
export function resourceOfPath(path: string): { group: string; version: string; resource: string; namespace?: string } {
  const segs = path.split('?')[0]!.split('/').filter(Boolean);
  let group = '';
  let rest: string[];
  let version: string;
  if (segs[0] === 'api') {
    version = segs[1] ?? '';
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    group = segs[1] ?? '';
    version = segs[2] ?? '';
    rest = segs.slice(3);
  } else {
    throw new Error(`not a resource path: ${path}`);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) return { group, version, resource: rest[2]!, namespace: rest[1]! };
  if (rest.length !== 1 || !rest[0]) throw new Error(`not a collection path: ${path}`);
  return { group, version, resource: rest[0] };
}

/**
 * Builds the hub's authorize callback from one access check per verb (e.g. canI with the user's
 * KubeConfig): list+watch → allowed; list only → refused with fallback 'poll'; else refused.
 */
export function listWatchAuthorizer(check: (verb: 'list' | 'watch') => Promise<boolean>): () => Promise<AuthorizeResult> {
  return async () => {
    const [list, watch] = await Promise.all([check('list'), check('watch')]);
    if (list && watch) return true;
    if (list) return { allowed: false, fallback: 'poll', reason: 'You may list this resource but not watch it: the page will poll.' };
    return { allowed: false, reason: 'You may not list this resource.' };
  };
}
