// The kube-apiserver revision rollout as the OpenShift operator reports it in
// kubeapiservers.operator.openshift.io/cluster: a plain DTO (per control-plane node revisions and
// failures, the installer conditions verbatim, the revision text parsed in both wordings, and the
// text the procedure's `oc get kubeapiserver -o jsonpath=...` prints), plus the count of pods that
// still run since before an issuer change (they hold tokens of the previous issuer).
// The parsing half is pure (it also runs on every watch event the live hub projects).
import 'server-only';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { apiClient, requestOptions } from './connection';
import { toClusterError } from './errors';
import { toIso } from './nodes';
import { PAGE_SIZE } from './paginate';

export const KAS_GROUP = 'operator.openshift.io';
export const KAS_VERSION = 'v1';
export const KAS_PLURAL = 'kubeapiservers';
export const KAS_NAME = 'cluster';
/** Collection path the live hub watches. */
export const KAS_PATH = `/apis/${KAS_GROUP}/${KAS_VERSION}/${KAS_PLURAL}`;
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc';

export const CONDITION_TYPES = ['NodeInstallerProgressing', 'StaticPodsAvailable', 'NodeInstallerDegraded'] as const;
export type InstallerConditionType = (typeof CONDITION_TYPES)[number];

/** A status condition exactly as the cluster wrote it; a missing reason or message is "". */
export interface RolloutCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string | null;
}

/** Where a node stands relative to the latest revision. */
export type NodePhase = 'at-latest' | 'installing' | 'failing' | 'waiting';

export interface RolloutNode {
  nodeName: string;
  currentRevision: number;
  targetRevision: number;
  lastFailedRevision: number;
  lastFailedTime: string | null;
  lastFailedReason: string;
  lastFailedCount: number;
  lastFailedRevisionErrors: string[];
  phase: NodePhase;
  /** A failure that still matters: its revision is newer than what the node runs. */
  failureOpen: boolean;
}

/** One "N node(s) ... revision R" clause of the revision text. */
export interface RevisionTextPart {
  count: number;
  revision: number;
  /** "at": N nodes are at revision R; "achieved": 0 nodes have achieved new revision R. */
  kind: 'at' | 'achieved';
  /** The clause as the cluster wrote it. */
  text: string;
}

export interface ParsedRevisionText {
  raw: string;
  parts: RevisionTextPart[];
  /** False when some clause did not match a known wording (the raw text is still shown). */
  recognized: boolean;
}

export interface TrustedIssuer {
  name: string;
  /** null for the active issuer (it signs new tokens). */
  expirationTime: string | null;
}

export interface RolloutDto {
  name: string;
  resourceVersion: string;
  latestAvailableRevision: number;
  nodes: RolloutNode[];
  conditions: Record<InstallerConditionType, RolloutCondition | null>;
  /** The NodeInstallerProgressing message, parsed. */
  revisionText: ParsedRevisionText;
  /** Nodes whose currentRevision is the latest. */
  nodesAtLatest: number;
  /** "2 of 3 nodes at revision 12" */
  summary: string;
  /** Every node runs the latest revision and none is being moved. */
  complete: boolean;
  /** What `oc get kubeapiserver -o=jsonpath='{range ...}{.reason}{"\n"}{.message}{"\n"}'` prints. */
  jsonpathOutput: string;
  /** status.serviceAccountIssuers in the cluster's order. */
  serviceAccountIssuers: TrustedIssuer[];
  /** The entry without expirationTime (signs new tokens); the default issuer when the list is empty. */
  activeIssuer: string;
  /** The demoted issuer trusted longest, if any (client components cannot import the helpers here). */
  previousIssuer: TrustedIssuer | null;
}

/** The procedure's command, verbatim. */
export const PROCEDURE_COMMAND =
  `oc get kubeapiserver -o=jsonpath='{range .items[0].status.conditions[?(@.type=="NodeInstallerProgressing")]}{.reason}{"\\n"}{.message}{"\\n"}'`;

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const PART_AT = /^(\d+) (?:node is|nodes are) at revision (\d+)$/;
const PART_ACHIEVED = /^(\d+) nodes? (?:have|has) achieved new revision (\d+)$/;

/**
 * Parses library-go's revision text: "3 nodes are at revision 11; 0 nodes have achieved new
 * revision 12", "2 nodes are at revision 11; 1 node is at revision 12", and the ≤4.15 wording
 * "1 nodes are at revision 12".
 */
export function parseRevisionText(raw: string): ParsedRevisionText {
  const parts: RevisionTextPart[] = [];
  let recognized = raw.trim() !== '';
  for (const clause of raw.split(';').map((s) => s.trim()).filter(Boolean)) {
    const at = PART_AT.exec(clause);
    const ach = at ? null : PART_ACHIEVED.exec(clause);
    const m = at ?? ach;
    if (!m) {
      recognized = false;
      continue;
    }
    parts.push({ count: Number(m[1]), revision: Number(m[2]), kind: at ? 'at' : 'achieved', text: clause });
  }
  return { raw, parts, recognized };
}

function toCondition(c: unknown): RolloutCondition {
  const o = (c ?? {}) as Record<string, unknown>;
  return {
    type: str(o.type),
    status: str(o.status),
    reason: str(o.reason),
    message: str(o.message),
    lastTransitionTime: toIso(o.lastTransitionTime),
  };
}

function toNode(n: unknown, latest: number): RolloutNode {
  const o = (n ?? {}) as Record<string, unknown>;
  const currentRevision = num(o.currentRevision);
  const targetRevision = num(o.targetRevision);
  const lastFailedRevision = num(o.lastFailedRevision);
  const lastFailedCount = num(o.lastFailedCount);
  const errors = Array.isArray(o.lastFailedRevisionErrors) ? o.lastFailedRevisionErrors.filter((e): e is string => typeof e === 'string') : [];
  // A failure is history once the node runs that revision (or a newer one): the operator keeps the fields.
  const failureOpen = lastFailedRevision > 0 && lastFailedRevision > currentRevision;
  let phase: NodePhase;
  if (currentRevision === latest && targetRevision === 0) phase = 'at-latest';
  else if (failureOpen && (targetRevision === 0 || targetRevision === lastFailedRevision)) phase = 'failing';
  else if (targetRevision !== 0) phase = 'installing';
  else phase = currentRevision === latest ? 'at-latest' : 'waiting';
  return {
    nodeName: str(o.nodeName),
    currentRevision,
    targetRevision,
    lastFailedRevision,
    lastFailedTime: toIso(o.lastFailedTime),
    lastFailedReason: str(o.lastFailedReason),
    lastFailedCount,
    lastFailedRevisionErrors: errors,
    phase,
    failureOpen,
  };
}

/** kubectl's jsonpath prints a missing field as nothing, so an absent reason is an empty line. */
export function jsonpathOutputOf(progressing: RolloutCondition | null): string {
  if (!progressing) return '';
  return `${progressing.reason}\n${progressing.message}\n`;
}

export function summaryText(nodesAtLatest: number, total: number, latest: number): string {
  return `${nodesAtLatest} of ${total} ${total === 1 ? 'node' : 'nodes'} at revision ${latest}`;
}

/** Reshapes a KubeAPIServer object (from a get, a list or a watch event) into the DTO. */
export function parseKubeApiServer(obj: unknown): RolloutDto {
  const o = (obj ?? {}) as { metadata?: { name?: string; resourceVersion?: string }; status?: Record<string, unknown> };
  const status = o.status ?? {};
  const latest = num(status.latestAvailableRevision);
  const nodes = (Array.isArray(status.nodeStatuses) ? status.nodeStatuses : []).map((n) => toNode(n, latest));
  const rawConds = Array.isArray(status.conditions) ? status.conditions : [];
  const find = (t: string) => {
    const c = rawConds.find((x) => (x as { type?: unknown } | null)?.type === t);
    return c ? toCondition(c) : null;
  };
  const conditions = Object.fromEntries(CONDITION_TYPES.map((t) => [t, find(t)])) as Record<InstallerConditionType, RolloutCondition | null>;
  const progressing = conditions.NodeInstallerProgressing;
  const nodesAtLatest = nodes.filter((n) => n.currentRevision === latest).length;
  const complete = nodes.length > 0 && nodes.every((n) => n.currentRevision === latest && n.targetRevision === 0);
  const issuers = (Array.isArray(status.serviceAccountIssuers) ? status.serviceAccountIssuers : []).map((i) => {
    const r = (i ?? {}) as Record<string, unknown>;
    return { name: str(r.name), expirationTime: toIso(r.expirationTime) };
  });
  const withIssuers = { serviceAccountIssuers: issuers };
  return {
    name: o.metadata?.name ?? '',
    resourceVersion: o.metadata?.resourceVersion ?? '',
    latestAvailableRevision: latest,
    nodes,
    conditions,
    revisionText: parseRevisionText(progressing?.message ?? ''),
    nodesAtLatest,
    summary: summaryText(nodesAtLatest, nodes.length, latest),
    complete,
    jsonpathOutput: jsonpathOutputOf(progressing),
    serviceAccountIssuers: issuers,
    activeIssuer: activeIssuer(withIssuers),
    previousIssuer: previousIssuer(withIssuers),
  };
}

/** The previous issuer that is trusted longest (the one the last change demoted), if any. */
export function previousIssuer(dto: Pick<RolloutDto, 'serviceAccountIssuers'>): TrustedIssuer | null {
  const trusted = dto.serviceAccountIssuers.filter((i) => i.expirationTime);
  if (!trusted.length) return null;
  return trusted.reduce((a, b) => (Date.parse(b.expirationTime!) > Date.parse(a.expirationTime!) ? b : a));
}

/** The active issuer: the entry without an expirationTime (the default when the list is empty). */
export function activeIssuer(dto: Pick<RolloutDto, 'serviceAccountIssuers'>): string {
  return dto.serviceAccountIssuers.find((i) => !i.expirationTime)?.name ?? DEFAULT_ISSUER;
}

/** The operator keeps a demoted issuer trusted this long after the change (24 h today). */
export const PREVIOUS_ISSUER_TRUST_MS = 24 * 3600_000;

/** When the issuer last changed, inferred from the previous issuer's expiry. */
export function issuerChangedAt(dto: Pick<RolloutDto, 'serviceAccountIssuers'>): string | null {
  const prev = previousIssuer(dto);
  if (!prev?.expirationTime) return null;
  return new Date(Date.parse(prev.expirationTime) - PREVIOUS_ISSUER_TRUST_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Reads kubeapiservers/cluster with the caller's credentials. Returns null when the cluster has no
 * such resource (plain Kubernetes) or no `cluster` object. Throws ClusterError otherwise.
 */
export async function getRollout({ kubeConfig }: { kubeConfig: KubeConfig }): Promise<RolloutDto | null> {
  const api = apiClient(CustomObjectsApi, kubeConfig);
  try {
    const obj = await api.getClusterCustomObject({ group: KAS_GROUP, version: KAS_VERSION, plural: KAS_PLURAL, name: KAS_NAME }, requestOptions());
    return parseKubeApiServer(obj);
  } catch (err) {
    const ce = toClusterError(err, { server: kubeConfig.getCurrentCluster()?.server, action: 'read the kube-apiserver rollout' });
    if (ce.status === 404) return null;
    throw ce;
  }
}

export interface OldPodCount {
  /** Running pods whose status.startTime is before `before`. */
  count: number;
  /** Running pods looked at. */
  scanned: number;
  /** Not counted: the cluster has more pods than `maxPods`. */
  skipped: boolean;
  /** Total pods as the first page announced (items + remainingItemCount), when known. */
  total: number | null;
}

const podCountCache = new Map<string, { until: number; value: Promise<OldPodCount> }>();

/**
 * Counts Running pods started before `before` (they still hold tokens of the previous issuer),
 * page by page (limit 500), never keeping the pods. Skips when the first page says the cluster has
 * more than `maxPods` pods. Cached briefly per `cacheKey`, so reloading the overview does not
 * rescan every time.
 */
export async function countPodsStartedBefore(
  kubeConfig: KubeConfig,
  before: string,
  opts: { maxPods?: number; cacheKey?: string; ttlMs?: number } = {},
): Promise<OldPodCount> {
  const key = opts.cacheKey ? `${opts.cacheKey}|${before}` : undefined;
  const now = Date.now();
  if (key) {
    const hit = podCountCache.get(key);
    if (hit && hit.until > now) return hit.value;
  }
  const run = scanPods(kubeConfig, Date.parse(before), opts.maxPods ?? 20_000);
  if (key) {
    if (podCountCache.size > 1000) podCountCache.clear();
    podCountCache.set(key, { until: now + (opts.ttlMs ?? 30_000), value: run });
    run.catch(() => podCountCache.delete(key));
  }
  return run;
}

async function scanPods(kubeConfig: KubeConfig, beforeMs: number, maxPods: number): Promise<OldPodCount> {
  const api = apiClient(CoreV1Api, kubeConfig);
  let token: string | undefined;
  let count = 0;
  let scanned = 0;
  let total: number | null = null;
  const seen = new Set<string>();
  try {
    for (let page = 0; page < Math.ceil(maxPods / PAGE_SIZE) + 1; page++) {
      const res = await api.listPodForAllNamespaces(
        { limit: PAGE_SIZE, fieldSelector: 'status.phase=Running', ...(token ? { _continue: token } : {}) },
        requestOptions(),
      );
      if (page === 0) {
        const remaining = res.metadata?.remainingItemCount;
        total = typeof remaining === 'number' ? res.items.length + remaining : res.metadata?._continue ? null : res.items.length;
        if (total !== null && total > maxPods) return { count: 0, scanned: 0, skipped: true, total };
      }
      for (const p of res.items) {
        scanned++;
        const started = toIso(p.status?.startTime);
        if (started && Date.parse(started) < beforeMs) count++;
      }
      token = res.metadata?._continue || undefined;
      if (!token) return { count, scanned, skipped: false, total };
      if (seen.has(token) || scanned >= maxPods) break;
      seen.add(token);
    }
  } catch (err) {
    throw toClusterError(err, { server: kubeConfig.getCurrentCluster()?.server, action: 'count running pods' });
  }
  return { count, scanned, skipped: true, total };
}

export interface ClusterClockSample {
  /** The dashboard server's time when it asked (ISO). */
  serverNow: string;
  /** The cluster's time as its newest node heartbeat says (ISO), or null when unknown. */
  clusterNow: string | null;
  /** Where clusterNow came from, e.g. "lease kube-node-lease/cp-0". */
  source: string | null;
}

/**
 * The cluster's own clock, read from a node's heartbeat Lease (renewed every ~10 s by the kubelet).
 * Timestamps in the KubeAPIServer status (lastTransitionTime, expirationTime) are in that clock; a
 * browser comparing them with its own clock would be wrong when the clocks differ (or, on the demo
 * cluster, when its clock runs faster). Null when the lease cannot be read.
 */
export async function clusterClockSample(kubeConfig: KubeConfig, nodeNames: string[]): Promise<ClusterClockSample> {
  const api = apiClient(CoordinationV1Api, kubeConfig);
  const serverNow = new Date().toISOString();
  for (const name of nodeNames.slice(0, 3)) {
    try {
      const lease = await api.readNamespacedLease({ namespace: 'kube-node-lease', name }, requestOptions(5_000));
      const t = toIsoMs(lease.spec?.renewTime);
      if (t) return { serverNow, clusterNow: t, source: `lease kube-node-lease/${name}` };
    } catch {
      // Not allowed or not there: try the next node, else say we do not know.
    }
  }
  return { serverNow, clusterNow: null, source: null };
}

function toIsoMs(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(Date.parse(v)).toISOString();
  return null;
}

/** The newest time the cluster wrote into this status: the cluster's clock reads at least that now. */
export function clusterTimeLowerBound(dto: RolloutDto): string | null {
  const times = [
    ...Object.values(dto.conditions).map((c) => c?.lastTransitionTime ?? null),
    ...dto.nodes.map((n) => n.lastFailedTime),
    issuerChangedAt(dto),
  ]
    .map((t) => (t ? Date.parse(t) : NaN))
    .filter((t) => Number.isFinite(t));
  return times.length ? new Date(Math.max(...times)).toISOString() : null;
}

/**
 * The best cluster-clock sample for a page: a heartbeat lease when readable; otherwise, when the
 * status holds a timestamp later than this server's clock (a cluster whose clock is ahead, like the
 * sped-up demo cluster), that timestamp, which the cluster's clock has certainly passed.
 */
export async function clusterClockFor(kubeConfig: KubeConfig, dto: RolloutDto): Promise<ClusterClockSample> {
  const s = await clusterClockSample(kubeConfig, dto.nodes.map((n) => n.nodeName)).catch(() => null);
  if (s?.clusterNow) return s;
  const serverNow = s?.serverNow ?? new Date().toISOString();
  const bound = clusterTimeLowerBound(dto);
  if (bound && Date.parse(bound) > Date.parse(serverNow)) return { serverNow, clusterNow: bound, source: 'latest KubeAPIServer status timestamp' };
  return { serverNow, clusterNow: null, source: null };
}
