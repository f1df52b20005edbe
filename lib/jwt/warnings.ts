// Findings about a decoded token, each with a stable code (for tests and UI logic) and a severity:
// validity in time (with the API server's 60 s leeway), algorithm, issuer against the cluster's current
// and previous issuers, audiences against the API audiences or the one the user typed, age. They are
// advice about the claims; signature checks live in verify.ts. Never throws.

import type { JsonObject } from './decode';
import { audiencesOf, classifyToken, type Classification } from './claims';
import { formatDuration, formatRelative, formatUtc, LEEWAY_SECONDS, nowSeconds, tokenTimes, KUBELET_MAX_TTL_SECONDS, type Now } from './times';

export type Severity = 'error' | 'warning' | 'info';

export type WarningCode =
  | 'expired'
  | 'expired-within-leeway'
  | 'not-yet-valid'
  | 'issued-in-future'
  | 'never-expires'
  | 'alg-none'
  | 'alg-hmac'
  | 'alg-not-kubernetes'
  | 'issuer-mismatch'
  | 'issuer-previous'
  | 'issuer-trust-ended'
  | 'audience-not-api'
  | 'audience-mismatch'
  | 'older-than-24h'
  | 'stale'
  | 'legacy-token'
  | 'not-kubernetes'
  | 'claims-inconsistent'
  | 'claim-not-number'
  /** Added by inspectToken from the decoder: the signature part itself is broken. */
  | 'signature-malformed';

export interface TokenWarning {
  code: WarningCode;
  severity: Severity;
  message: string;
}

export interface TrustedIssuer {
  name: string;
  /** RFC 3339 time or epoch ms after which the cluster stops trusting this previous issuer. */
  expirationTime?: string | number;
}

export interface WarningContext {
  currentIssuer?: string;
  trustedIssuers?: TrustedIssuer[];
  apiAudiences?: string[];
  expectedAudience?: string;
}

const KUBE_ALGS = ['RS256', 'ES256', 'ES384', 'ES512'];

function toSeconds(t: string | number | undefined): number | undefined {
  if (t === undefined) return undefined;
  const ms = typeof t === 'number' ? t : Date.parse(t);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function tokenWarnings(header: JsonObject, payload: JsonObject, now: Now, ctx: WarningContext = {}): TokenWarning[] {
  const out: TokenWarning[] = [];
  const add = (code: WarningCode, severity: Severity, message: string) => out.push({ code, severity, message });
  const h: JsonObject = isObject(header) ? header : {};
  const p: JsonObject = isObject(payload) ? payload : {};
  const c: Classification = classifyToken(p);
  const t = tokenTimes(p);
  const n = nowSeconds(now);

  const alg = typeof h.alg === 'string' ? h.alg : '';
  if (alg.toLowerCase() === 'none') add('alg-none', 'error', 'alg is "none": the token is unsigned and anyone could have written it; no Kubernetes API server accepts it');
  else if (/^HS\d+$/i.test(alg)) add('alg-hmac', 'error', `alg ${alg} is a shared-secret HMAC: Kubernetes never signs service account tokens that way (RS256/ES256/ES384/ES512 only), and whoever can verify it can also forge it`);
  else if (alg && !KUBE_ALGS.includes(alg)) add('alg-not-kubernetes', 'warning', `alg ${alg} is not one Kubernetes issues (RS256, ES256, ES384, ES512); only an external signer could produce it`);

  for (const name of t.invalid) add('claim-not-number', 'error', `${name} is not a number of seconds (NumericDate): the API server rejects the token`);

  if (c.kind === 'not-kubernetes') add('not-kubernetes', 'info', `not a Kubernetes service account token: ${c.reason}`);
  if (c.kind === 'legacy') add('legacy-token', 'warning', 'legacy Secret-based token: never expires, valid as long as its Secret exists; Kubernetes no longer creates these automatically (1.24+) and marks unused ones invalid after a year (1.29+). Prefer a bound token (TokenRequest).');
  for (const problem of c.problems) add('claims-inconsistent', 'warning', problem);

  if (t.exp !== undefined) {
    if (n >= t.exp + LEEWAY_SECONDS) add('expired', 'error', `expired ${formatRelative(t.exp, now)} (${formatUtc(t.exp)})`);
    else if (n >= t.exp) add('expired-within-leeway', 'warning', `expired ${formatRelative(t.exp, now)}; the API server still accepts it for ${Math.ceil(t.exp + LEEWAY_SECONDS - n)} s of clock-skew leeway`);
  } else if (p.exp === undefined) {
    add('never-expires', c.kind === 'bound' ? 'error' : 'warning', c.kind === 'legacy'
      ? 'never expires: legacy tokens have no exp; it stays valid until its Secret or service account is deleted'
      : 'never expires: no exp claim');
  }
  if (t.nbf !== undefined && t.nbf > n + LEEWAY_SECONDS) add('not-yet-valid', 'error', `not valid yet: nbf is ${formatRelative(t.nbf, now)} (${formatUtc(t.nbf)}), beyond the 60 s leeway — a clock is wrong somewhere`);
  if (t.iat !== undefined && t.iat > n + LEEWAY_SECONDS) add('issued-in-future', 'error', `issued in the future: iat is ${formatRelative(t.iat, now)} (${formatUtc(t.iat)}), beyond the 60 s leeway — a clock is wrong somewhere`);
  if (t.warnafter !== undefined && n > t.warnafter && (t.exp === undefined || n < t.exp)) {
    add('stale', 'warning', `past warnafter (${formatUtc(t.warnafter)}, ${formatRelative(t.warnafter, now)}): still accepted until exp, but every use is recorded as a stale token — the client is not re-reading the refreshed token file`);
  }
  if (t.iat !== undefined && n - t.iat > KUBELET_MAX_TTL_SECONDS && (t.exp === undefined || n < t.exp)) {
    const pod = c.binding === 'pod';
    add('older-than-24h', pod ? 'warning' : 'info', `older than 24 h (issued ${formatDuration(n - t.iat)} ago)${pod ? ': the kubelet replaces projected tokens within 24 h, so this copy was taken out of the pod or is not being refreshed' : ''}`);
  }

  // Issuer: legacy tokens go through the legacy authenticator, whose issuer is fixed.
  if (c.kind !== 'legacy' && c.issuer !== undefined && ctx.currentIssuer !== undefined && c.issuer !== ctx.currentIssuer) {
    const prev = ctx.trustedIssuers?.find((i) => i.name === c.issuer);
    const until = toSeconds(prev?.expirationTime);
    if (prev && until !== undefined && n >= until) {
      add('issuer-trust-ended', 'error', `issued by the previous issuer ${c.issuer}, which the cluster stopped trusting ${formatRelative(until, now)} (${formatUtc(until)}); current issuer: ${ctx.currentIssuer}`);
    } else if (prev) {
      add('issuer-previous', 'warning', until !== undefined
        ? `issued by the previous issuer ${c.issuer}: trusted until ${formatUtc(until)} (${formatRelative(until, now)}), then rejected; current issuer: ${ctx.currentIssuer}`
        : `issued by the previous issuer ${c.issuer}, still trusted; current issuer: ${ctx.currentIssuer}`);
    } else {
      add('issuer-mismatch', 'error', `issuer ${c.issuer} is not this cluster's (current issuer ${ctx.currentIssuer}${ctx.trustedIssuers?.length ? `, also trusted: ${ctx.trustedIssuers.map((i) => i.name).join(', ')}` : ''}): the API server ignores the token`);
    }
  }

  // Legacy tokens have no aud; the API server treats them as meant for itself.
  const auds = audiencesOf(p);
  if (ctx.apiAudiences && ctx.apiAudiences.length > 0 && c.kind === 'bound' && !auds.some((a) => ctx.apiAudiences!.includes(a))) {
    add('audience-not-api', 'warning', `audiences ${JSON.stringify(auds)} include none of the API audiences ${JSON.stringify(ctx.apiAudiences)}: the API server rejects it as a credential; fine for the service it was requested for`);
  }
  if (ctx.expectedAudience && !auds.includes(ctx.expectedAudience)) {
    add('audience-mismatch', 'error', auds.length === 0
      ? `no aud claim, so "${ctx.expectedAudience}" is not among its audiences`
      : `"${ctx.expectedAudience}" is not among the token's audiences ${JSON.stringify(auds)}: that service will reject it`);
  }
  return out;
}
