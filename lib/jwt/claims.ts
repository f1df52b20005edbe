// What each claim of a Kubernetes service account token means (hover/focus text for the inspector)
// and what kind of token it is: bound (TokenRequest/projected), legacy Secret-based, or not a
// Kubernetes token; what it is bound to; whose it is. Facts: shared/reference/kube-tokens.md §1–2.

import type { JsonObject } from './decode';

export interface ClaimExplanation {
  title: string;
  text: string;
}

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
const LEGACY_PREFIX = 'kubernetes.io/serviceaccount/';
export const LEGACY_KEYS = {
  namespace: `${LEGACY_PREFIX}namespace`,
  secretName: `${LEGACY_PREFIX}secret.name`,
  serviceAccountName: `${LEGACY_PREFIX}service-account.name`,
  serviceAccountUid: `${LEGACY_PREFIX}service-account.uid`,
} as const;

/** Explanations keyed by claim path (nested claims joined with '.' below "kubernetes.io"). */
export const CLAIM_EXPLANATIONS: Record<string, ClaimExplanation> = {
  iss: { title: 'Issuer', text: 'Who issued the token. Kubernetes sets it to the first --service-account-issuer value (OpenShift: spec.serviceAccountIssuer of authentications.config.openshift.io/cluster, default https://kubernetes.default.svc). The API server accepts tokens from every configured issuer; legacy Secret tokens always say "kubernetes/serviceaccount".' },
  sub: { title: 'Subject', text: 'The user name the token authenticates as: system:serviceaccount:<namespace>:<service account name>.' },
  aud: { title: 'Audiences', text: 'Who may accept the token. Defaults to the API server audiences (all configured issuers unless --api-audiences is set); a token requested for another audience (e.g. vault) is rejected by the API server. Kubernetes always writes a JSON array.' },
  exp: { title: 'Expires', text: 'Expiry (seconds since 1970, UTC). iat + expirationSeconds (default 3600, minimum 600). The API server allows 60 s of clock-skew leeway. Pod tokens requested with 3607 s may be extended to one year (see warnafter).' },
  nbf: { title: 'Not before', text: 'The token is not valid before this time (seconds since 1970, UTC); Kubernetes sets it equal to iat. 60 s leeway applies.' },
  iat: { title: 'Issued at', text: 'When the API server issued the token (seconds since 1970, UTC).' },
  jti: { title: 'Token ID', text: 'A random UUID per token (Kubernetes 1.29+, on by default from 1.30). TokenReview reports it as the credential id "JTI=<jti>" and audit logs record it, so a token can be traced to the request that issued it.' },
  'kubernetes.io': { title: 'Kubernetes claims', text: 'Private claims of a bound service account token: namespace, service account and the object the token is bound to.' },
  'kubernetes.io.namespace': { title: 'Namespace', text: 'The namespace of the service account.' },
  'kubernetes.io.serviceaccount': { title: 'Service account', text: 'The service account the token belongs to. The API server rejects the token if the account was deleted or recreated (UID differs).' },
  'kubernetes.io.serviceaccount.name': { title: 'Service account name', text: 'Name of the service account.' },
  'kubernetes.io.serviceaccount.uid': { title: 'Service account UID', text: 'UID of the service account when the token was issued; a recreated account with the same name has another UID and the token stops working.' },
  'kubernetes.io.pod': { title: 'Bound pod', text: 'The token is bound to this pod: it stops working once the pod is deleted (or replaced by a pod with the same name but another UID).' },
  'kubernetes.io.pod.name': { title: 'Pod name', text: 'Name of the pod the token is bound to.' },
  'kubernetes.io.pod.uid': { title: 'Pod UID', text: 'UID of the bound pod; checked by the API server on every use.' },
  'kubernetes.io.secret': { title: 'Bound secret', text: 'The token is bound to this Secret: it stops working once the Secret is deleted.' },
  'kubernetes.io.secret.name': { title: 'Secret name', text: 'Name of the Secret the token is bound to.' },
  'kubernetes.io.secret.uid': { title: 'Secret UID', text: 'UID of the bound Secret; checked by the API server on every use.' },
  'kubernetes.io.node': { title: 'Node', text: 'With a pod claim: the node the pod was scheduled to, for information only (the API server does not check it). Alone: the token is bound to this Node and stops working when the node is deleted.' },
  'kubernetes.io.node.name': { title: 'Node name', text: 'Name of the node.' },
  'kubernetes.io.node.uid': { title: 'Node UID', text: 'UID of the node (absent if the Node object did not exist when the token was issued).' },
  'kubernetes.io.warnafter': { title: 'Warn after', text: 'Present only on pod tokens requested for exactly 3607 s that the API server extended to one year (--service-account-extend-token-expiration, on by default). The token keeps working until exp, but after this time the API server counts each use as stale (audit annotation authentication.k8s.io/stale-token): a client that does not re-read the refreshed token file.' },
  [LEGACY_KEYS.namespace]: { title: 'Namespace (legacy)', text: 'Namespace of the service account, in the flat claim format of legacy Secret-based tokens.' },
  [LEGACY_KEYS.secretName]: { title: 'Secret name (legacy)', text: 'The Secret of type kubernetes.io/service-account-token that stores this token; deleting the Secret invalidates the token.' },
  [LEGACY_KEYS.serviceAccountName]: { title: 'Service account name (legacy)', text: 'Name of the service account.' },
  [LEGACY_KEYS.serviceAccountUid]: { title: 'Service account UID (legacy)', text: 'UID of the service account; a recreated account with the same name does not accept the token.' },
};

export const HEADER_EXPLANATIONS: Record<string, ClaimExplanation> = {
  alg: { title: 'Algorithm', text: 'Signature algorithm. Kubernetes signs with RS256 (RSA keys of any size) or ES256/ES384/ES512 (ECDSA P-256/P-384/P-521). "none" and HMAC (HS*) are never issued by Kubernetes.' },
  kid: { title: 'Key ID', text: 'Which signing key was used: base64url(SHA-256(public key in DER SubjectPublicKeyInfo form)), 43 characters. The API server verifies only with the key of this id. Legacy tokens signed before Kubernetes 1.16 have none.' },
  typ: { title: 'Type', text: '"JWT". Absent from tokens issued by Kubernetes 1.16+ (go-jose does not write it); present on old legacy tokens.' },
};

export interface ExplainedClaim {
  path: string;
  value: unknown;
  known: boolean;
  explanation?: ClaimExplanation;
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every claim (recursively below "kubernetes.io") with its explanation, in payload order. */
export function explainClaims(payload: JsonObject): ExplainedClaim[] {
  const out: ExplainedClaim[] = [];
  // Depth-limited: Kubernetes claims nest two levels; a hostile payload must not exhaust the stack.
  const walk = (obj: JsonObject, prefix: string, depth = 0) => {
    for (const [k, value] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k;
      const explanation = Object.prototype.hasOwnProperty.call(CLAIM_EXPLANATIONS, path) ? CLAIM_EXPLANATIONS[path] : undefined;
      out.push(explanation ? { path, value, known: true, explanation } : { path, value, known: false });
      if (depth < 4 && path.startsWith('kubernetes.io') && !path.includes('/') && isObject(value)) walk(value, path, depth + 1);
    }
  };
  if (isObject(payload)) walk(payload, '');
  return out;
}

export function explainHeader(header: JsonObject): ExplainedClaim[] {
  if (!isObject(header)) return [];
  return Object.entries(header).map(([path, value]) => {
    const explanation = Object.prototype.hasOwnProperty.call(HEADER_EXPLANATIONS, path) ? HEADER_EXPLANATIONS[path] : undefined;
    return explanation ? { path, value, known: true, explanation } : { path, value, known: false };
  });
}

export type TokenKind = 'bound' | 'legacy' | 'not-kubernetes';
export type Binding = 'none' | 'pod' | 'secret' | 'node';

export interface ObjectRef {
  name?: string;
  uid?: string;
}

export interface SubjectInfo {
  raw: string;
  isServiceAccount: boolean;
  namespace?: string;
  name?: string;
}

export interface Classification {
  kind: TokenKind;
  /** One sentence why the kind was chosen. */
  reason: string;
  /** Legacy tokens are tied to their Secret, reported as binding "secret" with legacy = true. */
  binding: Binding;
  boundObject?: { kind: 'Pod' | 'Secret' | 'Node'; name?: string; uid?: string };
  /** For pod-bound tokens: the node the pod ran on (informational). */
  node?: ObjectRef;
  namespace?: string;
  serviceAccount?: ObjectRef;
  subject?: SubjectInfo;
  audiences: string[];
  issuer?: string;
  jti?: string;
  /** Inconsistencies between claims (e.g. sub vs namespace), each a sentence. */
  problems: string[];
}

const SA_PREFIX = 'system:serviceaccount:';

/** Parses system:serviceaccount:<ns>:<name>. */
export function parseSubject(sub: unknown): SubjectInfo | undefined {
  if (typeof sub !== 'string') return undefined;
  if (!sub.startsWith(SA_PREFIX)) return { raw: sub, isServiceAccount: false };
  const rest = sub.slice(SA_PREFIX.length);
  const parts = rest.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { raw: sub, isServiceAccount: false };
  return { raw: sub, isServiceAccount: true, namespace: parts[0], name: parts[1] };
}

/** `aud` as an array: a single string becomes one element; anything else is dropped. */
export function audiencesOf(payload: JsonObject): string[] {
  const aud = isObject(payload) ? payload.aud : undefined;
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

function ref(v: unknown): ObjectRef | undefined {
  if (!isObject(v)) return undefined;
  const r: ObjectRef = {};
  if (typeof v.name === 'string') r.name = v.name;
  if (typeof v.uid === 'string') r.uid = v.uid;
  return r;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function classifyToken(payload: JsonObject): Classification {
  const p: JsonObject = isObject(payload) ? payload : {};
  const problems: string[] = [];
  const subject = parseSubject(p.sub);
  const issuer = str(p.iss);
  const audiences = audiencesOf(p);
  const base: Classification = { kind: 'not-kubernetes', reason: '', binding: 'none', audiences, problems };
  if (subject) base.subject = subject;
  if (issuer !== undefined) base.issuer = issuer;
  if (typeof p.jti === 'string') base.jti = p.jti;

  const k8s = p['kubernetes.io'];
  const hasLegacyKeys = Object.values(LEGACY_KEYS).some((k) => k in p);

  if (isObject(k8s)) {
    const c: Classification = { ...base, kind: 'bound', reason: 'has the "kubernetes.io" private claims of a TokenRequest / projected token' };
    const ns = str(k8s.namespace);
    if (ns !== undefined) c.namespace = ns;
    const sa = ref(k8s.serviceaccount);
    if (sa) c.serviceAccount = sa;
    const pod = ref(k8s.pod);
    const secret = ref(k8s.secret);
    const node = ref(k8s.node);
    if (pod) {
      c.binding = 'pod';
      c.boundObject = { kind: 'Pod', ...pod };
      if (node) c.node = node;
    } else if (secret) {
      c.binding = 'secret';
      c.boundObject = { kind: 'Secret', ...secret };
    } else if (node) {
      c.binding = 'node';
      c.boundObject = { kind: 'Node', ...node };
    }
    if (secret && (pod || node)) problems.push('bound to a Secret and to a Pod/Node at once: the API server never issues that ("token can only be bound to one object type")');
    if (p.exp === undefined) problems.push('no exp claim: every TokenRequest token has one');
    if (issuer === LEGACY_ISSUER) c.reason += `; its issuer "${LEGACY_ISSUER}" was the default of old clusters (e.g. minikube before --service-account-issuer was required)`;
    checkSubject(c, subject, ns, sa?.name, problems);
    return c;
  }
  if (hasLegacyKeys || (issuer === LEGACY_ISSUER && p.exp === undefined)) {
    const c: Classification = { ...base, kind: 'legacy', reason: `legacy Secret-based token: issuer "${issuer ?? '(none)'}", flat kubernetes.io/serviceaccount/* claims, no expiry` };
    const ns = str(p[LEGACY_KEYS.namespace]);
    if (ns !== undefined) c.namespace = ns;
    const sa: ObjectRef = {};
    const saName = str(p[LEGACY_KEYS.serviceAccountName]);
    const saUid = str(p[LEGACY_KEYS.serviceAccountUid]);
    if (saName !== undefined) sa.name = saName;
    if (saUid !== undefined) sa.uid = saUid;
    if (saName !== undefined || saUid !== undefined) c.serviceAccount = sa;
    const secretName = str(p[LEGACY_KEYS.secretName]);
    c.binding = 'secret';
    c.boundObject = secretName !== undefined ? { kind: 'Secret', name: secretName } : { kind: 'Secret' };
    if (issuer !== LEGACY_ISSUER) problems.push(`legacy claims but issuer "${issuer ?? '(none)'}" instead of "${LEGACY_ISSUER}"`);
    if (p.exp !== undefined) problems.push('legacy claims but an exp claim: Kubernetes never put exp in legacy tokens');
    for (const [label, key] of [['namespace', LEGACY_KEYS.namespace], ['secretName', LEGACY_KEYS.secretName], ['serviceAccountName', LEGACY_KEYS.serviceAccountName], ['serviceAccountUID', LEGACY_KEYS.serviceAccountUid]] as const) {
      if (typeof p[key] !== 'string' || p[key] === '') problems.push(`${label} claim is missing (the API server rejects the token)`);
    }
    checkSubject(c, subject, ns, saName, problems);
    return c;
  }
  base.reason = subject?.isServiceAccount
    ? 'has a service account subject but none of the Kubernetes claims'
    : 'no Kubernetes service account claims (no "kubernetes.io" object, no legacy kubernetes.io/serviceaccount/* keys)';
  return base;
}

function checkSubject(c: Classification, subject: SubjectInfo | undefined, ns: string | undefined, name: string | undefined, problems: string[]) {
  if (!subject) {
    problems.push('sub claim is missing');
    return;
  }
  if (!subject.isServiceAccount) {
    problems.push(`sub "${subject.raw}" is not of the form system:serviceaccount:<namespace>:<name>`);
    return;
  }
  if (ns !== undefined && subject.namespace !== ns) problems.push(`sub names namespace "${subject.namespace}" but the namespace claim says "${ns}"`);
  if (name !== undefined && subject.name !== name) problems.push(`sub names service account "${subject.name}" but the service account claim says "${name}"`);
  if (c.namespace === undefined && subject.namespace !== undefined) c.namespace = subject.namespace;
  if (c.serviceAccount === undefined && subject.name !== undefined) c.serviceAccount = { name: subject.name };
}
