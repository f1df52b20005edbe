// Browser side of the live plumbing, framework-free: an EventSource wrapper that keeps the current
// items by key and an honest state ('live' only while both the browser's stream and the server's
// upstream watch are up; 'reconnecting' then 'stale since ...' otherwise), and switches to polling
// when the server says the user may list but not watch. The UI wraps it in a hook
// (useSyncExternalStore(client.subscribe, client.getView)).
import type { LiveForbiddenBody, LiveMultiPollBody, LivePollBody, LiveState, SseChangeData, SseResumeData, SseSnapshotData } from './types';

export type ClientStateName = 'connecting' | 'live' | 'reconnecting' | 'stale' | 'polling';

export interface LiveStreamView<T> {
  state: ClientStateName;
  /** ISO time since when the data may be behind the cluster (null while live or polling fine). */
  staleSince: string | null;
  error?: string;
  /** Items by key ("namespace/name" or "name"); a new Map whenever something changed. */
  data: ReadonlyMap<string, T>;
  /** False until the first snapshot (or poll) arrived. */
  loaded: boolean;
  resourceVersion?: string;
  /** Polling: when the last successful list was taken. */
  updatedAt?: string;
}

/**
 * The whole view. For a single-resource endpoint the top level is that resource; for a
 * multi-stream endpoint (option `streams`) each stream is in `streams`, and the top level sums
 * them up: the worst state, the earliest staleSince, loaded when all are, `data` of the first.
 */
export interface LiveView<T> extends LiveStreamView<T> {
  streams: Readonly<Record<string, LiveStreamView<T>>>;
}

/** The subset of the DOM EventSource we use (so tests and non-browser callers can pass their own). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  addEventListener(type: string, fn: (ev: { data: string; lastEventId?: string }) => void): void;
  close(): void;
}

export interface LiveClientOptions {
  EventSource?: new (url: string) => EventSourceLike;
  fetch?: typeof fetch;
  /** Disconnected this long → 'stale'. Default 10 s. */
  staleAfterMs?: number;
  /** Poll interval in the list-only fallback. Default 10 s. */
  pollMs?: number;
  /** After a hard failure (not a 403/401), reopen the stream after this long. Default 5 s. */
  reopenMs?: number;
  /** Stream names of a multi-stream endpoint (liveMultiEventsResponse); omit for a single resource. */
  streams?: string[];
}

export interface LiveClient<T> {
  getView(): LiveView<T>;
  subscribe(listener: () => void): () => void;
  close(): void;
}

const CLOSED = 2;

/** A relative poll URL is relative to the stream's URL (itself relative to the page in a browser). */
function resolveUrl(u: string, against: string): string {
  try {
    const page = (globalThis as unknown as { location?: { href?: string } }).location?.href;
    return new URL(u, new URL(against, page)).toString();
  } catch {
    return u;
  }
}

interface StreamRec<T> {
  data: Map<string, T>;
  loaded: boolean;
  rv?: string;
  server: LiveState;
}

const RANK: Record<ClientStateName, number> = { live: 0, polling: 1, connecting: 2, reconnecting: 3, stale: 4 };

export function connectLive<T>(url: string, opts: LiveClientOptions = {}): LiveClient<T> {
  const ES = opts.EventSource ?? (globalThis as unknown as { EventSource?: new (url: string) => EventSourceLike }).EventSource;
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const staleAfterMs = opts.staleAfterMs ?? 10_000;
  if (!ES) throw new Error('EventSource is not available here');
  const multi = !!opts.streams?.length;
  const names = multi ? opts.streams! : [''];

  const recs = new Map<string, StreamRec<T>>(names.map((n) => [n, { data: new Map(), loaded: false, server: { state: 'connecting', staleSince: null } }]));
  let connected = false;
  let disconnectedAt: number | null = null;
  let mode: 'stream' | 'poll' | 'failed' = 'stream';
  let pollState: { ok: boolean; updatedAt?: string; lastOk?: number; error?: string } = { ok: false };
  let failure: string | undefined;
  let closed = false;
  let es: EventSourceLike | undefined;
  let staleTimer: ReturnType<typeof setTimeout> | undefined;
  let pollTimer: ReturnType<typeof setInterval> | undefined;
  let reopenTimer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();
  let view: LiveView<T> = compute();
  let notifyQueued = false;

  function streamView(r: StreamRec<T>): LiveStreamView<T> {
    const base = { data: r.data as ReadonlyMap<string, T>, loaded: r.loaded, ...(r.rv !== undefined ? { resourceVersion: r.rv } : {}) };
    if (mode === 'poll') {
      if (pollState.ok) return { ...base, state: 'polling', staleSince: null, ...(pollState.updatedAt ? { updatedAt: pollState.updatedAt } : {}) };
      const since = pollState.lastOk ? new Date(pollState.lastOk).toISOString() : null;
      return { ...base, state: r.loaded ? 'stale' : 'connecting', staleSince: since, ...(pollState.error ? { error: pollState.error } : {}) };
    }
    const server = r.server;
    if (!connected || mode === 'failed') {
      const at = disconnectedAt ?? Date.now();
      const serverSince = server.staleSince ? Date.parse(server.staleSince) : Infinity;
      const since = new Date(Math.min(at, serverSince)).toISOString();
      const err = failure ?? server.error;
      if (!r.loaded) return { ...base, state: 'connecting', staleSince: null, ...(err ? { error: err } : {}) };
      const stale = mode === 'failed' || Date.now() - at >= staleAfterMs || server.state === 'stale';
      return { ...base, state: stale ? 'stale' : 'reconnecting', staleSince: since, ...(err ? { error: err } : {}) };
    }
    const v: LiveStreamView<T> = { ...base, state: r.loaded ? server.state : 'connecting', staleSince: server.staleSince };
    if (server.error) v.error = server.error;
    return v;
  }

  function compute(): LiveView<T> {
    const streams: Record<string, LiveStreamView<T>> = {};
    for (const [n, r] of recs) streams[n] = streamView(r);
    const all = Object.values(streams);
    const first = streams[names[0]!]!;
    if (!multi) return { ...first, streams };
    const worst = all.reduce((a, b) => (RANK[b.state] > RANK[a.state] ? b : a), first);
    const sinces = all.map((v) => v.staleSince).filter((x): x is string => x !== null).sort();
    const v: LiveView<T> = { ...first, state: worst.state, staleSince: sinces[0] ?? null, loaded: all.every((x) => x.loaded), streams };
    const err = all.find((x) => x.error)?.error;
    if (err) v.error = err;
    else delete v.error;
    return v;
  }

  function changed() {
    view = compute();
    if (notifyQueued) return;
    notifyQueued = true;
    // Coalesce a burst (a snapshot followed by many changes) into one render.
    queueMicrotask(() => {
      notifyQueued = false;
      for (const l of [...listeners]) l();
    });
  }

  /** Parses an event and finds its stream ('' for a single-resource endpoint). */
  const parse = <D>(ev: { data: string }): { d: D; r: StreamRec<T> } | undefined => {
    try {
      const d = JSON.parse(ev.data) as D & { stream?: string };
      const r = recs.get(multi ? (d.stream ?? '') : '');
      return r ? { d, r } : undefined;
    } catch {
      return undefined;
    }
  };

  function open() {
    if (closed) return;
    mode = 'stream';
    failure = undefined;
    const s = new ES!(url);
    es = s;
    s.onopen = () => {
      connected = true;
      disconnectedAt = null;
      clearTimeout(staleTimer);
      changed();
    };
    s.onerror = () => {
      if (es !== s) return;
      if (connected || disconnectedAt === null) disconnectedAt = Date.now();
      connected = false;
      clearTimeout(staleTimer);
      staleTimer = setTimeout(changed, staleAfterMs);
      if (s.readyState === CLOSED) void probe(s);
      changed();
    };
    s.addEventListener('state', (ev) => {
      const p = parse<LiveState>(ev);
      if (!p) return;
      p.r.server = { state: p.d.state, staleSince: p.d.staleSince, ...(p.d.error ? { error: p.d.error } : {}) };
      changed();
    });
    s.addEventListener('snapshot', (ev) => {
      const p = parse<SseSnapshotData<T>>(ev);
      if (!p) return;
      p.r.data = new Map(p.d.items.map((i) => [i.key, i.object]));
      p.r.rv = p.d.resourceVersion;
      p.r.loaded = true;
      changed();
    });
    s.addEventListener('resume', (ev) => {
      const p = parse<SseResumeData>(ev);
      if (p && p.d.missed === 0) {
        p.r.rv = p.d.resourceVersion;
        changed();
      }
    });
    s.addEventListener('change', (ev) => {
      const p = parse<SseChangeData<T>>(ev);
      if (!p) return;
      const next = new Map(p.r.data);
      if (p.d.type === 'DELETED') next.delete(p.d.key);
      else next.set(p.d.key, p.d.object);
      p.r.data = next;
      p.r.rv = p.d.resourceVersion;
      changed();
    });
  }

  /** EventSource gave up (an HTTP error): ask the route why, with fetch, to read its JSON. */
  async function probe(s: EventSourceLike) {
    s.close();
    if (closed || es !== s) return;
    const ac = new AbortController();
    let status = 0;
    let body: Partial<LiveForbiddenBody> & { message?: string } = {};
    try {
      const res = await doFetch(url, { headers: { Accept: 'application/json' }, signal: ac.signal, credentials: 'same-origin' });
      status = res.status;
      if (status === 200) ac.abort(); // the stream works again: do not read it here
      else body = (await res.json().catch(() => ({}))) as typeof body;
    } catch (err) {
      if (!ac.signal.aborted) body = { message: err instanceof Error ? err.message : String(err) };
    }
    if (closed || es !== s) return;
    if (status === 403 && body.fallback === 'poll' && body.pollUrl) return startPolling(resolveUrl(body.pollUrl, url));
    mode = 'failed';
    failure = body.message ?? (status ? `HTTP ${status}` : 'the live stream is unavailable');
    changed();
    // Refusals stay refused until the page reloads; anything else is worth another try.
    if (status !== 401 && status !== 403) reopenTimer = setTimeout(open, opts.reopenMs ?? 5_000);
  }

  function startPolling(pollUrl: string) {
    mode = 'poll';
    const tick = async () => {
      try {
        const res = await doFetch(pollUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        const body = (await res.json()) as (LivePollBody<T> | LiveMultiPollBody) & { message?: string };
        if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
        if (closed) return;
        const parts: Array<[string, LivePollBody<T> | undefined]> = multi
          ? names.map((n) => [n, (body as LiveMultiPollBody).streams?.[n] as LivePollBody<T> | undefined])
          : [['', body as LivePollBody<T>]];
        let listedAt = '';
        for (const [n, b] of parts) {
          const r = recs.get(n);
          if (!r || !b) continue;
          r.data = new Map(b.items.map((i) => [i.key, i.object]));
          r.rv = b.resourceVersion;
          r.loaded = true;
          listedAt = b.listedAt;
        }
        pollState = { ok: true, updatedAt: listedAt, lastOk: Date.parse(listedAt) || Date.now() };
      } catch (err) {
        pollState = { ...pollState, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      changed();
    };
    void tick();
    pollTimer = setInterval(() => void tick(), opts.pollMs ?? 10_000);
  }

  open();

  return {
    getView: () => view,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close() {
      closed = true;
      es?.close();
      clearTimeout(staleTimer);
      clearTimeout(reopenTimer);
      clearInterval(pollTimer);
      listeners.clear();
    },
  };
}
