// The rules of a service account issuer change, pure and isomorphic (the form checks as the user
// types; the route handlers check again before they patch): what the API accepts (any string),
// what the kube-apiserver operator accepts (checkIssuer: a value with ':' must parse as a Go URL),
// what the ServiceAccountIssuerController does with the trusted list (active first, previous one
// trusted with an expiry, at most 10), and advice about OIDC discovery.

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc';
export const MAX_TRUSTED_ISSUERS = 10;
/** The word the user types to confirm going back to the default issuer. */
export const DEFAULT_CONFIRMATION = 'default';

export interface TrustedIssuerEntry {
  name: string;
  /** null for the active issuer. */
  expirationTime: string | null;
}

export type FindingLevel = 'block' | 'warn' | 'info';

export interface Finding {
  level: FindingLevel;
  code: string;
  message: string;
}

export interface IssuerCheck {
  /** The issuer the operator would make active ("" → the default). */
  desired: string;
  toDefault: boolean;
  findings: Finding[];
  blocked: boolean;
  /** status.serviceAccountIssuers as the operator would write it after the change. */
  projected: TrustedIssuerEntry[];
  /** Discovery (/.well-known/openid-configuration) served after the change. */
  discovery: boolean;
}

// ---- Go net/url.Parse, as far as its errors go (checkIssuer quotes them) --------------------------

function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

const isHex = (c: string | undefined) => !!c && /^[0-9a-fA-F]$/.test(c);
const HOST_OK = /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/;
type Mode = 'host' | 'path' | 'fragment' | 'userinfo';

function unescapeCheck(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      if (mode === 'host' && parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== '%25') return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      i += 2;
    } else if (mode === 'host' && ch.charCodeAt(0) < 0x80 && !HOST_OK.test(ch)) {
      return `invalid character ${goQuote(ch)} in host name`;
    }
  }
  return undefined;
}

const validOptionalPort = (p: string) => p === '' || (p[0] === ':' && /^[0-9]*$/.test(p.slice(1)));

function hostError(host: string): string | undefined {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) return "missing ']' in host";
    const port = host.slice(i + 1);
    if (!validOptionalPort(port)) return `invalid port ${goQuote(port)} after host`;
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1 && !validOptionalPort(host.slice(i))) return `invalid port ${goQuote(host.slice(i))} after host`;
  }
  return unescapeCheck(host, 'host');
}

function authorityError(authority: string): string | undefined {
  const at = authority.lastIndexOf('@');
  const e = hostError(at < 0 ? authority : authority.slice(at + 1));
  if (e || at < 0) return e;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return 'net/url: invalid userinfo';
  return unescapeCheck(userinfo, 'userinfo');
}

function splitScheme(raw: string): { scheme: string; rest: string } | string {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') return i === 0 ? 'missing protocol scheme' : { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

/** Go's url.Parse: undefined when it parses, else its error text (`parse "<url>": <why>`). */
export function goUrlParseError(rawURL: string): string | undefined {
  const hashAt = rawURL.indexOf('#');
  const u = hashAt < 0 ? rawURL : rawURL.slice(0, hashAt);
  const frag = hashAt < 0 ? '' : rawURL.slice(hashAt + 1);
  const err = ((): string | undefined => {
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(u)) return 'net/url: invalid control character in URL';
    if (u === '*') return undefined;
    const sch = splitScheme(u);
    if (typeof sch === 'string') return sch;
    let rest = sch.rest;
    if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1);
    else if (rest.includes('?')) rest = rest.slice(0, rest.indexOf('?'));
    if (!rest.startsWith('/')) {
      if (sch.scheme !== '') return undefined; // opaque, e.g. "urn:x"
      if (rest.split('/')[0]!.includes(':')) return 'first path segment in URL cannot contain colon';
    }
    if ((sch.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
      let authority = rest.slice(2);
      let path = '';
      const i = authority.indexOf('/');
      if (i >= 0) {
        path = authority.slice(i);
        authority = authority.slice(0, i);
      }
      const e = authorityError(authority);
      if (e) return e;
      rest = path;
    }
    return unescapeCheck(rest, 'path');
  })();
  if (err) return `parse ${goQuote(u)}: ${err}`;
  if (frag) {
    const fe = unescapeCheck(frag, 'fragment');
    if (fe) return `parse ${goQuote(rawURL)}: ${fe}`;
  }
  return undefined;
}

/** The operator's checkIssuer: undefined when acceptable, else the message it degrades with. */
export function checkIssuer(issuer: string): string | undefined {
  if (!issuer.includes(':')) return undefined;
  const e = goUrlParseError(issuer);
  return e ? `service-account issuer contained a ':' but was not a valid URL: ${e}` : undefined;
}

/**
 * Why kube-apiserver would not serve OIDC discovery for this issuer (NewOpenIDMetadataProvider), or
 * null when it would: the issuer must be https, without query or fragment.
 */
export function discoveryProblem(issuer: string): string | null {
  let u: URL;
  try {
    u = new URL(issuer);
  } catch {
    return `issuer URL must use https scheme, got: ${issuer}`;
  }
  if (u.protocol !== 'https:') return `issuer URL must use https scheme, got: ${issuer}`;
  if (u.search !== '') return `issuer URL may not include a query, got: ${issuer}`;
  if (u.hash !== '') return `issuer URL may not include a fragment, got: ${issuer}`;
  return null;
}

export const effectiveIssuer = (spec: string | null | undefined): string => (spec ? spec : DEFAULT_ISSUER);

/**
 * status.serviceAccountIssuers after the operator has seen `desired` (current code, 4.20+): the new
 * one active, the old active one trusted with an expiry, the others kept (the desired one taken out).
 */
export function projectTrustedList(current: readonly TrustedIssuerEntry[], desired: string, expiresAt: string): TrustedIssuerEntry[] {
  const active = current.find((i) => !i.expirationTime)?.name ?? '';
  if (desired === active) return current.map((i) => ({ ...i }));
  const out: TrustedIssuerEntry[] = [{ name: desired, expirationTime: null }];
  for (const i of current) {
    if (i.name === desired) continue;
    if (!i.expirationTime && i.name === active) out.push({ name: active, expirationTime: expiresAt });
    else out.push({ ...i });
  }
  return out;
}

export interface CheckContext {
  /** spec.serviceAccountIssuer as stored ("" when unset). */
  specIssuer: string;
  /** status.serviceAccountIssuers in the cluster's order. */
  trusted: readonly TrustedIssuerEntry[];
  /** For the projected expiry; the cluster's time when known. */
  nowMs: number;
}

/** Everything the form and the route handlers need to say about a proposed spec.serviceAccountIssuer. */
export function checkIssuerChange(input: string, ctx: CheckContext): IssuerCheck {
  const findings: Finding[] = [];
  const add = (level: FindingLevel, code: string, message: string) => findings.push({ level, code, message });
  const toDefault = input === '';
  const desired = effectiveIssuer(input);
  const currentDesired = effectiveIssuer(ctx.specIssuer);
  const active = ctx.trusted.find((i) => !i.expirationTime)?.name ?? currentDesired;

  if (input === ctx.specIssuer || desired === currentDesired) {
    add(
      'block',
      'no-op',
      input === ctx.specIssuer
        ? 'This is the current value of spec.serviceAccountIssuer: applying it would change nothing.'
        : `This is the issuer already in effect (${desired}): the operator would do nothing.`,
    );
  }

  const op = checkIssuer(input);
  if (op) {
    add('block', 'invalid-url', `The API server would store this value, but the kube-apiserver operator rejects it and reports Degraded: ${op}`);
  }
  if (input !== input.trim()) add('warn', 'whitespace', 'The value has leading or trailing spaces; they become part of the issuer (the iss claim) exactly as typed.');

  const disc = discoveryProblem(desired);
  if (toDefault) {
    add('info', 'default', `An empty value goes back to the default issuer ${DEFAULT_ISSUER}, served by the API server itself. The current issuer then stays trusted for 24 hours too: the operator records its expiration time in the KubeAPIServer status, like any other change.`);
  } else if (!op) {
    if (disc) {
      add('warn', 'no-discovery', `Not an https URL without query or fragment, so the API server disables OIDC discovery: /.well-known/openid-configuration and /openid/v1/jwks answer 404 and no jwks_uri is set (${disc}). Token consumers that verify signatures through discovery (Vault, cloud IAM) cannot use it. The operator's advice: the issuer should be a valid HTTPS URL per the OpenID Discovery spec.`);
    } else {
      add('info', 'discovery', `Token consumers must be able to reach ${desired.replace(/\/+$/, '')}/.well-known/openid-configuration and the jwks_uri it names (${desired.replace(/\/+$/, '')}/openid/v1/jwks, which the operator sets as --service-account-jwks-uri); publish the cluster's discovery documents there.`);
      if (/\/$/.test(desired)) add('warn', 'trailing-slash', 'The issuer ends with "/": tokens carry it exactly so, and consumers compare it byte for byte with their configured issuer.');
    }
  }

  const previous = ctx.trusted.find((i) => i.name === desired && i.expirationTime);
  if (previous) add('info', 'was-trusted', `${desired} is still trusted as a previous issuer (until ${previous.expirationTime}); it becomes the active issuer again.`);

  const projected = projectTrustedList(ctx.trusted.length ? ctx.trusted : [{ name: active, expirationTime: null }], desired, new Date(ctx.nowMs + 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  if (projected.length > MAX_TRUSTED_ISSUERS) {
    add('block', 'too-many', `The change would make ${projected.length} trusted issuers; the operator allows at most ${MAX_TRUSTED_ISSUERS} at a time ("unable to configure more than 10 trusted service account issuers at the time, please wait until old issuers expire").`);
  }

  return { desired, toDefault, findings, blocked: findings.some((f) => f.level === 'block'), projected, discovery: !disc };
}

/** The rules in the shape lib/k8s/issuer's changeIssuer takes (the route handlers pass this). */
export function changeVerdict(input: string, ctx: CheckContext): { blocked: boolean; message: string; findings: Finding[] } {
  const r = checkIssuerChange(input, ctx);
  return { blocked: r.blocked, message: r.findings.filter((f) => f.level === 'block').map((f) => f.message).join(' '), findings: r.findings };
}

/** What the user must type to confirm: the new issuer, or "default" to clear it. */
export function expectedConfirmation(input: string): string {
  return input === '' ? DEFAULT_CONFIRMATION : input;
}

function shellSingleQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The equivalent commands, with the value JSON-encoded inside the patch and shell-quoted. */
export function patchCommands(input: string): { oc: string; kubectl: string } {
  const patch = JSON.stringify({ spec: { serviceAccountIssuer: input } });
  return {
    oc: `oc patch authentication.config.openshift.io cluster --type=merge -p ${shellSingleQuote(patch)}`,
    kubectl: `kubectl patch authentication.config.openshift.io cluster --type=merge -p ${shellSingleQuote(patch)}`,
  };
}

/** The procedure's IMPORTANT note, verbatim. */
export const IMPORTANT_NOTE = [
  'If you change the service account issuer to a custom one, the previous service account issuer is still trusted for the next 24 hours.',
  'You can force all holders to request a new bound token either by manually restarting all pods in the cluster or by performing a rolling node restart. Before performing either action, wait for a new revision of the Kubernetes API server pods to roll out with your service account issuer changes.',
] as const;
