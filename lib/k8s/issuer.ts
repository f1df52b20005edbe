// The service account issuer as the cluster states it: authentications.config.openshift.io/cluster
// spec.serviceAccountIssuer, the trusted list the kube-apiserver operator records in
// kubeapiservers.operator.openshift.io/cluster status.serviceAccountIssuers, and the OIDC discovery
// documents the API server serves (read raw, byte for byte). On plain Kubernetes only the discovery
// documents exist, so the state is read-only. The change itself: a server-side dry run and a JSON
// merge patch with a resourceVersion precondition, both as the signed-in user.
import 'server-only';
import https from 'node:https';
import { createPublicKey } from 'node:crypto';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { discoveryProblem } from '@/lib/issuer/rules';
import { apiClient, requestOptions } from './connection';
import { ClusterError, toClusterError } from './errors';
import { clusterClockSample } from './rollout';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc';
export const AUTH_GROUP = 'config.openshift.io';
export const AUTH_PLURAL = 'authentications';
export const KAS_GROUP = 'operator.openshift.io';
export const KAS_PLURAL = 'kubeapiservers';
export const OPENID_CONFIG_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

export type DiscoveryDoc = 'openid-configuration' | 'jwks';

export interface TrustedIssuerEntry {
  name: string;
  /** null for the active issuer (it signs new tokens). */
  expirationTime: string | null;
}

// Why kube-apiserver serves no discovery for an issuer: one rule, shared with the change form.
export { discoveryProblem };

export interface RawDocument {
  status: number;
  contentType: string | null;
  body: Buffer;
}

export interface JwkSummary {
  kid: string;
  kty: string;
  alg: string;
  use: string;
  /** "RSA 2048", "P-256", or "unknown" */
  size: string;
}

export interface DiscoveryState {
  /** ok: served; disabled: 404 (non-https issuer); forbidden: the user may not read it; error: anything else. */
  status: 'ok' | 'disabled' | 'forbidden' | 'error';
  /** The document as the cluster served it. */
  raw: string | null;
  contentType: string | null;
  message: string | null;
}

export interface OpenIdConfiguration {
  issuer: string | null;
  jwksUri: string | null;
  algs: string[];
}

export interface ApiServerFlag {
  flag: string;
  values: string[];
  /** Where the value comes from, or what it does on plain Kubernetes. */
  note: string;
}

export interface OperatorProblem {
  condition: string;
  reason: string;
  message: string;
}

export interface ClockSample {
  /** The dashboard server's time when the sample was taken. */
  serverNow: string;
  /** The cluster's time then (a node heartbeat), null when unknown. */
  clusterNow: string | null;
}

export interface IssuerState {
  flavor: 'openshift' | 'kubernetes';
  /** Plain Kubernetes: the issuer is set by kube-apiserver flags, not through the API. */
  readOnly: boolean;
  /** OpenShift: the Authentication object as read (for the precondition and the diff). */
  authentication: { resourceVersion: string; specIssuer: string; spec: Record<string, unknown> } | null;
  /** The issuer new tokens get: the spec's, the default, or (plain Kubernetes) the discovery document's. */
  currentIssuer: string | null;
  currentSource: 'spec' | 'default' | 'discovery' | 'unknown';
  /** status.serviceAccountIssuers in the cluster's order (OpenShift). */
  trusted: TrustedIssuerEntry[];
  /** The entry without expirationTime. */
  activeIssuer: string | null;
  /** Previous issuers still trusted, soonest expiry first. */
  previous: { name: string; expirationTime: string }[];
  /** --api-audiences: the trusted issuers, active first. */
  apiAudiences: string[];
  openidConfiguration: DiscoveryState;
  parsedConfiguration: OpenIdConfiguration | null;
  jwks: DiscoveryState;
  keys: JwkSummary[];
  flags: ApiServerFlag[];
  operatorProblems: OperatorProblem[];
  latestRevision: number | null;
  /** Control-plane node names (for clock samples). */
  nodes: string[];
  clock: ClockSample;
  /** When readOnly on OpenShift, or partial reads: what could not be read and why. */
  notes: string[];
}

const serverOf = (kc: KubeConfig) => kc.getCurrentCluster()?.server;

/**
 * GETs a discovery document with the user's credentials (TLS and auth applied by client-node) and
 * returns the bytes untouched: the browser's token verifier gets exactly what the cluster serves.
 */
export async function fetchDiscoveryDocument(kc: KubeConfig, doc: DiscoveryDoc, timeoutMs = Number(process.env.BTD_K8S_TIMEOUT_MS) || 10_000): Promise<RawDocument> {
  const server = serverOf(kc);
  if (!server) throw new ClusterError({ kind: 'config', message: 'No current cluster in the kubeconfig.', hint: 'Check the dashboard connection.' });
  const path = doc === 'jwks' ? JWKS_PATH : OPENID_CONFIG_PATH;
  const url = new URL(server.replace(/\/+$/, '') + path);
  const opts: https.RequestOptions = { method: 'GET', headers: { Accept: doc === 'jwks' ? 'application/jwk-set+json, application/json' : 'application/json' } };
  try {
    await kc.applyToHTTPSOptions(opts);
    return await new Promise<RawDocument>((resolve, reject) => {
      const req = https.request(url, { ...opts, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? null, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  } catch (err) {
    throw toClusterError(err, { server, action: `read ${path}` });
  }
}

/** A non-2xx discovery answer as the error the route handlers and pages understand (401, 403 only). */
export function discoveryHttpError(raw: RawDocument, server?: string): ClusterError | null {
  if (raw.status === 401 || raw.status === 403) return toClusterError({ code: raw.status, body: raw.body.toString('utf8') }, { server, action: 'read the discovery documents' });
  return null;
}

function keySize(jwk: Record<string, unknown>): string {
  try {
    if (jwk.kty === 'EC') return typeof jwk.crv === 'string' ? jwk.crv : 'EC';
    if (jwk.kty === 'OKP') return typeof jwk.crv === 'string' ? jwk.crv : 'OKP';
    if (jwk.kty === 'RSA' && typeof jwk.n === 'string') {
      const k = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: typeof jwk.e === 'string' ? jwk.e : 'AQAB' }, format: 'jwk' });
      return `RSA ${k.asymmetricKeyDetails?.modulusLength ?? Buffer.from(jwk.n, 'base64url').length * 8}`;
    }
  } catch {
    // fall through
  }
  return 'unknown';
}

/** kid, kty/alg and key size of each key in a JWKS document. */
export function summarizeJwks(raw: string): JwkSummary[] {
  const doc = JSON.parse(raw) as { keys?: Record<string, unknown>[] };
  return (doc.keys ?? []).map((k) => ({
    kid: typeof k.kid === 'string' ? k.kid : '',
    kty: typeof k.kty === 'string' ? k.kty : '',
    alg: typeof k.alg === 'string' ? k.alg : '',
    use: typeof k.use === 'string' ? k.use : '',
    size: keySize(k),
  }));
}

function parseConfiguration(raw: string): OpenIdConfiguration | null {
  try {
    const d = JSON.parse(raw) as Record<string, unknown>;
    return {
      issuer: typeof d.issuer === 'string' ? d.issuer : null,
      jwksUri: typeof d.jwks_uri === 'string' ? d.jwks_uri : null,
      algs: Array.isArray(d.id_token_signing_alg_values_supported) ? d.id_token_signing_alg_values_supported.filter((x): x is string => typeof x === 'string') : [],
    };
  } catch {
    return null;
  }
}

async function readDiscovery(kc: KubeConfig, doc: DiscoveryDoc, issuerHint: string | null): Promise<DiscoveryState> {
  try {
    const r = await fetchDiscoveryDocument(kc, doc);
    const text = r.body.toString('utf8');
    if (r.status >= 200 && r.status < 300) return { status: 'ok', raw: text, contentType: r.contentType, message: null };
    if (r.status === 404) {
      const why = issuerHint ? discoveryProblem(issuerHint) : null;
      return {
        status: 'disabled',
        raw: null,
        contentType: r.contentType,
        message: `The API server answers 404: OIDC discovery is disabled${why ? ` (${why})` : ''}.`,
      };
    }
    const e = discoveryHttpError(r, serverOf(kc)) ?? toClusterError({ code: r.status, body: text });
    if (e.kind === 'unauthorized') throw e;
    return { status: e.kind === 'forbidden' ? 'forbidden' : 'error', raw: null, contentType: r.contentType, message: e.message };
  } catch (err) {
    const e = toClusterError(err);
    if (e.kind === 'unauthorized') throw e;
    return { status: 'error', raw: null, contentType: null, message: e.message };
  }
}

type Obj = { metadata?: { resourceVersion?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };

function trustedFrom(status: Record<string, unknown> | undefined): TrustedIssuerEntry[] {
  const list = Array.isArray(status?.serviceAccountIssuers) ? (status!.serviceAccountIssuers as unknown[]) : [];
  return list
    .filter((i): i is { name: string; expirationTime?: unknown } => !!i && typeof (i as { name?: unknown }).name === 'string')
    .map((i) => ({ name: i.name, expirationTime: typeof i.expirationTime === 'string' && i.expirationTime ? i.expirationTime : i.expirationTime instanceof Date ? i.expirationTime.toISOString().replace(/\.\d{3}Z$/, 'Z') : null }));
}

const PROBLEM_CONDITIONS = ['ConfigObservationDegraded', 'ServiceAccountIssuerControllerDegraded'];

async function readAuthentication(kc: KubeConfig): Promise<Obj> {
  return (await apiClient(CustomObjectsApi, kc).getClusterCustomObject({ group: AUTH_GROUP, version: 'v1', plural: AUTH_PLURAL, name: 'cluster' }, requestOptions())) as Obj;
}

/** Everything /issuer shows. Throws ClusterError (unauthorized, or the Authentication object unreadable). */
export async function readIssuerState(kc: KubeConfig, opts: { flavor: 'openshift' | 'kubernetes' }): Promise<IssuerState> {
  const server = serverOf(kc);
  const notes: string[] = [];
  let authentication: IssuerState['authentication'] = null;
  let trusted: TrustedIssuerEntry[] = [];
  let operatorProblems: OperatorProblem[] = [];
  let latestRevision: number | null = null;
  let nodes: string[] = [];
  let observedArgs: Record<string, unknown> | null = null;

  if (opts.flavor === 'openshift') {
    let auth: Obj;
    try {
      auth = await readAuthentication(kc);
    } catch (err) {
      throw toClusterError(err, { server, action: 'read authentications.config.openshift.io/cluster' });
    }
    const spec = auth.spec ?? {};
    authentication = {
      resourceVersion: auth.metadata?.resourceVersion ?? '',
      specIssuer: typeof spec.serviceAccountIssuer === 'string' ? spec.serviceAccountIssuer : '',
      spec,
    };
    try {
      const kas = (await apiClient(CustomObjectsApi, kc).getClusterCustomObject({ group: KAS_GROUP, version: 'v1', plural: KAS_PLURAL, name: 'cluster' }, requestOptions())) as Obj;
      trusted = trustedFrom(kas.status);
      const conds = Array.isArray(kas.status?.conditions) ? (kas.status!.conditions as { type?: string; status?: string; reason?: string; message?: string }[]) : [];
      operatorProblems = conds
        .filter((c) => PROBLEM_CONDITIONS.includes(c.type ?? '') && c.status === 'True')
        .map((c) => ({ condition: c.type ?? '', reason: c.reason ?? '', message: c.message ?? '' }));
      latestRevision = typeof kas.status?.latestAvailableRevision === 'number' ? kas.status.latestAvailableRevision : null;
      nodes = (Array.isArray(kas.status?.nodeStatuses) ? (kas.status!.nodeStatuses as { nodeName?: string }[]) : []).map((n) => n.nodeName ?? '').filter(Boolean);
      const oc = kas.spec?.observedConfig as { apiServerArguments?: Record<string, unknown> } | null | undefined;
      observedArgs = oc?.apiServerArguments ?? null;
    } catch (err) {
      const e = toClusterError(err, { server, action: 'read kubeapiservers.operator.openshift.io/cluster' });
      if (e.kind === 'unauthorized') throw e;
      notes.push(`The trusted issuers could not be read from the KubeAPIServer status: ${e.message}`);
    }
  }

  const specIssuer = authentication?.specIssuer ?? '';
  const activeIssuer = trusted.find((i) => !i.expirationTime)?.name ?? null;
  const issuerHint = opts.flavor === 'openshift' ? (activeIssuer ?? (specIssuer || DEFAULT_ISSUER)) : null;
  const [openidConfiguration, jwks, clock] = await Promise.all([
    readDiscovery(kc, 'openid-configuration', issuerHint),
    readDiscovery(kc, 'jwks', issuerHint),
    clusterClockSample(kc, nodes).catch(() => ({ serverNow: new Date().toISOString(), clusterNow: null })),
  ]);
  const parsedConfiguration = openidConfiguration.raw ? parseConfiguration(openidConfiguration.raw) : null;
  let keys: JwkSummary[] = [];
  if (jwks.raw) {
    try {
      keys = summarizeJwks(jwks.raw);
    } catch {
      notes.push('The JWKS document is not valid JSON.');
    }
  }

  let currentIssuer: string | null;
  let currentSource: IssuerState['currentSource'];
  if (opts.flavor === 'openshift') {
    currentIssuer = specIssuer || DEFAULT_ISSUER;
    currentSource = specIssuer ? 'spec' : 'default';
  } else if (parsedConfiguration?.issuer) {
    currentIssuer = parsedConfiguration.issuer;
    currentSource = 'discovery';
  } else {
    currentIssuer = null;
    currentSource = 'unknown';
    notes.push('Plain Kubernetes keeps the issuer in kube-apiserver flags; with discovery unavailable the dashboard cannot read it through the API.');
  }

  const previous = trusted
    .filter((i): i is { name: string; expirationTime: string } => !!i.expirationTime)
    .sort((a, b) => Date.parse(a.expirationTime) - Date.parse(b.expirationTime));
  const apiAudiences = trusted.length
    ? [...new Set([...(activeIssuer ? [activeIssuer] : []), ...trusted.filter((i) => i.expirationTime).map((i) => i.name)])]
    : currentIssuer
      ? [currentIssuer]
      : [];

  return {
    flavor: opts.flavor,
    readOnly: opts.flavor !== 'openshift',
    authentication,
    currentIssuer,
    currentSource,
    trusted,
    activeIssuer,
    previous,
    apiAudiences,
    openidConfiguration,
    parsedConfiguration,
    jwks,
    keys,
    flags: apiServerFlags(opts.flavor, { audiences: apiAudiences, jwksUri: parsedConfiguration?.jwksUri ?? null, observedArgs }),
    operatorProblems,
    latestRevision,
    nodes,
    clock,
    notes,
  };
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/** The kube-apiserver flags that decide the issuer: as the operator set them, or what to change on plain Kubernetes. */
export function apiServerFlags(
  flavor: 'openshift' | 'kubernetes',
  s: { audiences: string[]; jwksUri: string | null; observedArgs: Record<string, unknown> | null },
): ApiServerFlag[] {
  if (flavor === 'openshift') {
    const args = s.observedArgs ?? {};
    const from = s.observedArgs ? 'KubeAPIServer spec.observedConfig.apiServerArguments (set by the operator)' : 'derived from the KubeAPIServer status';
    return [
      { flag: '--service-account-issuer', values: asList(args['service-account-issuer']).length ? asList(args['service-account-issuer']) : s.audiences, note: `${from}; the first signs new tokens, all are accepted` },
      { flag: '--api-audiences', values: asList(args['api-audiences']).length ? asList(args['api-audiences']) : s.audiences, note: `${from}; the same list as the issuers` },
      { flag: '--service-account-jwks-uri', values: s.observedArgs ? asList(args['service-account-jwks-uri']) : s.jwksUri ? [s.jwksUri] : [], note: `${from}; none for a non-https custom issuer` },
    ];
  }
  return [
    { flag: '--service-account-issuer', values: s.audiences, note: 'Repeat the flag to trust more issuers: the first signs new tokens, all are accepted. Change it in the kube-apiserver manifest or your distribution’s config.' },
    { flag: '--service-account-jwks-uri', values: s.jwksUri ? [s.jwksUri] : [], note: 'The jwks_uri published in the discovery document (https only); default https://<external address>/openid/v1/jwks.' },
    { flag: '--api-audiences', values: s.audiences, note: 'Audiences the API accepts; defaults to the --service-account-issuer values.' },
    { flag: '--service-account-signing-key-file', values: [], note: 'The private key that signs tokens; its public part (and every --service-account-key-file) is what the JWKS serves.' },
  ];
}

// ---- the change ----------------------------------------------------------------------------------

export interface ChangeRequest {
  issuer: string;
  /** The Authentication object's resourceVersion the user reviewed. */
  resourceVersion: string;
}

/** What the caller's rules say about a proposed value (the route handlers pass the form's rules). */
export interface ChangeVerdict {
  blocked: boolean;
  /** Why, in the words shown to the user. */
  message: string;
  findings: { level: string; code: string; message: string }[];
}

/** The rules, given the object as it is now: its spec issuer and the operator's trusted list. */
export type ChangeRules = (issuer: string, now: { specIssuer: string; trusted: TrustedIssuerEntry[]; nowMs: number }) => ChangeVerdict;

export type ChangeResult =
  | { ok: true; dryRun: boolean; before: string; after: string; resourceVersion: string; specIssuer: string }
  | { ok: false; conflict: true; current: { specIssuer: string; resourceVersion: string; currentIssuer: string }; message: string }
  | { ok: false; conflict: false; blocked: true; verdict: ChangeVerdict; message: string };

function conflictResult(specIssuer: string, resourceVersion: string): ChangeResult {
  return {
    ok: false,
    conflict: true,
    current: { specIssuer, resourceVersion, currentIssuer: specIssuer || DEFAULT_ISSUER },
    message: `Someone else changed the Authentication object since you loaded it: spec.serviceAccountIssuer is now ${specIssuer ? `"${specIssuer}"` : 'empty (the default issuer)'}.`,
  };
}

const specYaml = (spec: Record<string, unknown>) => stringify({ spec }, { sortMapEntries: true });

/** The precondition patch body: the resourceVersion the user saw, and only the issuer. */
export function mergePatchBody(req: ChangeRequest): { metadata: { resourceVersion: string }; spec: { serviceAccountIssuer: string } } {
  return { metadata: { resourceVersion: req.resourceVersion }, spec: { serviceAccountIssuer: req.issuer } };
}

/**
 * Validates and sends the merge patch (dryRun=All when asked). A 409 (someone changed the object
 * since the user read it) is a result, not an error: the current value comes with it.
 * Throws ClusterError for anything else (403 → "You (viewer) cannot patch ...").
 */
export async function changeIssuer(kc: KubeConfig, req: ChangeRequest, opts: { dryRun: boolean; rules: ChangeRules; nowMs?: number }): Promise<ChangeResult> {
  const server = serverOf(kc);
  const api = apiClient(CustomObjectsApi, kc);
  let before: Obj;
  let trusted: TrustedIssuerEntry[] = [];
  try {
    before = await readAuthentication(kc);
  } catch (err) {
    throw toClusterError(err, { server, action: 'read authentications.config.openshift.io/cluster' });
  }
  const currentSpec = typeof before.spec?.serviceAccountIssuer === 'string' ? before.spec.serviceAccountIssuer : '';
  const currentRv = before.metadata?.resourceVersion ?? '';
  // A stale resourceVersion goes to the cluster unchecked: its precondition answers 409, which is
  // the authority (our read above may itself be older than the object by the time we patch).
  const stale = currentRv !== '' && currentRv !== req.resourceVersion;
  try {
    const kas = (await api.getClusterCustomObject({ group: KAS_GROUP, version: 'v1', plural: KAS_PLURAL, name: 'cluster' }, requestOptions())) as Obj;
    trusted = trustedFrom(kas.status);
  } catch (err) {
    const e = toClusterError(err, { server });
    if (e.kind === 'unauthorized') throw e;
  }
  const verdict = opts.rules(req.issuer, { specIssuer: currentSpec, trusted, nowMs: opts.nowMs ?? Date.now() });
  if (verdict.blocked && !stale) return { ok: false, conflict: false, blocked: true, verdict, message: verdict.message };
  try {
    const after = (await api.patchClusterCustomObject(
      {
        group: AUTH_GROUP,
        version: 'v1',
        plural: AUTH_PLURAL,
        name: 'cluster',
        body: mergePatchBody(req),
        // Stale: never a real write (the cluster's 409 is what we want to hear).
        ...(opts.dryRun || stale ? { dryRun: 'All' } : {}),
        fieldManager: 'bound-token-dashboard',
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch, requestOptions()),
    )) as Obj;
    const afterSpec = after.spec ?? {};
    if (stale) return conflictResult(currentSpec, currentRv);
    return {
      ok: true,
      dryRun: opts.dryRun,
      before: specYaml(before.spec ?? {}),
      after: specYaml(afterSpec),
      resourceVersion: after.metadata?.resourceVersion ?? '',
      specIssuer: typeof afterSpec.serviceAccountIssuer === 'string' ? afterSpec.serviceAccountIssuer : '',
    };
  } catch (err) {
    const e = toClusterError(err, { server, action: 'patch authentications.config.openshift.io/cluster' });
    if (e.status === 409) {
      try {
        const now = await readAuthentication(kc);
        const spec = typeof now.spec?.serviceAccountIssuer === 'string' ? now.spec.serviceAccountIssuer : '';
        return conflictResult(spec, now.metadata?.resourceVersion ?? '');
      } catch (again) {
        throw toClusterError(again, { server });
      }
    }
    throw e;
  }
}
