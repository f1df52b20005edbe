// One shared list+watch of one resource path on one cluster, with an in-memory cache: the paginated
// list gives the objects and a resourceVersion, a client-node Watch from that resourceVersion
// (with bookmarks) keeps the cache current, a dropped watch resumes from the last seen
// resourceVersion, 410 Gone relists (and turns the difference into ordinary change events so
// subscribers never need a second snapshot), errors back off with full jitter, and a watch that
// sends nothing for too long is treated as dead. It knows nothing about users: the hub authorizes.
import 'server-only';
import * as http from 'node:http';
import * as https from 'node:https';
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { backoffDelay, type BackoffOptions } from './backoff';
import { objectKey, type KubeObject, type LiveEvent, type LiveState, type LiveStateName } from './types';

export interface InformerOptions {
  /** Items per list page (limit + continue). Default 500. */
  pageSize?: number;
  backoff?: BackoffOptions;
  /** A disconnected informer reports 'reconnecting' for this long, then 'stale'. Default 10 s. */
  staleAfterMs?: number;
  /** A clean watch end reconnects at once; only if that takes longer than this do we say 'reconnecting'. Default 2 s. */
  reconnectGraceMs?: number;
  /** No event or bookmark for this long: the connection is presumed dead and replaced. Default 3 min. */
  idleTimeoutMs?: number;
  /** Watch timeoutSeconds, picked at random in [min, max] per watch as client-go's reflector does. Default 300-600 s. */
  watchTimeoutSeconds?: [number, number];
  /** How many recent changes are kept so a reconnecting browser can resume with deltas. Default 2,000. */
  historySize?: number;
  /** Timeout of one list page request. Default 30 s. */
  requestTimeoutMs?: number;
  /** A watch that lived at least this long before ending counts as healthy (resets the backoff). Default 5 s. */
  healthyAfterMs?: number;
}

export interface InformerListener {
  /** A change applied to the cache (from the watch, or from a relist's difference). */
  onEvent(ev: LiveEvent): void;
  onState(state: LiveState): void;
  /** The cache holds a complete list (called after every successful list). */
  onSync(): void;
}

/** An error from the API server with its HTTP status (kube's Status message when there is one). */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

/** Narrow a list+watch to matching objects (kube's selector syntax). */
export interface Selectors {
  labelSelector?: string;
  fieldSelector?: string;
}

interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

/**
 * Lists every page of `path` (e.g. '/api/v1/nodes') with the credentials of `kc`. Pages are asked
 * with limit + continue; the resourceVersion is that of the first page (kube keeps a paginated list
 * consistent at that version). Throws UpstreamError (410 when the continue token expired).
 */
export async function listAll(kc: KubeConfig, path: string, opts: { pageSize?: number; timeoutMs?: number; signal?: AbortSignal } & Selectors = {}): Promise<ListResult> {
  const limit = opts.pageSize ?? 500;
  const items: KubeObject[] = [];
  let cont: string | undefined;
  let resourceVersion: string | undefined;
  const seen = new Set<string>();
  for (;;) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    if (cont) q.set('continue', cont);
    const body = (await getJson(kc, `${path}?${q}`, opts.timeoutMs ?? 30_000, opts.signal)) as {
      items?: KubeObject[] | null;
      metadata?: { resourceVersion?: string; continue?: string };
    };
    for (const it of body.items ?? []) items.push(it);
    resourceVersion ??= body.metadata?.resourceVersion ?? '';
    cont = body.metadata?.continue || undefined;
    if (!cont) break;
    // A server that repeats a continue token would make us loop forever.
    if (seen.has(cont)) throw new UpstreamError(`list ${path}: the server repeated a continue token`);
    seen.add(cont);
  }
  return { items, resourceVersion: resourceVersion ?? '' };
}

/** GET with the KubeConfig's TLS and credentials, plain JSON back (no client-node model classes, so no Date fields). */
async function getJson(kc: KubeConfig, pathAndQuery: string, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new UpstreamError('no current cluster in the kubeconfig');
  const url = new URL(cluster.server.replace(/\/+$/, '') + pathAndQuery);
  const opts: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(opts);
  const mod = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { ...opts, signal, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = undefined;
        }
        if (status >= 200 && status < 300 && parsed !== undefined) return resolve(parsed);
        const msg = (parsed as { message?: string } | undefined)?.message ?? (res.statusMessage || `HTTP ${status}`);
        reject(new UpstreamError(`list ${url.pathname}: ${msg}`, status || undefined));
      });
    });
    req.on('timeout', () => req.destroy(new UpstreamError(`list ${url.pathname}: no answer in ${timeoutMs} ms`)));
    req.on('error', (e) => reject(e instanceof UpstreamError ? e : new UpstreamError(`list ${url.pathname}: ${e.message}`)));
    req.end();
  });
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';

interface HistoryEntry {
  rv: string;
  ev?: LiveEvent;
}

export class SharedInformer {
  private readonly o: Required<InformerOptions>;
  private readonly cache = new Map<string, KubeObject>();
  private rv: string | undefined;
  private synced = false;
  private st: LiveStateName = 'connecting';
  private staleSinceMs: number | null = null;
  private lastError: string | undefined;
  private history: HistoryEntry[] = [];
  private readonly listeners = new Set<InformerListener>();
  private running = false;
  /** Bumped whenever the current list or watch is superseded; callbacks of older ones are ignored. */
  private gen = 0;
  private attempt = 0;
  private watchCtrl: AbortController | undefined;
  private listCtrl: AbortController | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private graceTimer: ReturnType<typeof setTimeout> | undefined;
  private staleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly path: string,
    opts: InformerOptions = {},
    readonly selectors: Selectors = {},
  ) {
    this.o = {
      pageSize: opts.pageSize ?? 500,
      backoff: opts.backoff ?? {},
      staleAfterMs: opts.staleAfterMs ?? 10_000,
      reconnectGraceMs: opts.reconnectGraceMs ?? 2_000,
      idleTimeoutMs: opts.idleTimeoutMs ?? 180_000,
      watchTimeoutSeconds: opts.watchTimeoutSeconds ?? [300, 600],
      historySize: opts.historySize ?? 2_000,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      healthyAfterMs: opts.healthyAfterMs ?? 5_000,
    };
  }

  // ---------------- public surface ----------------

  get hasSynced(): boolean {
    return this.synced;
  }

  /** The last resourceVersion seen (list, event or bookmark). */
  get resourceVersion(): string | undefined {
    return this.rv;
  }

  get state(): LiveState {
    // While 'live' (including the brief grace of an immediate reconnect) the data is current.
    const since = this.st === 'live' || this.staleSinceMs === null ? null : new Date(this.staleSinceMs).toISOString();
    const s: LiveState = { state: this.st, staleSince: since };
    if (this.lastError && this.st !== 'live') s.error = this.lastError;
    return s;
  }

  /** The cached objects (shared, read-only: do not mutate). */
  items(): Array<{ key: string; object: KubeObject }> {
    return [...this.cache].map(([key, object]) => ({ key, object }));
  }

  get size(): number {
    return this.cache.size;
  }

  get(key: string): KubeObject | undefined {
    return this.cache.get(key);
  }

  /**
   * The changes after resourceVersion `rv`, when the recent history still reaches back that far;
   * undefined otherwise (the caller then sends a full snapshot).
   */
  changesSince(rv: string): LiveEvent[] | undefined {
    if (!this.synced) return undefined;
    if (rv === this.rv) return [];
    let i = -1;
    for (let j = this.history.length - 1; j >= 0; j--) {
      if (this.history[j]!.rv === rv) {
        i = j;
        break;
      }
    }
    if (i < 0) return undefined;
    const out: LiveEvent[] = [];
    for (let j = i + 1; j < this.history.length; j++) {
      const ev = this.history[j]!.ev;
      // Several events can share one resourceVersion (a relist's difference): skip the ones the
      // subscriber already has.
      if (ev && ev.resourceVersion !== rv) out.push(ev);
    }
    return out;
  }

  addListener(l: InformerListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.list();
  }

  /** Stops the watch and every timer and drops the cache. */
  stop(): void {
    this.running = false;
    this.gen++;
    this.watchCtrl?.abort();
    this.listCtrl?.abort();
    this.watchCtrl = this.listCtrl = undefined;
    this.clearTimers();
    this.cache.clear();
    this.history = [];
    this.synced = false;
    this.rv = undefined;
    this.listeners.clear();
  }

  /**
   * Drops the current upstream watch as if the connection had broken (operations and tests: the
   * informer must recover by itself).
   */
  dropWatch(): void {
    if (!this.watchCtrl) return;
    const g = ++this.gen;
    this.watchCtrl.abort();
    this.watchCtrl = undefined;
    this.onWatchFailed(g, new UpstreamError('watch dropped'));
  }

  // ---------------- list ----------------

  private async list(): Promise<void> {
    const g = ++this.gen;
    this.clearIdle();
    const ctrl = new AbortController();
    this.listCtrl = ctrl;
    let res: ListResult;
    try {
      res = await listAll(this.kubeConfig, this.path, { ...this.selectors, pageSize: this.o.pageSize, timeoutMs: this.o.requestTimeoutMs, signal: ctrl.signal });
    } catch (err) {
      if (g !== this.gen || !this.running) return;
      this.listCtrl = undefined;
      this.fail(err, 'list');
      return;
    }
    if (g !== this.gen || !this.running) return;
    this.listCtrl = undefined;
    this.replace(res);
    this.startWatch();
  }

  /** Installs a fresh list; after the first, the difference goes out as change events. */
  private replace(res: ListResult): void {
    const next = new Map<string, KubeObject>();
    for (const o of res.items) next.set(objectKey(o), o);
    const rv = res.resourceVersion;
    const events: LiveEvent[] = [];
    if (this.synced) {
      for (const [key, old] of this.cache) {
        if (!next.has(key)) events.push({ type: 'DELETED', key, object: old, resourceVersion: rv });
      }
      for (const [key, obj] of next) {
        const old = this.cache.get(key);
        if (!old) events.push({ type: 'ADDED', key, object: obj, resourceVersion: rv });
        else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) events.push({ type: 'MODIFIED', key, object: obj, resourceVersion: rv });
      }
    }
    this.cache.clear();
    for (const [k, v] of next) this.cache.set(k, v);
    this.rv = rv;
    for (const ev of events) this.record(ev);
    this.pushHistory({ rv });
    this.synced = true;
    for (const ev of events) this.emit((l) => l.onEvent(ev));
    this.emit((l) => l.onSync());
  }

  // ---------------- watch ----------------

  private startWatch(): void {
    const g = ++this.gen;
    const startedAt = Date.now();
    const [min, max] = this.o.watchTimeoutSeconds;
    const timeoutSeconds = Math.round(min + Math.random() * Math.max(0, max - min));
    const params: Record<string, string | number | boolean> = { allowWatchBookmarks: true, timeoutSeconds };
    if (this.selectors.labelSelector) params.labelSelector = this.selectors.labelSelector;
    if (this.selectors.fieldSelector) params.fieldSelector = this.selectors.fieldSelector;
    if (this.rv) params.resourceVersion = this.rv;
    let ended = false;
    const end = (err: unknown) => {
      if (ended) return;
      ended = true;
      if (g !== this.gen || !this.running) return;
      this.watchCtrl = undefined;
      this.clearIdle();
      const lived = Date.now() - startedAt;
      const status = (err as { statusCode?: number } | null)?.statusCode;
      if (status === 410) return this.relist(g, 'watch: 410 Gone');
      if (!err && lived >= this.o.healthyAfterMs) {
        // kube closes watches after timeoutSeconds: resume at once from the last resourceVersion.
        this.attempt = 0;
        this.disconnected(false);
        this.startWatch();
        return;
      }
      this.onWatchFailed(g, err ?? new UpstreamError('watch closed right after it opened'), lived);
    };
    const onEvent = (type: string, obj: KubeObject) => {
      if (ended || g !== this.gen) return;
      this.armIdle(g);
      this.apply(g, type, obj);
    };
    let promise: Promise<AbortController>;
    try {
      promise = new Watch(this.kubeConfig).watch(this.path, params, onEvent, end);
    } catch (err) {
      end(err);
      return;
    }
    promise.then(
      (ctrl) => {
        if (ended || g !== this.gen || !this.running) {
          ctrl.abort();
          return;
        }
        this.watchCtrl = ctrl;
        this.armIdle(g);
        this.setLive();
      },
      (err) => end(err),
    );
  }

  private apply(g: number, type: string, obj: KubeObject): void {
    switch (type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED': {
        const key = objectKey(obj);
        const rv = obj.metadata?.resourceVersion ?? this.rv ?? '';
        if (type === 'DELETED') this.cache.delete(key);
        else this.cache.set(key, obj);
        this.rv = rv;
        const ev: LiveEvent = { type, key, object: obj, resourceVersion: rv };
        this.record(ev);
        this.emit((l) => l.onEvent(ev));
        return;
      }
      case 'BOOKMARK': {
        const rv = obj.metadata?.resourceVersion;
        if (rv) {
          this.rv = rv;
          this.pushHistory({ rv });
        }
        return;
      }
      case 'ERROR': {
        const status = obj as { code?: number; reason?: string; message?: string };
        this.gen++;
        this.watchCtrl?.abort();
        this.watchCtrl = undefined;
        this.clearIdle();
        if (status.code === 410 || status.reason === 'Expired' || status.reason === 'Gone') {
          this.relist(this.gen, `watch: ${status.message ?? '410 Gone'}`);
        } else {
          this.onWatchFailed(this.gen, new UpstreamError(`watch: ${status.message ?? 'error event'}`, status.code));
        }
        return;
      }
      default:
        return;
    }
  }

  /** Our resourceVersion is too old for the server: list again (subscribers get the difference as changes). */
  private relist(g: number, why: string): void {
    if (g !== this.gen || !this.running) return;
    this.lastError = why;
    this.disconnected(false);
    void this.list();
  }

  private onWatchFailed(g: number, err: unknown, lived = 0): void {
    if (g !== this.gen || !this.running) return;
    if (lived >= this.o.healthyAfterMs) this.attempt = 0;
    this.fail(err, 'watch');
  }

  /** Any failure: say so, wait (full jitter), then list (no data yet) or resume the watch. */
  private fail(err: unknown, what: 'list' | 'watch'): void {
    const status = (err as { statusCode?: number; status?: number } | null)?.statusCode ?? (err as { status?: number } | null)?.status;
    this.lastError = `${what}: ${errText(err)}${status && !errText(err).includes(String(status)) ? ` (HTTP ${status})` : ''}`;
    this.attempt++;
    this.disconnected(true);
    const delay = backoffDelay(this.attempt, this.o.backoff);
    const g = ++this.gen;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (g !== this.gen || !this.running) return;
      // A list page 410 (expired continue) or no data at all: list from scratch; else resume.
      if (!this.synced || what === 'list' || status === 410) void this.list();
      else this.startWatch();
    }, delay);
  }

  // ---------------- state ----------------

  private setLive(): void {
    clearTimeout(this.graceTimer);
    clearTimeout(this.staleTimer);
    this.graceTimer = this.staleTimer = undefined;
    this.staleSinceMs = null;
    this.lastError = undefined;
    this.setState('live');
  }

  /**
   * The watch is down. `now`: say 'reconnecting' at once (an error); otherwise only if the
   * immediate reconnect has not succeeded within the grace period. Either way 'stale' follows.
   */
  private disconnected(now: boolean): void {
    if (this.staleSinceMs === null && this.synced) this.staleSinceMs = Date.now();
    if (!this.synced) {
      // No data yet: stay 'connecting', but subscribers should see why.
      this.emitState();
      return;
    }
    if (this.st === 'live') {
      if (now) this.setState('reconnecting');
      else if (!this.graceTimer) {
        this.graceTimer = setTimeout(() => {
          this.graceTimer = undefined;
          if (this.st === 'live' && this.staleSinceMs !== null) this.setState('reconnecting');
        }, this.o.reconnectGraceMs);
      }
    } else if (this.st === 'reconnecting' || this.st === 'stale') {
      this.emitState();
    }
    if (!this.staleTimer) {
      const since = this.staleSinceMs ?? Date.now();
      this.staleTimer = setTimeout(() => {
        this.staleTimer = undefined;
        if (this.staleSinceMs !== null && this.st !== 'stale' && this.synced) this.setState('stale');
      }, Math.max(0, since + this.o.staleAfterMs - Date.now()));
    }
  }

  private setState(s: LiveStateName): void {
    if (this.st === s) return;
    this.st = s;
    this.emitState();
  }

  private emitState(): void {
    const s = this.state;
    this.emit((l) => l.onState(s));
  }

  private armIdle(g: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (g !== this.gen || !this.running) return;
      // Nothing (not even a bookmark) for too long: a half-open connection looks exactly like
      // this, and so does a quiet resource on a server that sends no bookmarks. Either way a new
      // watch from the last resourceVersion loses nothing, so replace it at once and only report
      // 'reconnecting' if that does not succeed within the grace period.
      this.gen++;
      this.watchCtrl?.abort();
      this.watchCtrl = undefined;
      this.lastError = `watch: no data from the API server for ${Math.round(this.o.idleTimeoutMs / 1000)} s`;
      this.disconnected(false);
      this.startWatch();
    }, this.o.idleTimeoutMs);
  }

  private clearIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private clearTimers(): void {
    for (const t of [this.retryTimer, this.idleTimer, this.graceTimer, this.staleTimer]) clearTimeout(t);
    this.retryTimer = this.idleTimer = this.graceTimer = this.staleTimer = undefined;
  }

  // ---------------- history and fan-out ----------------

  private record(ev: LiveEvent): void {
    this.pushHistory({ rv: ev.resourceVersion, ev });
  }

  private pushHistory(e: HistoryEntry): void {
    this.history.push(e);
    // Trim in batches so a busy resource does not shift the array on every event.
    if (this.history.length > this.o.historySize * 1.25) this.history.splice(0, this.history.length - this.o.historySize);
  }

  private emit(fn: (l: InformerListener) => void): void {
    for (const l of [...this.listeners]) {
      try {
        fn(l);
      } catch (err) {
        console.error(`[live] a subscriber of ${this.path} failed: ${errText(err)}`);
      }
    }
  }
}
