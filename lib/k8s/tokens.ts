// Service account tokens through the cluster, as the signed-in user: TokenRequest (like
// `oc create token`), TokenReview ("Ask the cluster"), and the small name lists the request form's
// pickers need (namespaces, service accounts, pods, secrets, nodes), read page by page and per
// namespace so a big cluster never sends every pod at once. The cluster's validation errors are
// returned as data mapped to the form's fields, because the form shows them where they belong.
import 'server-only';
import { AuthenticationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { requestOptions } from './connection';
import { toClusterError } from './errors';

export type BoundObjectKind = 'Pod' | 'Secret' | 'Node';

export interface TokenRequestInput {
  namespace: string;
  serviceAccount: string;
  /** Empty: the cluster fills in its API audiences. */
  audiences: string[];
  expirationSeconds: number;
  boundObject?: { kind: BoundObjectKind; name: string };
}

/** The form fields a cluster error can point at. */
export type TokenRequestField = 'namespace' | 'serviceAccount' | 'audiences' | 'expirationSeconds' | 'boundObject';

export interface IssuedToken {
  token: string;
  /** RFC 3339 from status.expirationTimestamp (the requested lifetime; exp may be later: 3607 case). */
  expirationTimestamp: string | null;
  /** The effective spec the cluster answered with (defaulted audiences, capped lifetime). */
  audiences: string[];
  expirationSeconds: number | null;
  /** The cluster's Warning headers, e.g. "requested expiration of 9999999 seconds shortened to ...". */
  warnings: string[];
}

export interface TokenRequestRejection {
  status: number;
  reason: string;
  /** The cluster's own message. */
  message: string;
  /** Field → the cluster's words for it. */
  fieldErrors: Partial<Record<TokenRequestField, string>>;
}

export type TokenRequestResult = { ok: true; issued: IssuedToken } | { ok: false; rejection: TokenRequestRejection };

interface StatusCause {
  field?: string;
  message?: string;
  reason?: string;
}

interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: StatusCause[] };
}

function parseStatus(body: unknown): StatusBody | undefined {
  let obj = body;
  if (typeof body === 'string') {
    try {
      obj = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return obj && typeof obj === 'object' ? (obj as StatusBody) : undefined;
}

/** "299 - \"text\"" (several joined by ", ") → ["text"]. */
export function parseWarningHeader(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  const re = /\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(value); m; m = re.exec(value)) out.push(m[1]!.replace(/\\(.)/g, '$1'));
  return out;
}

/** A cause's field path (spec.expirationSeconds, spec.boundObjectRef.name, ...) → form field. */
export function fieldForCause(field: string | undefined): TokenRequestField | undefined {
  if (!field) return undefined;
  if (field.startsWith('spec.expirationSeconds')) return 'expirationSeconds';
  if (field.startsWith('spec.audiences')) return 'audiences';
  if (field.startsWith('spec.boundObjectRef')) return 'boundObject';
  if (field === 'metadata.namespace') return 'namespace';
  if (field === 'metadata.name') return 'serviceAccount';
  return undefined;
}

/** Which form field a non-422 rejection concerns, from kube's wording in token.go. */
function fieldForMessage(status: number, message: string): TokenRequestField | undefined {
  if (status === 404) {
    if (/^serviceaccounts "/.test(message)) return 'serviceAccount';
    if (/^(pods|secrets|nodes) "/.test(message)) return 'boundObject';
    if (/^namespaces "/.test(message)) return 'namespace';
  }
  if (status === 400 && /cannot bind token/.test(message)) return 'boundObject';
  if (status === 409 && /bound object reference/.test(message)) return 'boundObject';
  return undefined;
}

/** Status body of a rejected TokenRequest → what the form shows. Exported for tests. */
export function rejectionFrom(status: number, body: unknown): TokenRequestRejection {
  const s = parseStatus(body) ?? {};
  const message = s.message ?? `The API server answered ${status}.`;
  const fieldErrors: TokenRequestRejection['fieldErrors'] = {};
  for (const c of s.details?.causes ?? []) {
    const f = fieldForCause(c.field);
    if (!f || !c.message) continue;
    // kube's cause message lacks the field path; the form shows it next to the field anyway.
    fieldErrors[f] = fieldErrors[f] ? `${fieldErrors[f]}; ${c.message}` : c.message;
  }
  if (Object.keys(fieldErrors).length === 0) {
    const f = fieldForMessage(status, message);
    if (f) fieldErrors[f] = message;
  }
  return { status, reason: s.reason ?? '', message, fieldErrors };
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/**
 * POST .../serviceaccounts/{name}/token as the user. Validation-type answers (400/404/409/422)
 * come back as a rejection; 401/403 and transport failures throw ClusterError (the route maps them).
 */
export async function requestToken(kc: KubeConfig, input: TokenRequestInput): Promise<TokenRequestResult> {
  const core = kc.makeApiClient(CoreV1Api);
  const spec: Record<string, unknown> = { audiences: input.audiences, expirationSeconds: input.expirationSeconds };
  if (input.boundObject) spec.boundObjectRef = { apiVersion: 'v1', kind: input.boundObject.kind, name: input.boundObject.name };
  try {
    const res = await core.createNamespacedServiceAccountTokenWithHttpInfo(
      {
        name: input.serviceAccount,
        namespace: input.namespace,
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {}, spec: spec as never },
      },
      requestOptions(),
    );
    const tr = res.data;
    const token = tr.status?.token;
    if (!token) throw new Error('the TokenRequest answer holds no status.token');
    const exp = tr.status?.expirationTimestamp as unknown;
    return {
      ok: true,
      issued: {
        token,
        expirationTimestamp: exp instanceof Date ? exp.toISOString().replace(/\.\d{3}Z$/, 'Z') : typeof exp === 'string' ? exp : null,
        audiences: tr.spec?.audiences ?? [],
        expirationSeconds: typeof tr.spec?.expirationSeconds === 'number' ? tr.spec.expirationSeconds : null,
        warnings: parseWarningHeader(headerValue(res.headers, 'warning')),
      },
    };
  } catch (err) {
    const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
    if (typeof code === 'number' && [400, 404, 409, 422].includes(code)) {
      return { ok: false, rejection: rejectionFrom(code, (err as { body?: unknown }).body) };
    }
    throw toClusterError(err, { server: kc.getCurrentCluster()?.server, action: 'create serviceaccounts/token' });
  }
}

export interface TokenReviewResult {
  authenticated: boolean;
  user: { username?: string; uid?: string; groups: string[]; extra: Record<string, string[]> };
  audiences: string[];
  /** The cluster's own error text, e.g. "[invalid bearer token, service account token has been invalidated]". */
  error: string | null;
}

/** TokenReview as the user. The token is only sent to the cluster, never logged or kept. */
export async function reviewToken(kc: KubeConfig, token: string, audiences?: string[]): Promise<TokenReviewResult> {
  const api = kc.makeApiClient(AuthenticationV1Api);
  try {
    const res = await api.createTokenReview(
      {
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenReview',
          spec: { token, ...(audiences && audiences.length > 0 ? { audiences } : {}) },
        },
      },
      requestOptions(),
    );
    const st = res.status ?? {};
    const u = st.user ?? {};
    const user: TokenReviewResult['user'] = { groups: u.groups ?? [], extra: (u.extra as Record<string, string[]> | undefined) ?? {} };
    if (u.username) user.username = u.username;
    if (u.uid) user.uid = u.uid;
    return { authenticated: Boolean(st.authenticated), user, audiences: st.audiences ?? [], error: st.error || null };
  } catch (err) {
    throw toClusterError(err, { server: kc.getCurrentCluster()?.server, action: 'create tokenreviews' });
  }
}

// ---- pickers ------------------------------------------------------------------------------------

export type PickerKind = 'namespaces' | 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';

export interface PickerItem {
  name: string;
  /** Pods: the service account they run as (binding a token to another SA's pod is refused). */
  serviceAccount?: string;
  /** Pods: the node; secrets: the type. */
  detail?: string;
  /** Pods/nodes being deleted cannot anchor a new token for long. */
  terminating?: boolean;
}

export interface PickerPage {
  items: PickerItem[];
  /** The cluster's continue token when more remain. */
  continue?: string;
}

export const PICKER_PAGE_SIZE = 200;

interface ListParams {
  limit: number;
  _continue?: string;
}

interface AnyItem {
  metadata?: { name?: string; deletionTimestamp?: unknown };
  spec?: { serviceAccountName?: string; nodeName?: string };
  type?: string;
}

function toItem(kind: PickerKind, o: AnyItem): PickerItem {
  const item: PickerItem = { name: o.metadata?.name ?? '' };
  if (o.metadata?.deletionTimestamp) item.terminating = true;
  if (kind === 'pods') {
    item.serviceAccount = o.spec?.serviceAccountName || 'default';
    if (o.spec?.nodeName) item.detail = o.spec.nodeName;
  }
  if (kind === 'secrets' && o.type) item.detail = o.type;
  return item;
}

/** One page of names for a picker. Namespaced kinds need `namespace`. Throws ClusterError. */
export async function listPickerPage(
  kc: KubeConfig,
  kind: PickerKind,
  opts: { namespace?: string; continue?: string; limit?: number } = {},
): Promise<PickerPage> {
  const core = kc.makeApiClient(CoreV1Api);
  const params: ListParams = { limit: Math.min(Math.max(opts.limit ?? PICKER_PAGE_SIZE, 1), 500) };
  if (opts.continue) params._continue = opts.continue;
  const ns = opts.namespace ?? '';
  if (kind !== 'namespaces' && kind !== 'nodes' && !ns) throw new Error(`listing ${kind} needs a namespace`);
  try {
    const o = requestOptions();
    const res = (
      kind === 'namespaces' ? await core.listNamespace(params, o)
      : kind === 'nodes' ? await core.listNode(params, o)
      : kind === 'serviceaccounts' ? await core.listNamespacedServiceAccount({ ...params, namespace: ns }, o)
      : kind === 'pods' ? await core.listNamespacedPod({ ...params, namespace: ns }, o)
      : await core.listNamespacedSecret({ ...params, namespace: ns }, o)
    ) as { items: AnyItem[]; metadata?: { _continue?: string } };
    const page: PickerPage = { items: res.items.map((i) => toItem(kind, i)).filter((i) => i.name) };
    if (res.metadata?._continue) page.continue = res.metadata._continue;
    return page;
  } catch (err) {
    throw toClusterError(err, { server: kc.getCurrentCluster()?.server, action: `list ${kind}${ns ? ` in ${ns}` : ''}` });
  }
}
