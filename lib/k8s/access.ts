// Who the user is and what the cluster lets them do, asked of the cluster with the user's own
// credentials: whoAmI (SelfSubjectReview → OpenShift users/~ → TokenReview), canI
// (SelfSubjectAccessReview, cached briefly per session), and the translation of a cluster 403 into
// "You (viewer) cannot patch nodes" plus the default role that would allow it.
import 'server-only';
import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CustomObjectsApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { getConnection, requestOptions } from './connection';
import { ClusterError, toClusterError } from './errors';

export interface Identity {
  username: string;
  uid?: string;
  groups: string[];
  /** Which API answered; older clusters lack SelfSubjectReview (GA in 1.28). */
  source: 'selfsubjectreview' | 'openshift-user' | 'tokenreview';
}

const serverOf = (kc: KubeConfig) => kc.getCurrentCluster()?.server;

/** 404 (API absent) and 403 (not allowed to ask) mean "try the next way"; anything else is final. */
function tryNext(err: ClusterError): boolean {
  return err.status === 404 || err.status === 403 || err.status === 405;
}

async function viaSelfSubjectReview(kc: KubeConfig): Promise<Identity | null> {
  const api = kc.makeApiClient(AuthenticationV1Api);
  const res = await api.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } }, requestOptions());
  const u = res.status?.userInfo;
  if (!u?.username) return null;
  const id: Identity = { username: u.username, groups: u.groups ?? [], source: 'selfsubjectreview' };
  if (u.uid) id.uid = u.uid;
  return id;
}

async function viaOpenShiftUser(kc: KubeConfig): Promise<Identity | null> {
  const api = kc.makeApiClient(CustomObjectsApi);
  const user = (await api.getClusterCustomObject({ group: 'user.openshift.io', version: 'v1', plural: 'users', name: '~' }, requestOptions())) as {
    metadata?: { name?: string; uid?: string };
    groups?: string[] | null;
  };
  const name = user?.metadata?.name;
  if (!name) return null;
  // users/~ lists only OpenShift Group memberships; the virtual groups are implied.
  const groups = [...new Set([...(user.groups ?? []), 'system:authenticated:oauth', 'system:authenticated'])];
  const id: Identity = { username: name, groups, source: 'openshift-user' };
  if (user.metadata?.uid) id.uid = user.metadata.uid;
  return id;
}

async function viaTokenReview(kc: KubeConfig, reviewer: KubeConfig): Promise<Identity | null> {
  const token = kc.getCurrentUser()?.token;
  if (!token) return null;
  const api = reviewer.makeApiClient(AuthenticationV1Api);
  const res = await api.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } }, requestOptions());
  if (!res.status?.authenticated) {
    throw new ClusterError({ kind: 'unauthorized', status: 401, message: 'The cluster did not accept the token (TokenReview: not authenticated).', hint: 'Use a valid, unexpired token for this cluster.' });
  }
  const u = res.status.user;
  if (!u?.username) return null;
  const id: Identity = { username: u.username, groups: u.groups ?? [], source: 'tokenreview' };
  if (u.uid) id.uid = u.uid;
  return id;
}

/**
 * Asks the cluster who the credentials in `kc` belong to. Throws ClusterError: kind 'unauthorized'
 * when the cluster rejects the credentials, other kinds when it cannot be asked.
 * `reviewer` (default: the dashboard's identity) is only used for the TokenReview fallback.
 */
export async function whoAmI(kc: KubeConfig, opts: { reviewer?: KubeConfig } = {}): Promise<Identity> {
  const ctx = { server: serverOf(kc), action: 'find out who you are' };
  const attempts: Array<() => Promise<Identity | null>> = [
    () => viaSelfSubjectReview(kc),
    () => viaOpenShiftUser(kc),
    () => viaTokenReview(kc, opts.reviewer ?? getConnection().kubeConfig),
  ];
  let last: ClusterError | undefined;
  for (const attempt of attempts) {
    try {
      const id = await attempt();
      if (id) return id;
    } catch (err) {
      const ce = toClusterError(err, ctx);
      if (ce.kind === 'unauthorized' || !tryNext(ce)) throw ce;
      last = ce;
    }
  }
  throw last ?? new ClusterError({ kind: 'other', message: 'The cluster did not say who these credentials belong to.', hint: 'Check that the cluster serves SelfSubjectReview (Kubernetes 1.28+) or TokenReview.' });
}

export interface AccessAttributes {
  verb: string;
  /** API group, '' for core. */
  group?: string;
  /** Plural resource, e.g. "nodes". */
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface AccessDecision {
  allowed: boolean;
  reason?: string;
}

const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 5_000;
type CacheEntry = { until: number; value: AccessDecision };
const g = globalThis as unknown as { __btdCanICache?: Map<string, CacheEntry> };

/** Drops all cached access decisions (after sign-out, or in tests). */
export function clearAccessCache(cacheKey?: string): void {
  const cache = g.__btdCanICache;
  if (!cache) return;
  if (!cacheKey) return cache.clear();
  for (const k of cache.keys()) if (k.startsWith(`${cacheKey}|`)) cache.delete(k);
}

/**
 * May the holder of `kc` do this? A SelfSubjectAccessReview; answers are cached for 30 s under
 * `cacheKey` (the session id), so a page with many buttons asks once per action.
 */
export async function canI(kc: KubeConfig, attrs: AccessAttributes, opts: { cacheKey?: string } = {}): Promise<AccessDecision> {
  const key = opts.cacheKey
    ? `${opts.cacheKey}|${attrs.verb}|${attrs.group ?? ''}|${attrs.resource}|${attrs.subresource ?? ''}|${attrs.namespace ?? ''}|${attrs.name ?? ''}`
    : undefined;
  const cache = (g.__btdCanICache ??= new Map());
  const now = Date.now();
  if (key) {
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.value;
  }
  const api = kc.makeApiClient(AuthorizationV1Api);
  let value: AccessDecision;
  try {
    const res = await api.createSelfSubjectAccessReview(
      {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              verb: attrs.verb,
              group: attrs.group ?? '',
              resource: attrs.resource,
              ...(attrs.subresource ? { subresource: attrs.subresource } : {}),
              ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
              ...(attrs.name ? { name: attrs.name } : {}),
            },
          },
        },
      },
      requestOptions(),
    );
    value = { allowed: Boolean(res.status?.allowed) };
    if (res.status?.reason) value.reason = res.status.reason;
  } catch (err) {
    throw toClusterError(err, { server: serverOf(kc), action: 'check your permissions' });
  }
  if (key) {
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(key, { until: now + CACHE_TTL_MS, value });
  }
  return value;
}

/** Several checks at once, keyed by the caller's names (e.g. { cordon: {...}, drain: {...} }). */
export async function canIAll<K extends string>(kc: KubeConfig, checks: Record<K, AccessAttributes>, opts: { cacheKey?: string } = {}): Promise<Record<K, boolean>> {
  const entries = Object.entries(checks) as [K, AccessAttributes][];
  const results = await Promise.all(entries.map(([, a]) => canI(kc, a, opts).then((d) => d.allowed, () => false)));
  return Object.fromEntries(entries.map(([k], i) => [k, results[i] ?? false])) as Record<K, boolean>;
}

export interface Denial {
  /** "You (viewer) cannot patch nodes" */
  message: string;
  /** The default role that would allow it, e.g. "cluster-admin" or "edit". */
  role: string;
  /** How to get that role. */
  hint: string;
  /** The cluster's own words. */
  clusterMessage: string;
}

const READ = new Set(['get', 'list', 'watch']);
// Resources the bootstrap "edit" role writes (namespaced); "admin" adds RBAC within a namespace.
const EDIT_WRITES = new Set([
  'pods', 'pods/eviction', 'pods/exec', 'pods/attach', 'pods/portforward', 'configmaps', 'secrets', 'serviceaccounts',
  'serviceaccounts/token', 'services', 'endpoints', 'persistentvolumeclaims', 'events', 'replicationcontrollers',
  'deployments', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale',
  'daemonsets', 'jobs', 'cronjobs', 'poddisruptionbudgets', 'leases',
]);
const ADMIN_WRITES = new Set(['roles', 'rolebindings']);

/** The bootstrap role that would allow an action. */
export function roleFor(a: { verb: string; resource: string; subresource?: string; namespace?: string }): string {
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  if (a.namespace) {
    if (READ.has(a.verb)) return 'view';
    if (EDIT_WRITES.has(res) || EDIT_WRITES.has(a.resource)) return 'edit';
    if (ADMIN_WRITES.has(a.resource)) return 'admin';
    return 'cluster-admin';
  }
  if (READ.has(a.verb)) return 'cluster-reader';
  return 'cluster-admin';
}

const FORBIDDEN_RE = /User "([^"]*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]*)"| at the cluster scope)?/;

/** Parses a kube Forbidden message into plain words, or null when it is not one. */
export function describeForbidden(clusterMessage: string, fallbackUser?: string): Denial | null {
  const m = FORBIDDEN_RE.exec(clusterMessage);
  if (!m) {
    const path = /User "([^"]*)" cannot (\S+) path "([^"]+)"/.exec(clusterMessage);
    if (!path) return null;
    return {
      message: `You (${path[1] || fallbackUser || 'unknown'}) cannot ${path[2]} ${path[3]}`,
      role: 'cluster-admin',
      hint: 'Ask a cluster administrator for access to this API path.',
      clusterMessage,
    };
  }
  const [, user, verb = '', resAndSub = '', group = '', namespace] = m;
  const [resource = resAndSub, subresource] = resAndSub.split('/');
  const what = group ? `${resource}.${group}${subresource ? `/${subresource}` : ''}` : resAndSub;
  const where = namespace ? ` in the namespace "${namespace}"` : '';
  const role = roleFor({ verb, resource, ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}) });
  const hint = namespace
    ? `The cluster role "${role}" would allow it: ask an administrator for a RoleBinding to "${role}" in "${namespace}" (oc adm policy add-role-to-user ${role} ${user || '<user>'} -n ${namespace}).`
    : `The cluster role "${role}" would allow it: ask an administrator for a ClusterRoleBinding to "${role}" (oc adm policy add-cluster-role-to-user ${role} ${user || '<user>'}).`;
  return { message: `You (${user || fallbackUser || 'unknown'}) cannot ${verb} ${what}${where}`, role, hint, clusterMessage };
}

/** For a ClusterError of kind 'forbidden': the plain-words denial (falls back to a generic one). */
export function denialFromError(err: ClusterError, username?: string): Denial {
  const d = describeForbidden(err.message, username);
  if (d) return d;
  return {
    message: `You (${username ?? 'unknown'}) are not allowed to do this`,
    role: 'cluster-admin',
    hint: err.hint,
    clusterMessage: err.message,
  };
}
