// Verifying service-account tokens as kube-apiserver does: jwtTokenAuthenticator.AuthenticateToken
// (pkg/serviceaccount/jwt.go: unverified iss → key by kid → signature → iss → audiences) followed by
// the bound-token validator (claims.go Validate: 60 s leeway, service account and bound objects
// still present with the same UID), plus the TokenReview answer with kube's exact error wording.
import { compactVerify } from 'jose';
import type { UserInfo } from '../auth';
import { badRequest } from '../errors';
import { makeUsername } from './claims';
import type { TokenObjectGetter, ObjLike } from './issue';
import type { VerificationKey } from './keys';

/** go-jose's jwt.DefaultLeeway. */
export const LEEWAY_SECONDS = 60;
/** What each bearer-token wrapper substitutes when no authenticator claimed a token. */
export const INVALID_BEARER_TOKEN = 'invalid bearer token';
/** go-jose's ErrCryptoFailure as kube-apiserver reports a bad signature. */
export const CRYPTO_FAILURE = 'square/go-jose: error in cryptographic primitive';

export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

export interface ReviewEnv {
  /** Trusted --service-account-issuer values. */
  issuers: string[];
  /** --api-audiences (implicit audiences); kube defaults them to all issuers. */
  apiAudiences?: string[];
  keys: VerificationKey[];
  nowMs: number;
  objects: TokenObjectGetter;
}

export type AuthResult =
  | { ok: true; user: UserInfo; audiences: string[] }
  /** error null: the token is not a service-account token of this cluster ("not mine"). */
  | { ok: false; error: string | null };

function b64urlDecode(s: string): Buffer | null {
  // Go's base64.RawURLEncoding: URL alphabet, no padding, and a final group of 1 char is invalid.
  if (!/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) return null;
  return Buffer.from(s, 'base64url');
}

function decodeJsonSegment(s: string): Record<string, unknown> | null {
  const raw = b64urlDecode(s);
  if (!raw) return null;
  try {
    const v: unknown = JSON.parse(raw.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Go's %q on a []string: ["a" "b"]. */
function goQuoteList(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

interface PrivateRef {
  name?: string;
  uid?: string;
}

function refOf(v: unknown): PrivateRef | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  return { name: typeof o.name === 'string' ? o.name : '', uid: typeof o.uid === 'string' ? o.uid : '' };
}

function numericDate(v: unknown): number | undefined {
  return typeof v === 'number' ? Math.trunc(v) : undefined;
}

function deletedBefore(obj: ObjLike, cutoffMs: number): boolean {
  const ts = obj.metadata.deletionTimestamp;
  return typeof ts === 'string' && Date.parse(ts) < cutoffMs;
}

/**
 * Authenticates a bearer token as a service-account token. requestedAudiences undefined means the
 * API audiences (a plain API request); TokenReview passes spec.audiences when set.
 */
export async function authenticateServiceAccountToken(token: string, env: ReviewEnv, requestedAudiences?: string[]): Promise<AuthResult> {
  const issuers = new Set(env.issuers);
  const implicitAuds = env.apiAudiences ?? env.issuers;

  // hasCorrectIssuer: peek at the unverified iss; anything else is not ours to judge.
  if (token.trim().startsWith('{')) return { ok: false, error: null };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, error: null };
  const unverified = decodeJsonSegment(parts[1]!);
  if (!unverified || typeof unverified.iss !== 'string' || !issuers.has(unverified.iss)) return { ok: false, error: null };

  // jwt.ParseSigned: a malformed header or signature segment also means "not mine".
  const header = decodeJsonSegment(parts[0]!);
  if (!header || typeof header.alg !== 'string' || b64urlDecode(parts[2]!) === null) return { ok: false, error: null };

  const kid = typeof header.kid === 'string' ? header.kid : '';
  const candidates = kid === '' ? env.keys : env.keys.filter((k) => k.kid === kid);
  if (candidates.length === 0) return { ok: false, error: 'invalid signature, no keys found' };

  const errs: string[] = [];
  let verified = false;
  for (const key of candidates) {
    try {
      await compactVerify(token, key.publicKey, { algorithms: [key.alg] });
      verified = true;
      break;
    } catch {
      // go-jose's DetachedVerify turns every verification failure (wrong key type, alg, bytes)
      // into ErrCryptoFailure; the aggregate then dedupes the per-key errors.
      errs.push(CRYPTO_FAILURE);
    }
  }
  if (!verified) return { ok: false, error: aggregate(errs) };

  const claims = unverified; // now verified: the payload segment is what was signed
  const iss = claims.iss as string;
  if (!issuers.has(iss)) return { ok: false, error: `token issuer ${JSON.stringify(iss)} is invalid` };

  let tokenAudiences: string[] =
    typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud.filter((a): a is string => typeof a === 'string') : [];
  if (tokenAudiences.length === 0) tokenAudiences = [...implicitAuds]; // legacy tokens: API audiences only
  const requested = requestedAudiences && requestedAudiences.length > 0 ? requestedAudiences : implicitAuds;
  const auds = tokenAudiences.filter((a) => requested.includes(a));
  if (auds.length === 0 && implicitAuds.length !== 0) {
    return { ok: false, error: `token audiences ${goQuoteList(tokenAudiences)} is invalid for the target audiences ${goQuoteList(requested)}` };
  }

  // claims.go Validate: go-jose checks nbf, exp, iat with a one-minute leeway.
  const nowMs = env.nowMs;
  const leewayMs = LEEWAY_SECONDS * 1000;
  const nbf = numericDate(claims.nbf);
  const exp = numericDate(claims.exp);
  const iat = numericDate(claims.iat);
  if (nbf !== undefined && nowMs + leewayMs < nbf * 1000) return { ok: false, error: 'service account token is not valid yet' };
  if (exp !== undefined && nowMs - leewayMs > exp * 1000) return { ok: false, error: 'service account token has expired' };
  if (iat !== undefined && nowMs + leewayMs < iat * 1000) return { ok: false, error: 'service account token is issued in the future' };

  const k = (claims['kubernetes.io'] ?? {}) as Record<string, unknown>;
  const namespace = typeof k.namespace === 'string' ? k.namespace : '';
  const saref = refOf(k.serviceaccount) ?? { name: '', uid: '' };
  const podref = refOf(k.pod);
  const secref = refOf(k.secret);
  const noderef = refOf(k.node);
  const cutoff = nowMs - leewayMs;

  const sa = env.objects.serviceAccount(namespace, saref.name ?? '');
  if (!sa) return { ok: false, error: `serviceaccounts ${JSON.stringify(saref.name ?? '')} not found` };
  if ((sa.metadata.uid ?? '') !== saref.uid) {
    return { ok: false, error: `service account UID (${sa.metadata.uid ?? ''}) does not match claim (${saref.uid ?? ''})` };
  }
  if (deletedBefore(sa, cutoff)) return { ok: false, error: `service account ${namespace}/${saref.name ?? ''} has been deleted` };

  const invalidated = { ok: false as const, error: 'service account token has been invalidated' };
  if (secref) {
    const s = env.objects.secret(namespace, secref.name ?? '');
    if (!s) return invalidated;
    if (secref.uid !== (s.metadata.uid ?? '')) {
      return { ok: false, error: `secret UID (${s.metadata.uid ?? ''}) does not match service account secret ref claim (${secref.uid ?? ''})` };
    }
    if (deletedBefore(s, cutoff)) return invalidated;
  }

  let podName = '';
  let podUID = '';
  if (podref) {
    const p = env.objects.pod(namespace, podref.name ?? '');
    if (!p) return invalidated;
    if (podref.uid !== (p.metadata.uid ?? '')) {
      return { ok: false, error: `pod UID (${p.metadata.uid ?? ''}) does not match service account pod ref claim (${podref.uid ?? ''})` };
    }
    if (deletedBefore(p, cutoff)) return invalidated;
    podName = podref.name ?? '';
    podUID = podref.uid ?? '';
  }

  let nodeName = '';
  let nodeUID = '';
  if (noderef) {
    if (podref) {
      // Pod-bound: the node ref is informational, never checked.
      nodeName = noderef.name ?? '';
      nodeUID = noderef.uid ?? '';
    } else {
      const n = env.objects.node(noderef.name ?? '');
      if (!n) return invalidated;
      if (noderef.uid !== (n.metadata.uid ?? '')) {
        return { ok: false, error: `node UID (${n.metadata.uid ?? ''}) does not match service account node ref claim (${noderef.uid ?? ''})` };
      }
      if (deletedBefore(n, cutoff)) return invalidated;
      nodeName = noderef.name ?? '';
      nodeUID = noderef.uid ?? '';
    }
  }

  const jti = typeof claims.jti === 'string' ? claims.jti : '';
  // util.go UserInfo(); extra keys in the order Go's map encoding prints them (sorted).
  const extra: Record<string, string[]> = {};
  if (jti) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${jti}`];
  if (nodeName) {
    extra[EXTRA_NODE_NAME] = [nodeName];
    if (nodeUID) extra[EXTRA_NODE_UID] = [nodeUID];
  }
  if (podName && podUID) {
    extra[EXTRA_POD_NAME] = [podName];
    extra[EXTRA_POD_UID] = [podUID];
  }
  const user: UserInfo = {
    username: makeUsername(namespace, saref.name ?? ''),
    uid: saref.uid ?? '',
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
  if (Object.keys(extra).length > 0) user.extra = extra;
  return { ok: true, user, audiences: auds };
}

/** utilerrors.NewAggregate(...).Error(): deduplicated, "[a, b]" for more than one distinct message. */
export function aggregate(msgs: string[]): string {
  const seen = [...new Set(msgs)];
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

/**
 * The message an API client sees in TokenReview status.error: the request authenticator is
 * union(loopback bearer, bearer(token authenticators)) and every wrapper that got "not mine"
 * substitutes "invalid bearer token", so errors read "[invalid bearer token, <err>]".
 */
export function reviewErrorMessage(result: AuthResult): string | undefined {
  if (result.ok) return undefined;
  return result.error === null ? INVALID_BEARER_TOKEN : aggregate([INVALID_BEARER_TOKEN, result.error]);
}

export interface TokenReviewStatus {
  authenticated?: true;
  user: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  error?: string;
}

export interface TokenReviewObject {
  kind: 'TokenReview';
  apiVersion: 'authentication.k8s.io/v1';
  metadata: { creationTimestamp: null };
  spec: { token: string; audiences?: string[] };
  status: TokenReviewStatus;
}

/**
 * POST /apis/authentication.k8s.io/v1/tokenreviews (tokenreview/storage.go). `fallback` lets the
 * caller run the cluster's other authenticators (static tokens) the way kube's union would.
 */
export async function reviewToken(
  env: ReviewEnv,
  body: unknown,
  opts: { namespace?: string; fallback?: (token: string, audiences: string[]) => Promise<{ user: UserInfo; audiences: string[] } | null> } = {},
): Promise<TokenReviewObject> {
  if (opts.namespace) throw badRequest(`namespace is not allowed on this type: ${opts.namespace}`);
  const b = (body && typeof body === 'object' ? body : {}) as { spec?: { token?: string; audiences?: string[] | null } };
  const token = b.spec?.token ?? '';
  if (token.length === 0) throw badRequest('token is required for TokenReview in authentication');
  const specAuds = b.spec?.audiences && b.spec.audiences.length > 0 ? [...b.spec.audiences] : undefined;

  const spec: TokenReviewObject['spec'] = { token };
  if (specAuds) spec.audiences = specAuds;
  const out: TokenReviewObject = {
    kind: 'TokenReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: { user: {} },
  };

  const result = await authenticateServiceAccountToken(token, env, specAuds);
  if (result.ok) {
    out.status = { authenticated: true, user: userJson(result.user), audiences: result.audiences };
    return out;
  }
  if (result.error === null && opts.fallback) {
    const other = await opts.fallback(token, specAuds ?? env.apiAudiences ?? env.issuers);
    if (other) {
      out.status = { authenticated: true, user: userJson(other.user), audiences: other.audiences };
      return out;
    }
  }
  out.status = { user: {}, error: reviewErrorMessage(result)! };
  return out;
}

function userJson(u: UserInfo): TokenReviewStatus['user'] {
  const o: TokenReviewStatus['user'] = { username: u.username };
  if (u.uid) o.uid = u.uid;
  o.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length > 0) {
    const sorted: Record<string, string[]> = {};
    for (const k of Object.keys(u.extra).sort()) sorted[k] = [...u.extra[k]!];
    o.extra = sorted;
  }
  return o;
}
