// Issuing bound service-account tokens: the JWS exactly as kube-apiserver's jwtTokenGenerator
// signs it (header {"alg","kid"} only, go-jose's sorted compact payload) and the TokenRequest
// subresource (pkg/registry/core/serviceaccount/storage/token.go, v1.30–1.33 behaviour): defaults,
// validation, bound objects, the 3607-second extension and the response object.
import { CompactSign } from 'jose';
import { badRequest, conflict, internalError, invalid, notFound, type StatusError } from '../errors';
import { buildClaims, canonicalJson, EXPIRATION_EXTENSION_SECONDS, WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS, type BoundTokenClaims, type ObjectRef } from './claims';
import type { SigningKey } from './keys';

/** The slice of an API object the token code reads. */
export interface ObjLike {
  metadata: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: string | null };
  spec?: { serviceAccountName?: string; nodeName?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** Live lookups of the objects tokens are bound to (the store, in the demo cluster). */
export interface TokenObjectGetter {
  serviceAccount(namespace: string, name: string): ObjLike | undefined;
  pod(namespace: string, name: string): ObjLike | undefined;
  secret(namespace: string, name: string): ObjLike | undefined;
  node(name: string): ObjLike | undefined;
}

/** Signs claims into a compact JWS with kube's exact bytes: header {"alg","kid"}, sorted payload. */
export async function signToken(signer: SigningKey, claims: BoundTokenClaims | Record<string, unknown>): Promise<string> {
  const payload = new TextEncoder().encode(canonicalJson(claims));
  // CompactSign serializes the protected header with JSON.stringify in insertion order: alg, kid.
  return new CompactSign(payload).setProtectedHeader({ alg: signer.alg, kid: signer.kid }).sign(signer.privateKey);
}

export const TOKEN_REQUEST_KIND = 'TokenRequest.authentication.k8s.io';
export const MIN_TOKEN_AGE_SECONDS = 10 * 60;
export const MAX_TOKEN_AGE_SECONDS = 2 ** 32;
export const DEFAULT_EXPIRATION_SECONDS = 60 * 60;

export interface BoundObjectReference {
  kind?: string;
  apiVersion?: string;
  name?: string;
  uid?: string;
}

export interface TokenRequestObject {
  kind: 'TokenRequest';
  apiVersion: 'authentication.k8s.io/v1';
  metadata: { name: string; namespace: string; creationTimestamp: string };
  // audiences, expirationSeconds and boundObjectRef have no omitempty: an unbound request shows boundObjectRef: null
  spec: { audiences: string[]; expirationSeconds: number; boundObjectRef: BoundObjectReference | null };
  status: { token: string; expirationTimestamp: string };
}

export interface TokenRequestEnv {
  signer: SigningKey;
  /** --service-account-issuer values; the first one signs. */
  issuers: string[];
  /** --api-audiences; kube defaults them to all issuers. */
  apiAudiences?: string[];
  nowMs: number;
  objects: TokenObjectGetter;
  /** --service-account-max-token-expiration in seconds; 0/undefined = unset (OpenShift's default). */
  maxExpirationSeconds?: number;
  /** --service-account-extend-token-expiration, default true. */
  extendExpiration?: boolean;
}

export interface TokenRequestResult {
  object: TokenRequestObject;
  /** Sent as `Warning: 299 - "..."` headers. */
  warnings: string[];
  /** The issued token's claims (for callers that record metadata; never log the token). */
  claims: BoundTokenClaims;
}

/** RFC3339 with seconds precision, as metav1.Time marshals. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Go's %v/%d of a field value in field.Invalid's "Invalid value: ..." (strings quoted). */
function fieldValue(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function invalidNoName(kind: string, causes: { field: string; message: string }[]): StatusError {
  const err = invalid(kind, '', causes);
  // kube's StatusDetails.name is omitempty: an unnamed Invalid carries no "name" key.
  if (err.details && err.details.name === '') delete err.details.name;
  return err;
}

function isKubeAudiences(apiAudiences: string[], requested: string[]): boolean {
  const set = new Set(apiAudiences);
  return requested.every((a) => set.has(a));
}

/** schema.FromAPIVersionAndKind(...).String() — e.g. "/v1, Kind=ConfigMap", "apps/v1, Kind=Deployment". */
function gvkString(apiVersion: string, kind: string): string {
  const i = apiVersion.indexOf('/');
  const group = i < 0 ? '' : apiVersion.slice(0, i);
  const version = i < 0 ? apiVersion : apiVersion.slice(i + 1);
  return `${group}/${version}, Kind=${kind}`;
}

function groupOf(apiVersion: string | undefined): string {
  const av = apiVersion ?? '';
  const i = av.indexOf('/');
  return i < 0 ? '' : av.slice(0, i);
}

/**
 * POST /api/v1/namespaces/{namespace}/serviceaccounts/{name}/token, in token.go's order of checks.
 * Throws StatusError with kube's codes and messages.
 */
export async function createTokenRequest(env: TokenRequestEnv, namespace: string, name: string, body: unknown): Promise<TokenRequestResult> {
  const req = (body && typeof body === 'object' ? body : {}) as {
    metadata?: { name?: string; namespace?: string };
    spec?: { audiences?: string[] | null; expirationSeconds?: number | null; boundObjectRef?: BoundObjectReference | null };
  };
  const reqName = req.metadata?.name ?? '';
  const reqNs = req.metadata?.namespace ?? '';
  if (reqName && reqName !== name) {
    throw invalid(TOKEN_REQUEST_KIND, name, [
      { field: 'metadata.name', message: `Invalid value: ${fieldValue(reqName)}: must match the service account name if specified` },
    ]);
  }
  if (reqNs && reqNs !== namespace) {
    throw invalid(TOKEN_REQUEST_KIND, name, [
      { field: 'metadata.namespace', message: `Invalid value: ${fieldValue(reqNs)}: must match the service account namespace if specified` },
    ]);
  }

  const sa = env.objects.serviceAccount(namespace, name);
  if (!sa) throw notFound('serviceaccounts', name);

  const apiAudiences = env.apiAudiences ?? env.issuers;
  const spec = req.spec ?? {};
  const audiences = spec.audiences && spec.audiences.length > 0 ? [...spec.audiences] : [...apiAudiences];
  // v1 defaulting (SetDefaults_TokenRequestSpec) only fills a missing value; an explicit 0 fails validation.
  let expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const nowMs = env.nowMs;

  const causes: { field: string; message: string }[] = [];
  if (expirationSeconds < MIN_TOKEN_AGE_SECONDS) {
    causes.push({ field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration less than 10 minutes` });
  }
  if (expirationSeconds > MAX_TOKEN_AGE_SECONDS) {
    causes.push({ field: 'spec.expirationSeconds', message: `Invalid value: ${expirationSeconds}: may not specify a duration larger than 2^32 seconds` });
  }
  if (causes.length > 0) throw invalidNoName(TOKEN_REQUEST_KIND, causes);

  let pod: ObjectRef | undefined;
  let secret: ObjectRef | undefined;
  let node: { name: string; uid?: string } | undefined;
  const ref = spec.boundObjectRef ?? undefined;
  if (ref) {
    const kind = ref.kind ?? '';
    const refName = ref.name ?? '';
    const group = groupOf(ref.apiVersion);
    let uid = '';
    if (group === '' && kind === 'Pod') {
      const p = env.objects.pod(namespace, refName);
      if (!p) throw notFound('pods', refName);
      if (name !== (p.spec?.serviceAccountName ?? '')) {
        throw badRequest(`cannot bind token for serviceaccount ${JSON.stringify(name)} to pod running with different serviceaccount name.`);
      }
      uid = p.metadata.uid ?? '';
      pod = { name: p.metadata.name ?? refName, uid };
      const nodeName = p.spec?.nodeName;
      if (nodeName) {
        // A missing Node still leaves its name in the token ("we still embed just the pod name").
        const n = env.objects.node(nodeName);
        node = n ? { name: nodeName, uid: n.metadata.uid ?? '' } : { name: nodeName };
      }
    } else if (group === '' && kind === 'Node') {
      const n = env.objects.node(refName);
      if (!n) throw notFound('nodes', refName);
      uid = n.metadata.uid ?? '';
      node = { name: n.metadata.name ?? refName, uid };
    } else if (group === '' && kind === 'Secret') {
      const s = env.objects.secret(namespace, refName);
      if (!s) throw notFound('secrets', refName);
      uid = s.metadata.uid ?? '';
      secret = { name: s.metadata.name ?? refName, uid };
    } else {
      throw badRequest(`cannot bind token to object of type ${gvkString(ref.apiVersion ?? '', kind)}`);
    }
    if (ref.uid && ref.uid !== uid) {
      throw conflict(
        kind,
        refName,
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
  }

  const warnings: string[] = [];
  const max = env.maxExpirationSeconds ?? 0;
  if (max > 0 && expirationSeconds > max) {
    warnings.push(`requested expiration of ${expirationSeconds} seconds shortened to ${max} seconds`);
    expirationSeconds = max;
  }

  let exp = expirationSeconds;
  let warnAfter = 0;
  if ((env.extendExpiration ?? true) && pod && expirationSeconds === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && isKubeAudiences(apiAudiences, audiences)) {
    warnAfter = exp;
    exp = EXPIRATION_EXTENSION_SECONDS;
  }

  const issuer = env.issuers[0];
  if (issuer === undefined) throw internalError('no service account issuer configured');
  const saUid = sa.metadata.uid ?? '';
  const claims = buildClaims({
    issuer,
    audiences,
    nowMs,
    expirationSeconds: exp,
    warnAfterSeconds: warnAfter,
    serviceAccount: { namespace, name, uid: saUid },
    ...(pod ? { pod } : {}),
    ...(secret ? { secret } : {}),
    ...(node ? { node } : {}),
  });
  const token = await signToken(env.signer, claims);

  const outSpec: TokenRequestObject['spec'] = { audiences, expirationSeconds, boundObjectRef: null };
  if (ref) {
    const r: BoundObjectReference = {};
    if (ref.kind) r.kind = ref.kind;
    if (ref.apiVersion) r.apiVersion = ref.apiVersion;
    if (ref.name) r.name = ref.name;
    if (ref.uid) r.uid = ref.uid;
    outSpec.boundObjectRef = r;
  }
  return {
    object: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: rfc3339(nowMs) },
      spec: outSpec,
      status: { token, expirationTimestamp: rfc3339(nowMs + expirationSeconds * 1000) },
    },
    warnings,
    claims,
  };
}
