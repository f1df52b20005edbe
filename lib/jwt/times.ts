// Token times for humans and for the timeline picture: absolute (UTC and local) and relative
// ("expires in 42 min"), the kubelet's refresh point and the 3607-second extension. `now` is always a
// parameter so the functions stay pure. Facts: kube-tokens.md §4 (3607/warnafter) and §5 (kubelet
// token_manager.go: refresh when older than 80 % of expirationSeconds or older than 24 h).

import type { JsonObject } from './decode';

export const KUBELET_MAX_TTL_SECONDS = 24 * 60 * 60;
export const WARN_ONLY_SECONDS = 3607;
export const EXTENSION_SECONDS = 365 * 24 * 60 * 60;
export const LEEWAY_SECONDS = 60;

export type Now = Date | number;

/** `now` in seconds (float) from a Date or epoch milliseconds. */
export function nowSeconds(now: Now): number {
  return (typeof now === 'number' ? now : now.getTime()) / 1000;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A NumericDate claim as seconds, or undefined when absent or not a finite number. */
export function numericDate(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export interface RefreshPoint {
  /** Seconds since epoch when the kubelet starts trying to replace the token (ignoring its ≤10 s jitter). */
  at: number;
  basis: '80%' | '24h';
  /** expirationSeconds as the kubelet requested it: 3607 for extended tokens, not the JWT lifetime. */
  requestedSeconds: number;
  /** True when the token is pod-bound, i.e. a projected token the kubelet manages. */
  kubeletManaged: boolean;
}

export interface TokenTimes {
  iat?: number;
  nbf?: number;
  exp?: number;
  warnafter?: number;
  /** exp − iat. */
  lifetimeSeconds?: number;
  /** True when warnafter marks the 3607-second request extended to a longer exp. */
  extended: boolean;
  refresh?: RefreshPoint;
  /** Claims present but not numbers, by name. */
  invalid: string[];
}

export function tokenTimes(payload: JsonObject): TokenTimes {
  const p: JsonObject = isObject(payload) ? payload : {};
  const k8s = isObject(p['kubernetes.io']) ? (p['kubernetes.io'] as JsonObject) : {};
  const t: TokenTimes = { extended: false, invalid: [] };
  for (const key of ['iat', 'nbf', 'exp'] as const) {
    const v = numericDate(p[key]);
    if (v !== undefined) t[key] = v;
    else if (p[key] !== undefined) t.invalid.push(key);
  }
  const wa = numericDate(k8s.warnafter);
  if (wa !== undefined) t.warnafter = wa;
  else if (k8s.warnafter !== undefined) t.invalid.push('kubernetes.io.warnafter');
  if (t.iat !== undefined && t.exp !== undefined) t.lifetimeSeconds = t.exp - t.iat;
  if (t.warnafter !== undefined && t.exp !== undefined && t.warnafter < t.exp) t.extended = true;
  if (t.iat !== undefined) {
    // The kubelet works from TokenRequest.spec.expirationSeconds; for an extended token that is the
    // 3607 s it asked for (= warnafter − iat), not the one-year JWT lifetime.
    const requested = t.extended && t.warnafter !== undefined ? t.warnafter - t.iat : t.lifetimeSeconds;
    if (requested !== undefined && requested > 0) {
      const eightyPercent = requested - Math.trunc((requested * 20) / 100);
      const basis = eightyPercent <= KUBELET_MAX_TTL_SECONDS ? '80%' : '24h';
      t.refresh = {
        at: t.iat + Math.min(eightyPercent, KUBELET_MAX_TTL_SECONDS),
        basis,
        requestedSeconds: requested,
        kubeletManaged: isObject(k8s.pod),
      };
    }
  }
  return t;
}

const UNITS: [number, string, string][] = [
  [365 * 24 * 3600, 'year', 'years'],
  [30 * 24 * 3600, 'month', 'months'],
  [24 * 3600, 'day', 'days'],
  [3600, 'hour', 'hours'],
  [60, 'min', 'min'],
  [1, 'second', 'seconds'],
];

/** A duration in the largest unit that gives at least 2 (or exactly 1), rounded down: "42 min", "3 days". */
export function formatDuration(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  if (!Number.isFinite(s)) return 'forever';
  for (const [size, one, many] of UNITS) {
    const n = Math.floor(s / size);
    // Prefer "90 min" over "1 hour", "36 hours" over "1 day": two units of the next size down read better.
    if (n >= 2 || (n === 1 && (s % size === 0 || size === 1))) return `${n} ${n === 1 ? one : many}`;
  }
  return `${s} seconds`;
}

/** "in 42 min" / "3 days ago" / "now" for a point `at` (seconds) seen from `now`. */
export function formatRelative(at: number, now: Now): string {
  const delta = at - nowSeconds(now);
  if (Math.abs(delta) < 1) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

export type TimePoint = 'iat' | 'nbf' | 'exp' | 'warnafter' | 'refresh';

/** The sentence for one point: "expires in 42 min", "expired 3 days ago", "issued 5 min ago", … */
export function describeTime(point: TimePoint, at: number, now: Now): string {
  const future = at > nowSeconds(now);
  const rel = formatRelative(at, now);
  switch (point) {
    case 'exp': return future ? `expires ${rel}` : `expired ${rel}`;
    case 'iat': return future ? `issued ${rel} (in the future)` : `issued ${rel}`;
    case 'nbf': return future ? `becomes valid ${rel}` : `valid since ${rel}`;
    case 'warnafter': return future ? `counted as stale ${rel}` : `stale since ${rel}`;
    case 'refresh': return future ? `kubelet refreshes it ${rel}` : `kubelet refresh due since ${rel}`;
  }
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** "2023-03-23 03:57:10 UTC" (numeric dates are whole seconds; fractions are dropped). */
export function formatUtc(seconds: number): string {
  const d = new Date(Math.floor(seconds) * 1000);
  if (Number.isNaN(d.getTime())) return 'invalid date';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

/** Local time in the given IANA zone (default: the runtime's zone). The caller decides which zone to
 * use on the server so that server and browser render the same text. */
export function formatLocal(seconds: number, timeZone?: string, locale = 'en-GB'): string {
  const d = new Date(Math.floor(seconds) * 1000);
  if (Number.isNaN(d.getTime())) return 'invalid date';
  try {
    return new Intl.DateTimeFormat(locale, {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short', hour12: false,
    }).format(d);
  } catch {
    return formatUtc(seconds);
  }
}

export interface TimelinePoint {
  key: 'iat' | 'now' | 'refresh' | 'warnafter' | 'exp';
  at: number;
  /** Position on the bar, 0 = iat, 1 = exp; clamped to [0, 1]. */
  fraction: number;
  /** Set when the point lies outside iat…exp and was pinned to an end. */
  clamped?: 'before' | 'after';
  label: string;
}

export interface Timeline {
  start: number;
  end: number;
  points: TimelinePoint[];
  /** Notes for the picture: the 3607 case, the kubelet refresh basis. */
  notes: string[];
}

/** Timeline data from iat to exp for an SVG; null without both (legacy tokens never expire). */
export function timeline(payload: JsonObject, now: Now): Timeline | null {
  const t = tokenTimes(payload);
  if (t.iat === undefined || t.exp === undefined || t.exp <= t.iat) return null;
  const start = t.iat;
  const end = t.exp;
  const nowS = nowSeconds(now);
  const mk = (key: TimelinePoint['key'], at: number, label: string): TimelinePoint => {
    const raw = (at - start) / (end - start);
    const p: TimelinePoint = { key, at, fraction: Math.min(1, Math.max(0, raw)), label };
    if (raw < 0) p.clamped = 'before';
    else if (raw > 1) p.clamped = 'after';
    return p;
  };
  const points: TimelinePoint[] = [mk('iat', t.iat, describeTime('iat', t.iat, now))];
  const notes: string[] = [];
  if (t.refresh) {
    points.push(mk('refresh', t.refresh.at, describeTime('refresh', t.refresh.at, now)));
    const who = t.refresh.kubeletManaged ? 'The kubelet' : 'A kubelet (if this were a projected pod token)';
    notes.push(t.refresh.basis === '80%'
      ? `${who} replaces the token after 80 % of the ${t.refresh.requestedSeconds} s it requested (${formatDuration(t.refresh.at - t.iat)} after issue).`
      : `${who} replaces the token after 24 h, before 80 % of its ${formatDuration(t.refresh.requestedSeconds)} lifetime.`);
  }
  if (t.warnafter !== undefined) points.push(mk('warnafter', t.warnafter, describeTime('warnafter', t.warnafter, now)));
  if (t.extended && t.warnafter !== undefined) {
    notes.push(`Requested for ${t.warnafter - t.iat} s but valid for ${formatDuration(t.exp - t.iat)}: the API server extends pod tokens requested for exactly 3607 s (--service-account-extend-token-expiration, on by default; OpenShift always keeps it on) so that clients that never re-read the token file keep working; uses after warnafter are logged as stale, while the kubelet refreshes the file after about ${formatDuration(t.refresh ? t.refresh.at - t.iat : 2886)}.`);
  }
  points.push(mk('exp', t.exp, describeTime('exp', t.exp, now)));
  points.push(mk('now', nowS, 'now'));
  return { start, end, points, notes };
}

/** When the kubelet replaces a projected token of `expirationSeconds` (seconds after issue, no jitter). */
export function kubeletRefreshSeconds(expirationSeconds: number): number {
  return Math.min(expirationSeconds - Math.trunc((expirationSeconds * 20) / 100), KUBELET_MAX_TTL_SECONDS);
}

export interface ProjectionAdvice {
  code: 'below-minimum' | 'above-maximum' | 'extended-3607' | 'frequent-rotation' | 'long-lived';
  severity: 'error' | 'warning' | 'info';
  message: string;
}

/** Advice for a serviceAccountToken projection's expirationSeconds (validation limits from
 * pkg/apis/core/validation; 3607 extension from token.go; refresh from token_manager.go). */
export function projectionAdvice(expirationSeconds: number, opts: { customAudience?: boolean } = {}): ProjectionAdvice[] {
  const out: ProjectionAdvice[] = [];
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < 600) {
    out.push({ code: 'below-minimum', severity: 'error', message: 'may not specify a duration less than 10 minutes (600 s minimum)' });
    return out;
  }
  if (expirationSeconds > 2 ** 32) {
    out.push({ code: 'above-maximum', severity: 'error', message: 'may not specify a duration larger than 2^32 seconds' });
    return out;
  }
  const refresh = kubeletRefreshSeconds(expirationSeconds);
  if (expirationSeconds === WARN_ONLY_SECONDS) {
    out.push({ code: 'extended-3607', severity: 'warning', message: opts.customAudience
      ? '3607 s is the value of the auto-injected kube-api-access volume; with a custom audience the API server does NOT extend it, so it really lasts 3607 s'
      : `3607 s is special: for the API server's own audiences the token's exp becomes one year (warnafter = iat + 3607 s) while the kubelet still refreshes it after ${formatDuration(refresh)}` });
  }
  if (refresh < 15 * 60) {
    out.push({ code: 'frequent-rotation', severity: 'warning', message: `the kubelet rotates this token every ${formatDuration(refresh)}: every pod using it asks the API server for a new token that often, and clients must re-read the file` });
  }
  if (expirationSeconds > KUBELET_MAX_TTL_SECONDS) {
    out.push({ code: 'long-lived', severity: 'info', message: `valid ${formatDuration(expirationSeconds)}, but the kubelet still replaces it after 24 h; a copy taken out of the pod stays usable that long` });
  }
  return out;
}
