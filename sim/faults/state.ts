// The fault state machine of the demo cluster: which request faults are active (fail the next N,
// latency, hang), what a request arriving now gets, and when each fault ends. Pure apart from the
// injected wall clock: faults model what a client sees on the wire, so their durations are real
// time, not the simulated Clock (a "20 s hang" must outlast a 10 s client timeout at any DEMO_SPEED).

export type FailCode = 500 | 503 | 429;

export interface FailSpec {
  count: number;
  code: FailCode;
  /** Seconds in the Retry-After header (and details.retryAfterSeconds); 429 defaults to 1. */
  retryAfterSeconds?: number;
  /** Only requests whose path starts with this (e.g. "/api/v1/pods" or "/apis/apps"). */
  pathPrefix?: string;
  /** Only this kube verb (get, list, watch, create, update, patch, delete, deletecollection) or HTTP method. */
  verb?: string;
  /** The detail of a 500 (kube prefixes it with "Internal error occurred: "). */
  message?: string;
}

export interface LatencySpec {
  ms: number;
  jitterMs?: number;
  /** Real seconds; absent = until cleared. */
  durationSeconds?: number;
}

export interface HangSpec {
  durationSeconds: number;
}

export type RequestFault =
  | ({ id: string; type: 'fail'; remaining: number; createdAt: string } & FailSpec)
  | ({ id: string; type: 'latency'; createdAt: string; expiresAt?: string } & LatencySpec)
  | ({ id: string; type: 'hang'; createdAt: string; expiresAt: string } & HangSpec);

/** What the middleware does with one request. */
export interface Verdict {
  /** Hold the request until this wall-clock ms (a hang), then go on. */
  holdUntilMs?: number;
  /** Extra delay after the hold. */
  delayMs: number;
  /** Answer with this failure instead of serving the request. */
  fail?: { code: FailCode; retryAfterSeconds?: number; message?: string; faultId: string };
}

export const KUBE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The kube verb of a request, as the apiserver's RequestInfo derives it. */
export function kubeVerb(method: string, path: string, hasName: boolean, query: URLSearchParams): string {
  const m = method.toUpperCase();
  const isWatch = /^\/(api\/v1|apis\/[^/]+\/[^/]+)\/watch\//.test(path) || ['1', 'true'].includes(query.get('watch') ?? '');
  if (m === 'GET' || m === 'HEAD') return isWatch ? 'watch' : hasName ? 'get' : 'list';
  if (m === 'POST') return 'create';
  if (m === 'PUT') return 'update';
  if (m === 'PATCH') return 'patch';
  if (m === 'DELETE') return hasName ? 'delete' : 'deletecollection';
  return m.toLowerCase();
}

export class FaultState {
  private faults: RequestFault[] = [];
  private seq = 0;
  /** Fires when a hang is cleared early, so held requests go on at once. */
  private releaseListeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  private id(type: string): string {
    return `${type}-${++this.seq}`;
  }

  private iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  private prune(): void {
    const t = this.now();
    this.faults = this.faults.filter((f) => {
      if (f.type === 'fail') return f.remaining > 0;
      if (f.expiresAt !== undefined) return Date.parse(f.expiresAt) > t;
      return true;
    });
  }

  addFail(spec: FailSpec): RequestFault {
    const f: RequestFault = { id: this.id('fail'), type: 'fail', remaining: spec.count, createdAt: this.iso(this.now()), ...spec };
    if (spec.code === 429 && f.retryAfterSeconds === undefined) f.retryAfterSeconds = 1;
    this.faults.push(f);
    return { ...f };
  }

  addLatency(spec: LatencySpec): RequestFault {
    const t = this.now();
    const f: RequestFault = { id: this.id('latency'), type: 'latency', createdAt: this.iso(t), ...spec };
    if (spec.durationSeconds !== undefined) f.expiresAt = this.iso(t + spec.durationSeconds * 1000);
    this.faults.push(f);
    return { ...f };
  }

  addHang(spec: HangSpec): RequestFault {
    const t = this.now();
    const f: RequestFault = { id: this.id('hang'), type: 'hang', createdAt: this.iso(t), expiresAt: this.iso(t + spec.durationSeconds * 1000), ...spec };
    this.faults.push(f);
    return { ...f };
  }

  list(): RequestFault[] {
    this.prune();
    return this.faults.map((f) => ({ ...f }));
  }

  /** Removes one fault (true if it was active) or, without an id, all of them (how many). */
  clear(id?: string): number {
    this.prune();
    const before = this.faults.length;
    this.faults = id === undefined ? [] : this.faults.filter((f) => f.id !== id);
    const removed = before - this.faults.length;
    if (removed > 0) for (const l of [...this.releaseListeners]) l();
    return removed;
  }

  /** Subscribes to "hangs may have ended early" (a clear); returns the unsubscribe. */
  onRelease(fn: () => void): () => void {
    this.releaseListeners.add(fn);
    return () => this.releaseListeners.delete(fn);
  }

  /** End of the longest active hang, if any (re-read after a clear). */
  hangUntil(): number | undefined {
    this.prune();
    let until: number | undefined;
    for (const f of this.faults) if (f.type === 'hang') until = Math.max(until ?? 0, Date.parse(f.expiresAt));
    return until;
  }

  /**
   * Decides what a request arriving now gets. A fail fault is consumed at arrival (first matching
   * fault first), so "the next N requests" are counted in arrival order even with latency on.
   */
  decide(req: { method: string; path: string; verb: string }, random: () => number = Math.random): Verdict {
    this.prune();
    const v: Verdict = { delayMs: 0 };
    const hang = this.hangUntil();
    if (hang !== undefined) v.holdUntilMs = hang;
    for (const f of this.faults) {
      if (f.type === 'latency') v.delayMs += f.ms + (f.jitterMs ? Math.round(random() * f.jitterMs) : 0);
    }
    const fail = this.faults.find((f) => f.type === 'fail' && f.remaining > 0 && matches(f, req));
    if (fail && fail.type === 'fail') {
      fail.remaining--;
      v.fail = { code: fail.code, faultId: fail.id, ...(fail.retryAfterSeconds !== undefined ? { retryAfterSeconds: fail.retryAfterSeconds } : {}), ...(fail.message ? { message: fail.message } : {}) };
      this.prune();
    }
    return v;
  }
}

function matches(f: FailSpec, req: { method: string; path: string; verb: string }): boolean {
  if (f.pathPrefix && !req.path.startsWith(f.pathPrefix)) return false;
  if (f.verb) {
    const want = f.verb;
    if (HTTP_METHODS.includes(want.toUpperCase()) && want === want.toUpperCase()) return req.method.toUpperCase() === want;
    return req.verb === want.toLowerCase();
  }
  return true;
}

/** "800ms", "20s", "2m", "1h", "1m30s" or a bare number of seconds → seconds. */
export function parseDurationSeconds(s: string): number {
  const t = s.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t))) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600;
    pos = re.lastIndex;
  }
  if (pos === 0 || pos !== t.length) throw new Error(`invalid duration "${s}": use e.g. 500ms, 20s, 2m, 1h30m`);
  return total;
}
