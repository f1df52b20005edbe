// The claims of a bound service-account token as kube-apiserver builds them
// (pkg/serviceaccount/claims.go Claims(), v1.30+ with jti and the node ref) and their exact JSON
// serialization: go-jose normalizes claim sets through map[string]interface{} + json.Marshal, so
// the payload is compact JSON with keys sorted at every level and Go's HTML escaping.
import { randomUUID } from 'node:crypto';
import { goJsonEscape } from './discovery';

/** claims.go WarnOnlyBoundTokenExpirationSeconds: what kubelet requests for kube-api-access volumes. */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7;
/** claims.go ExpirationExtensionSeconds: 365 days. */
export const EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60;

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  /** uid may be empty when the pod's Node object could not be read. */
  node?: { name: string; uid?: string };
  warnafter?: number;
}

export interface BoundTokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti?: string;
  'kubernetes.io': KubernetesClaim;
  nbf: number;
  sub: string;
}

/** k8s.io/apiserver serviceaccount.MakeUsername. */
export function makeUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export interface ClaimsInput {
  issuer: string;
  audiences: string[];
  /** Issue time in ms; truncated to whole seconds as jwt.NewNumericDate does. */
  nowMs: number;
  expirationSeconds: number;
  /** Seconds after iat at which kube starts warning (the 3607 rule); 0/undefined = none. */
  warnAfterSeconds?: number;
  serviceAccount: { namespace: string; name: string; uid: string };
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: { name: string; uid?: string };
  /** Defaults to a fresh UUID v4 (ServiceAccountTokenJTI, GA in 1.32). */
  jti?: string;
}

export function buildClaims(input: ClaimsInput): BoundTokenClaims {
  if (input.secret && (input.pod || input.node)) {
    throw new Error('internal error, token can only be bound to one object type');
  }
  const now = Math.floor(input.nowMs / 1000);
  const k: KubernetesClaim = {
    namespace: input.serviceAccount.namespace,
    serviceaccount: { name: input.serviceAccount.name, uid: input.serviceAccount.uid },
  };
  if (input.pod) {
    k.pod = { ...input.pod };
    if (input.node) k.node = input.node.uid ? { name: input.node.name, uid: input.node.uid } : { name: input.node.name };
  } else if (input.secret) {
    k.secret = { ...input.secret };
  } else if (input.node) {
    k.node = input.node.uid ? { name: input.node.name, uid: input.node.uid } : { name: input.node.name };
  }
  if (input.warnAfterSeconds) k.warnafter = now + input.warnAfterSeconds;
  return {
    aud: [...input.audiences],
    exp: now + input.expirationSeconds,
    iat: now,
    iss: input.issuer,
    jti: input.jti ?? randomUUID(),
    'kubernetes.io': k,
    nbf: now,
    sub: makeUsername(input.serviceAccount.namespace, input.serviceAccount.name),
  };
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    // Go sorts map keys by bytes; for the ASCII keys of claims this equals code-unit order.
    for (const key of Object.keys(v).sort()) {
      const val = (v as Record<string, unknown>)[key];
      // omitempty: Go's structs drop empty strings / nil pointers before the map round-trip
      if (val === undefined || val === '') continue;
      out[key] = sortDeep(val);
    }
    return out;
  }
  return v;
}

/** Compact JSON, keys sorted recursively, Go escaping: exactly go-jose's claim serialization. */
export function canonicalJson(value: unknown): string {
  return goJsonEscape(JSON.stringify(sortDeep(value)));
}
