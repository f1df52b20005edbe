// Pods that mount projected service account tokens, read from the pod spec alone (volumes[].projected
// .sources[].serviceAccountToken and the containers' volumeMounts) so it works on any cluster; and
// creating the procedure's pod, a server-side dry run first. Lists are read cluster-wide in pages
// (limit 500 + continue) and handed out a screenful at a time with a continue token, because a
// cluster may hold 100,000 pods. The cluster's refusals come back as field causes for the form.
import 'server-only';
import { CoreV1Api, CustomObjectsApi, Observable, type KubeConfig, type ObservableMiddleware, type V1Pod, type V1Volume } from '@kubernetes/client-node';
import { canI, roleFor } from './access';
import { requestOptions } from './connection';
import { toClusterError } from './errors';
import { PAGE_SIZE, listAllPages } from './paginate';
import { toIso } from './nodes';

export const API_AUDIENCES = 'API audiences';
export const DEFAULT_PROJECTION_SECONDS = 3600;
/** The ServiceAccount admission plugin's volume (admission.go ServiceAccountVolumeName). */
export const AUTO_INJECTED_PREFIX = 'kube-api-access-';
/** The operator trusts a previous issuer for 24 h after the change (openshift-operator-facts.md). */
export const PREVIOUS_ISSUER_TRUST_MS = 24 * 60 * 60 * 1000;

export interface ProjectedTokenDto {
  namespace: string;
  pod: string;
  serviceAccount: string;
  volume: string;
  /** The requested audience, or "API audiences" when none is set. */
  audience: string;
  /** True when no audience is set (the token is for the API server's own audiences). */
  apiAudiences: boolean;
  /** As requested in the spec; 3600 when the spec leaves it out. */
  expirationSeconds: number;
  /** The file name inside the volume. */
  path: string;
  /** Where the containers see the volume ("container: /path"), joined file paths are mountPath/path. */
  mountPaths: string[];
  /** status.startTime (RFC 3339) or null while the pod has not started. */
  startTime: string | null;
  /** Seconds since startTime (or creation when not started) at the time of listing. */
  age: number | null;
  /** Started before the service account issuer last changed; null when either time is unknown. */
  startedBeforeIssuerChange: boolean | null;
  /** The kube-api-access-* volume the ServiceAccount admission plugin injects. */
  autoInjected: boolean;
  phase: string;
}

export interface IssuerChange {
  /** The issuer that signs now (status entry without expirationTime). */
  current: string | null;
  /** Issuers still trusted after a change, with the time their trust ends. */
  previous: { name: string; expirationTime: string }[];
  /** expirationTime − 24 h of the newest previous issuer ≈ when the issuer last changed. */
  changedAt: string | null;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The issuer history from the KubeAPIServer operator status (OpenShift). null on a plain
 * Kubernetes cluster or when the user may not read it: the flag column then says "unknown".
 */
export async function readIssuerChange(kc: KubeConfig): Promise<IssuerChange | null> {
  try {
    const api = kc.makeApiClient(CustomObjectsApi);
    const obj = (await api.getClusterCustomObject({ group: 'operator.openshift.io', version: 'v1', plural: 'kubeapiservers', name: 'cluster' }, requestOptions())) as Obj;
    return issuerChangeFromStatus(isObj(obj.status) ? obj.status.serviceAccountIssuers : undefined);
  } catch (err) {
    const ce = toClusterError(err, { server: kc.getCurrentCluster()?.server, action: 'read the service account issuers' });
    if (ce.kind === 'notfound' || ce.kind === 'forbidden') return null;
    throw ce;
  }
}

export function issuerChangeFromStatus(list: unknown): IssuerChange | null {
  if (!Array.isArray(list)) return null;
  const entries = list.filter(isObj).map((e) => ({ name: String(e.name ?? ''), expirationTime: typeof e.expirationTime === 'string' ? e.expirationTime : toIso(e.expirationTime) }));
  const current = entries.find((e) => !e.expirationTime)?.name || null;
  const previous = entries.filter((e): e is { name: string; expirationTime: string } => !!e.expirationTime);
  const latestExpiry = Math.max(...previous.map((p) => Date.parse(p.expirationTime)).filter((t) => !Number.isNaN(t)));
  const changedAt = Number.isFinite(latestExpiry) ? new Date(latestExpiry - PREVIOUS_ISSUER_TRUST_MS).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
  return { current, previous, changedAt };
}

export function isAutoInjected(volume: V1Volume): boolean {
  return volume.name.startsWith(AUTO_INJECTED_PREFIX);
}

/** The projected service account tokens of one pod (one row per serviceAccountToken source). */
export function projectedTokensOfPod(pod: V1Pod, ctx: { nowMs: number; issuerChangedAtMs: number | null }): ProjectedTokenDto[] {
  const out: ProjectedTokenDto[] = [];
  const spec = pod.spec;
  if (!spec?.volumes?.length) return out;
  const startTime = toIso(pod.status?.startTime);
  const since = startTime ?? toIso(pod.metadata?.creationTimestamp);
  const sinceMs = since ? Date.parse(since) : NaN;
  const age = Number.isNaN(sinceMs) ? null : Math.max(0, Math.floor((ctx.nowMs - sinceMs) / 1000));
  const startMs = startTime ? Date.parse(startTime) : NaN;
  const before = ctx.issuerChangedAtMs === null || Number.isNaN(startMs) ? null : startMs < ctx.issuerChangedAtMs;
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  for (const v of spec.volumes) {
    const sources = v.projected?.sources ?? [];
    for (const s of sources) {
      const t = s.serviceAccountToken;
      if (!t) continue;
      const mountPaths = containers.flatMap((c) => (c.volumeMounts ?? []).filter((m) => m.name === v.name).map((m) => `${c.name}: ${m.mountPath}${m.subPath ? ` (subPath ${m.subPath})` : ''}`));
      out.push({
        namespace: pod.metadata?.namespace ?? '',
        pod: pod.metadata?.name ?? '',
        serviceAccount: spec.serviceAccountName || spec.serviceAccount || 'default',
        volume: v.name,
        audience: t.audience ? t.audience : API_AUDIENCES,
        apiAudiences: !t.audience,
        expirationSeconds: typeof t.expirationSeconds === 'number' ? t.expirationSeconds : DEFAULT_PROJECTION_SECONDS,
        path: t.path,
        mountPaths,
        startTime,
        age,
        startedBeforeIssuerChange: before,
        autoInjected: isAutoInjected(v),
        phase: pod.status?.phase ?? 'Unknown',
      });
    }
  }
  return out;
}

export interface ProjectedListOptions {
  /** Continue token from the previous call (ours: the API's continue token). */
  continue?: string;
  /** Include the auto-injected kube-api-access-* volumes (default false: custom projections only). */
  includeAutoInjected?: boolean;
  /** Stop reading pages once this many rows are found (default 100). */
  minRows?: number;
  /** Pods per API request (default 500). */
  pageSize?: number;
  /** Pages per call at most, so one call stays quick on a huge cluster (default 8 = 4,000 pods). */
  maxPages?: number;
  nowMs?: number;
  /** Skip reading the issuer again (the caller already has it). */
  issuer?: IssuerChange | null;
}

export interface ProjectedPage {
  items: ProjectedTokenDto[];
  /** Auto-injected token volumes seen in the pods scanned by this call (hidden unless included). */
  autoInjectedCount: number;
  podsScanned: number;
  /** Pass back for the next screenful; null when the list is complete. */
  continue: string | null;
  /** The continue token had expired (410): this page starts again from the beginning. */
  restarted: boolean;
  issuer: IssuerChange | null;
}

/** A screenful of projected tokens, cluster-wide, read page by page. Throws ClusterError. */
export async function listProjectedTokens(kc: KubeConfig, opts: ProjectedListOptions = {}): Promise<ProjectedPage> {
  const server = kc.getCurrentCluster()?.server;
  const core = kc.makeApiClient(CoreV1Api);
  const limit = opts.pageSize ?? PAGE_SIZE;
  const minRows = opts.minRows ?? 100;
  const maxPages = opts.maxPages ?? 8;
  const nowMs = opts.nowMs ?? Date.now();
  const issuer = opts.issuer !== undefined ? opts.issuer : await readIssuerChange(kc);
  const changedMs = issuer?.changedAt ? Date.parse(issuer.changedAt) : null;
  const ctx = { nowMs, issuerChangedAtMs: changedMs !== null && !Number.isNaN(changedMs) ? changedMs : null };
  const items: ProjectedTokenDto[] = [];
  let autoInjectedCount = 0;
  let podsScanned = 0;
  let token = opts.continue || undefined;
  let restarted = false;
  const seen = new Set<string>();
  for (let page = 0; page < maxPages; page++) {
    let res;
    try {
      res = await core.listPodForAllNamespaces(token ? { limit, _continue: token } : { limit }, requestOptions());
    } catch (err) {
      const ce = toClusterError(err, { server, action: 'list pods' });
      // An expired continue token (410 Gone): start over rather than fail the table.
      if (ce.status === 410 && token && !restarted) {
        restarted = true;
        token = undefined;
        items.length = 0;
        autoInjectedCount = 0;
        podsScanned = 0;
        page = -1;
        continue;
      }
      throw ce;
    }
    podsScanned += res.items.length;
    for (const pod of res.items) {
      for (const row of projectedTokensOfPod(pod, ctx)) {
        if (row.autoInjected) autoInjectedCount++;
        if (row.autoInjected && !opts.includeAutoInjected) continue;
        items.push(row);
      }
    }
    const next = res.metadata?._continue || undefined;
    if (!next) return { items, autoInjectedCount, podsScanned, continue: null, restarted, issuer };
    if (seen.has(next)) throw toClusterError(new Error('The API server repeated a continue token while listing pods.'), { server });
    seen.add(next);
    token = next;
    if (items.length >= minRows) break;
  }
  return { items, autoInjectedCount, podsScanned, continue: token ?? null, restarted, issuer };
}

/** Service account names of a namespace, for the picker (paginated, capped). */
export async function listServiceAccountNames(kc: KubeConfig, namespace: string): Promise<string[]> {
  try {
    const core = kc.makeApiClient(CoreV1Api);
    const { items } = await listAllPages((p) => core.listNamespacedServiceAccount({ namespace, ...p }, requestOptions()), { maxPages: 10 });
    return items.map((sa) => sa.metadata?.name ?? '').filter(Boolean).sort();
  } catch (err) {
    throw toClusterError(err, { server: kc.getCurrentCluster()?.server, action: `list service accounts in ${namespace}` });
  }
}

/** Namespace names for the picker (paginated, capped at 5,000). */
export async function listNamespaceNames(kc: KubeConfig): Promise<{ names: string[]; truncated: boolean }> {
  try {
    const core = kc.makeApiClient(CoreV1Api);
    const { items, truncated } = await listAllPages((p) => core.listNamespace(p, requestOptions()), { maxPages: 10 });
    return { names: items.map((n) => n.metadata?.name ?? '').filter(Boolean).sort(), truncated };
  } catch (err) {
    throw toClusterError(err, { server: kc.getCurrentCluster()?.server, action: 'list namespaces' });
  }
}

export interface FieldCause {
  /** The cluster's field path, e.g. spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds. */
  field: string;
  message: string;
  reason?: string;
}

export interface CreatedPod {
  namespace: string;
  name: string;
  uid: string | null;
  phase: string;
  creationTimestamp: string | null;
  /** Every projected token the cluster would mount, auto-injected ones included (after admission). */
  tokens: ProjectedTokenDto[];
}

export type CreateResult =
  | { ok: true; dryRun: boolean; pod: CreatedPod; warnings: string[] }
  | { ok: false; status: number; reason: string; message: string; causes: FieldCause[] };

function statusBody(body: unknown): Obj {
  if (isObj(body)) return body;
  if (typeof body === 'string') {
    try {
      const o: unknown = JSON.parse(body);
      if (isObj(o)) return o;
    } catch {
      /* not a Status */
    }
  }
  return {};
}

/** A middleware that collects the API server's Warning headers (299 "…"). */
function warningCollector(sink: string[]): ObservableMiddleware {
  return {
    pre: (ctx) => new Observable(Promise.resolve(ctx)),
    post: (res) => {
      const h = res.headers?.warning ?? res.headers?.Warning;
      if (h) for (const m of h.matchAll(/299 - "((?:[^"\\]|\\.)*)"/g)) sink.push(m[1]!.replace(/\\(.)/g, '$1'));
      return new Observable(Promise.resolve(res));
    },
  };
}

export function createdPodDto(pod: V1Pod, nowMs = Date.now()): CreatedPod {
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    uid: pod.metadata?.uid ?? null,
    phase: pod.status?.phase ?? 'Pending',
    creationTimestamp: toIso(pod.metadata?.creationTimestamp),
    tokens: projectedTokensOfPod(pod, { nowMs, issuerChangedAtMs: null }),
  };
}

/**
 * Creates the pod in `namespace` (dryRun: the API server admits and validates it but stores
 * nothing). The cluster's refusals that concern a field come back as causes: 422 Invalid with its
 * own causes; 409 AlreadyExists on metadata.name; 404 for a missing namespace; the ServiceAccount
 * admission plugin's 403 for a missing service account; pod security / SCC refusals on the security
 * context. Other failures throw ClusterError (403 RBAC).
 */
export async function createProjectedPod(kc: KubeConfig, namespace: string, manifest: object, opts: { dryRun: boolean }): Promise<CreateResult> {
  const core = kc.makeApiClient(CoreV1Api);
  const warnings: string[] = [];
  const base = requestOptions();
  const ro = { ...base, middleware: [...(base.middleware ?? []), warningCollector(warnings)] };
  try {
    const pod = await core.createNamespacedPod({ namespace, body: manifest as V1Pod, ...(opts.dryRun ? { dryRun: 'All' } : {}) }, ro);
    return { ok: true, dryRun: opts.dryRun, pod: createdPodDto(pod), warnings };
  } catch (err) {
    const e = err as { code?: unknown; body?: unknown };
    if (typeof e.code === 'number') {
      const st = statusBody(e.body);
      const message = typeof st.message === 'string' ? st.message : `The API server answered ${e.code}.`;
      const reason = typeof st.reason === 'string' ? st.reason : '';
      const details = isObj(st.details) ? st.details : {};
      if (e.code === 422) {
        const causes = (Array.isArray(details.causes) ? details.causes : []).filter(isObj).map((c) => ({
          field: String(c.field ?? ''),
          message: String(c.message ?? ''),
          ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
        }));
        return { ok: false, status: 422, reason: reason || 'Invalid', message, causes };
      }
      if (e.code === 409) return { ok: false, status: 409, reason: reason || 'AlreadyExists', message, causes: [{ field: 'metadata.name', message }] };
      if (e.code === 404 && details.kind === 'namespaces') return { ok: false, status: 404, reason: reason || 'NotFound', message, causes: [{ field: 'metadata.namespace', message }] };
      if (e.code === 403 && /error looking up service account/.test(message)) {
        return { ok: false, status: 403, reason: reason || 'Forbidden', message, causes: [{ field: 'spec.serviceAccountName', message }] };
      }
      if (e.code === 403 && /violates PodSecurity|unable to validate against any security context constraint/.test(message)) {
        return { ok: false, status: 403, reason: reason || 'Forbidden', message, causes: [{ field: 'spec.securityContext', message }] };
      }
    }
    throw toClusterError(err, { server: kc.getCurrentCluster()?.server, action: `create pods in ${namespace}` });
  }
}

/** One pod's state after creation; null when it is gone. */
export async function readPodState(kc: KubeConfig, namespace: string, name: string): Promise<CreatedPod | null> {
  try {
    const core = kc.makeApiClient(CoreV1Api);
    return createdPodDto(await core.readNamespacedPod({ namespace, name }, requestOptions()));
  } catch (err) {
    const ce = toClusterError(err, { server: kc.getCurrentCluster()?.server, action: `read pod ${namespace}/${name}` });
    if (ce.kind === 'notfound') return null;
    throw ce;
  }
}

export interface CreateAccess {
  allowed: boolean;
  /** "You (viewer) cannot create pods in the namespace "default"" when not allowed. */
  message?: string;
  /** Which role would allow it and how to get it. */
  hint?: string;
}

/** May this user create pods in `namespace`? A SelfSubjectAccessReview (cached per session). */
export async function podCreateAccess(kc: KubeConfig, namespace: string, opts: { username: string; cacheKey?: string }): Promise<CreateAccess> {
  const d = await canI(kc, { verb: 'create', resource: 'pods', namespace }, opts.cacheKey ? { cacheKey: opts.cacheKey } : {});
  if (d.allowed) return { allowed: true };
  const role = roleFor({ verb: 'create', resource: 'pods', namespace });
  return {
    allowed: false,
    message: `You (${opts.username}) cannot create pods in the namespace "${namespace}"`,
    hint: `The cluster role "${role}" would allow it: ask an administrator for a RoleBinding to "${role}" in "${namespace}" (oc adm policy add-role-to-user ${role} ${opts.username} -n ${namespace}).`,
  };
}
