// What cluster the dashboard is on, for the header: context, server URL, OpenShift or plain
// Kubernetes (decided by whether the API group config.openshift.io is served) and versions.
import 'server-only';
import { cache } from 'react';
import { ApisApi, CustomObjectsApi, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { apiClient, getConnection, requestOptions, type Connection } from './connection';
import { ClusterError, toClusterError, type ClusterErrorInfo } from './errors';

export type ClusterFlavor = 'openshift' | 'kubernetes';

/** Known without a network call: where the dashboard is pointed. */
export interface ClusterTarget {
  context: string;
  server: string;
  source: Connection['source'];
  demo: boolean;
  kubeconfigPath: string | null;
}

export interface ClusterInfo extends ClusterTarget {
  flavor: ClusterFlavor;
  /** gitVersion from /version, e.g. "v1.31.4". */
  kubernetesVersion: string;
  /** e.g. "4.18.3" from the ClusterVersion, when OpenShift says; null otherwise. */
  openshiftVersion: string | null;
}

/** The header's view of the cluster: always a target (unless unconfigured), info when reachable. */
export type ClusterStatus =
  | { ok: true; info: ClusterInfo }
  | { ok: false; target: ClusterTarget | null; error: ClusterErrorInfo };

export function clusterTarget(conn: Connection = getConnection()): ClusterTarget {
  return {
    context: conn.context,
    server: conn.cluster.server,
    source: conn.source,
    demo: conn.demo,
    kubeconfigPath: conn.kubeconfigPath ?? null,
  };
}

const OPENSHIFT_GROUP = 'config.openshift.io';

interface ClusterVersionLike {
  status?: { desired?: { version?: string }; history?: { state?: string; version?: string }[] };
}
interface ClusterOperatorLike {
  status?: { versions?: { name?: string; version?: string }[] };
}

/** OpenShift's own version; optional, so any failure (404, 403, not served) gives null. */
async function openshiftVersion(kc: KubeConfig): Promise<string | null> {
  const co = apiClient(CustomObjectsApi, kc);
  try {
    const cv = (await co.getClusterCustomObject(
      { group: OPENSHIFT_GROUP, version: 'v1', plural: 'clusterversions', name: 'version' },
      requestOptions(),
    )) as ClusterVersionLike;
    const v = cv.status?.desired?.version ?? cv.status?.history?.find((h) => h.state === 'Completed')?.version;
    if (v) return v;
  } catch {
    // fall through to the cluster operator
  }
  try {
    const op = (await co.getClusterCustomObject(
      { group: OPENSHIFT_GROUP, version: 'v1', plural: 'clusteroperators', name: 'kube-apiserver' },
      requestOptions(),
    )) as ClusterOperatorLike;
    return op.status?.versions?.find((x) => x.name === 'operator')?.version ?? null;
  } catch {
    return null;
  }
}

/** Asks the cluster for its version and API groups. Throws ClusterError. */
export async function fetchClusterInfo(conn: Connection = getConnection()): Promise<ClusterInfo> {
  const kc = conn.kubeConfig;
  const target = clusterTarget(conn);
  try {
    const [version, groups] = await Promise.all([
      apiClient(VersionApi, kc).getCode({}, requestOptions()),
      apiClient(ApisApi, kc).getAPIVersions({}, requestOptions()),
    ]);
    const isOpenShift = (groups.groups ?? []).some((g) => g.name === OPENSHIFT_GROUP);
    return {
      ...target,
      flavor: isOpenShift ? 'openshift' : 'kubernetes',
      kubernetesVersion: version.gitVersion ?? '',
      openshiftVersion: isOpenShift ? await openshiftVersion(kc) : null,
    };
  } catch (err) {
    throw toClusterError(err, { server: target.server, action: 'read the server version' });
  }
}

// Every page shows the cluster's identity; the version and API groups change only on upgrade, so
// they are read at most every 30 s per server, not on every render (the dashboard must never be
// what loads an API server). Failures are not cached: the next render tries again.
const INFO_TTL_MS = 30_000;
const infoCache = ((globalThis as unknown as { __btdClusterInfo?: Map<string, { at: number; info: Promise<ClusterInfo> }> }).__btdClusterInfo ??= new Map());

function cachedClusterInfo(conn: Connection): Promise<ClusterInfo> {
  const target = clusterTarget(conn);
  const key = `${target.context} ${target.server}`;
  const hit = infoCache.get(key);
  if (hit && Date.now() - hit.at < INFO_TTL_MS) return hit.info;
  const info = fetchClusterInfo(conn);
  infoCache.set(key, { at: Date.now(), info });
  info.catch(() => infoCache.delete(key));
  return info;
}

/**
 * Never throws: the cluster info, or the error with as much of the target as is known.
 * Deduplicated per request (layout and page both ask) with React's cache.
 */
export const getClusterStatus = cache(async (): Promise<ClusterStatus> => {
  let conn: Connection;
  try {
    conn = getConnection();
  } catch (err) {
    return { ok: false, target: null, error: toClusterError(err).info() };
  }
  try {
    return { ok: true, info: await cachedClusterInfo(conn) };
  } catch (err) {
    const e = err instanceof ClusterError ? err : toClusterError(err);
    return { ok: false, target: clusterTarget(conn), error: e.info() };
  }
});
