// The cluster-kube-apiserver-operator's ServiceAccountIssuerController as a pure function: how
// kubeapiserver/cluster status.serviceAccountIssuers follows authentication/cluster
// spec.serviceAccountIssuer (active first, previous trusted for 24 h, pruning, cap of 10).

import type { ServiceAccountIssuerStatus } from './types';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc';
export const TRUSTED_ISSUER_TTL_MS = 24 * 60 * 60 * 1000;
export const MAX_TRUSTED_ISSUERS = 10;
export const TOO_MANY_ISSUERS =
  'unable to configure more than 10 trusted service account issuers at the time, please wait until old issuers expire';

export interface OperatorEvent {
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
}

export interface IssuerSyncResult {
  issuers: ServiceAccountIssuerStatus[];
  changed: boolean;
  events: OperatorEvent[];
  error?: string;
}

export interface IssuerSyncOptions {
  /** ≤4.19 behaviour (before OCPBUGS-76588): "" or an empty status resets the list to the default alone. */
  legacyReset?: boolean;
  /** Simulated ms at which the operator process started, for Go's `m=+…` monotonic suffix. */
  processStartMs?: number;
}

/** RFC 3339 seconds, as metav1.Time serialises. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Go's time.Time.String() for a UTC time that carries a monotonic reading. */
export function goTimeString(ms: number, processStartMs?: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const base = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  const frac = d.getUTCMilliseconds() ? '.' + p(d.getUTCMilliseconds(), 3).replace(/0+$/, '') : '';
  let s = `${base}${frac} +0000 UTC`;
  if (processStartMs !== undefined) {
    const mono = Math.max(0, ms - processStartMs) / 1000;
    s += ` m=+${mono.toFixed(9)}`;
  }
  return s;
}

export function desiredIssuer(specIssuer: string | undefined): string {
  return specIssuer ? specIssuer : DEFAULT_ISSUER;
}

export function activeIssuer(list: readonly ServiceAccountIssuerStatus[] | undefined): string {
  return list?.find((i) => !i.expirationTime)?.name ?? '';
}

/** The kube-apiserver `--service-account-issuer` (= `--api-audiences`) values: active first, then trusted in status order. */
export function issuerFlags(list: readonly ServiceAccountIssuerStatus[] | undefined): string[] {
  if (!list || list.length === 0) return [DEFAULT_ISSUER];
  const active = list.filter((i) => !i.expirationTime).map((i) => i.name);
  const trusted = list.filter((i) => !!i.expirationTime).map((i) => i.name);
  const out: string[] = [];
  for (const n of [...active.slice(0, 1), ...trusted]) if (!out.includes(n)) out.push(n);
  return out.length ? out : [DEFAULT_ISSUER];
}

export function syncServiceAccountIssuers(
  current: readonly ServiceAccountIssuerStatus[] | undefined,
  specIssuer: string | undefined,
  nowMs: number,
  opts: IssuerSyncOptions = {},
): IssuerSyncResult {
  const list = (current ?? []).map((i) => ({ ...i }));
  const isDefaultOnly = list.length === 1 && list[0]!.name === DEFAULT_ISSUER && !list[0]!.expirationTime;
  if (!specIssuer && isDefaultOnly) return { issuers: list, changed: false, events: [] };

  if (opts.legacyReset && (!specIssuer || list.length === 0)) {
    return {
      issuers: [{ name: DEFAULT_ISSUER }],
      changed: true,
      events: [{ reason: 'ServiceAccountIssuer', message: `Issuer set to default value "${DEFAULT_ISSUER}"` }],
    };
  }

  const desired = desiredIssuer(specIssuer);
  const active = activeIssuer(list);
  if (desired === active) {
    const kept = list.filter((i) => !i.expirationTime || Date.parse(i.expirationTime) > nowMs);
    const pruned = list.filter((i) => !kept.includes(i)).map((i) => i.name);
    if (pruned.length === 0) return { issuers: list, changed: false, events: [] };
    return {
      issuers: kept,
      changed: true,
      events: [{ reason: 'ServiceAccountIssuer', message: `The following service account issuers were pruned and are no longer trusted: ${pruned.join(',')}` }],
    };
  }

  // makeActiveIssuerTrusted(old=active, new=desired)
  const expMs = nowMs + TRUSTED_ISSUER_TTL_MS;
  const updated: ServiceAccountIssuerStatus[] = [{ name: desired }];
  for (const i of list) {
    if (i.name === desired) continue;
    if (!i.expirationTime && i.name === active) updated.push({ name: active, expirationTime: rfc3339(expMs) });
    else updated.push(i);
  }
  if (updated.length > MAX_TRUSTED_ISSUERS) return { issuers: list, changed: false, events: [], error: TOO_MANY_ISSUERS };
  let message = `Desired ServiceAccountIssuer "${desired}" is now active issuer.`;
  if (active !== '') message += ` Previous issuer "${active}" is trusted until ${goTimeString(expMs, opts.processStartMs)}.`;
  return { issuers: updated, changed: true, events: [{ reason: 'ServiceAccountIssuer', message }] };
}

/** The earliest expirationTime in the list (ms), for scheduling the prune resync. */
export function nextExpiryMs(list: readonly ServiceAccountIssuerStatus[] | undefined): number | undefined {
  let min: number | undefined;
  for (const i of list ?? []) {
    if (!i.expirationTime) continue;
    const t = Date.parse(i.expirationTime);
    if (min === undefined || t < min) min = t;
  }
  return min;
}
