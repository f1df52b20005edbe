// The dashboard's connection to its cluster, resolved from the environment the launcher sets:
// in a pod → the in-cluster service account; else KUBECONFIG (+ BTD_CONTEXT); else a 'config'
// ClusterError. The KubeConfig lives on globalThis because Next compiles pages, route handlers and
// instrumentation into separate bundles that do not share module state.
import 'server-only';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  KubeConfig,
  type ApiType,
  type ApiConstructor,
  type Cluster,
  Observable,
  type ConfigurationOptions,
  type Context,
  type ObservableMiddleware,
  type User,
} from '@kubernetes/client-node';
import { ClusterError } from './errors';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const DEFAULT_TIMEOUT_MS = 10_000;

/** Where the cluster is and how its certificate is checked. Plain data, no secrets. */
export interface ClusterRef {
  name: string;
  server: string;
  /** base64 PEM bundle, as in a kubeconfig's certificate-authority-data. */
  caData?: string;
  caFile?: string;
  tlsServerName?: string;
  skipTLSVerify: boolean;
}

export interface Connection {
  /** Configured with the dashboard's own identity (kubeconfig user or in-cluster service account). */
  kubeConfig: KubeConfig;
  cluster: ClusterRef;
  context: string;
  demo: boolean;
  source: 'in-cluster' | 'kubeconfig';
  /** First kubeconfig file, when loaded from one. */
  kubeconfigPath?: string;
  /** Namespace of the context, or of the pod's service account in-cluster. */
  namespace?: string;
}

/** The environment variables (and, for tests, a path prefix) the resolution reads. */
export interface ConnectionEnv {
  KUBERNETES_SERVICE_HOST?: string;
  KUBERNETES_SERVICE_PORT?: string;
  KUBECONFIG?: string;
  BTD_CONTEXT?: string;
  BTD_DEMO?: string;
  /** Prefix prepended to /var/run/secrets/... (tests only). */
  saPathPrefix?: string;
  [other: string]: string | undefined;
}

function configError(message: string, hint: string): ClusterError {
  return new ClusterError({ kind: 'config', message, hint });
}

function inClusterAvailable(env: ConnectionEnv): boolean {
  if (!env.KUBERNETES_SERVICE_HOST) return false;
  return fs.existsSync(`${env.saPathPrefix ?? ''}${SERVICE_ACCOUNT_DIR}/token`);
}

function kubeconfigFiles(env: ConnectionEnv): string[] {
  return (env.KUBECONFIG ?? '')
    .split(path.delimiter)
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Loads one or more kubeconfig files the way kubectl merges them: the first name wins. */
function loadKubeconfig(files: string[]): KubeConfig {
  const kc = new KubeConfig();
  let loaded = 0;
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const part = new KubeConfig();
    try {
      part.loadFromFile(file);
    } catch (err) {
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw configError(
        `The kubeconfig ${file} could not be read: ${why}`,
        'Check that the file is a valid kubeconfig (`kubectl --kubeconfig <file> config view`).',
      );
    }
    if (loaded === 0) {
      kc.loadFromOptions({
        clusters: [...(part.clusters ?? [])],
        users: [...(part.users ?? [])],
        contexts: [...(part.contexts ?? [])],
        currentContext: part.currentContext,
      });
    } else {
      if (!kc.currentContext && part.currentContext) kc.currentContext = part.currentContext;
      for (const c of part.clusters ?? []) if (!kc.getCluster(c.name)) kc.clusters.push(c);
      for (const u of part.users ?? []) if (!kc.getUser(u.name)) kc.users.push(u);
      for (const x of part.contexts ?? []) if (!kc.getContextObject(x.name)) kc.contexts.push(x);
    }
    loaded++;
  }
  if (loaded === 0) {
    throw configError(
      `The kubeconfig ${files.join(path.delimiter)} does not exist.`,
      'Start the dashboard with --kubeconfig <path> pointing at an existing file, or without it to use the demo cluster.',
    );
  }
  return kc;
}

function clusterRef(c: Cluster): ClusterRef {
  const ref: ClusterRef = { name: c.name, server: c.server, skipTLSVerify: Boolean(c.skipTLSVerify) };
  if (c.caData) ref.caData = c.caData;
  if (c.caFile) ref.caFile = c.caFile;
  if (c.tlsServerName) ref.tlsServerName = c.tlsServerName;
  return ref;
}

/** Resolves the connection from an environment, without caching. Throws ClusterError('config'). */
export function resolveConnection(env: ConnectionEnv = process.env): Connection {
  const demo = env.BTD_DEMO === '1' || env.BTD_DEMO === 'true';

  if (inClusterAvailable(env)) {
    // Same shape as client-node's loadFromCluster, but from the env given (testable). The token
    // is read through the tokenFile provider, which re-reads it as the kubelet rotates it.
    const sa = `${env.saPathPrefix ?? ''}${SERVICE_ACCOUNT_DIR}`;
    const host = env.KUBERNETES_SERVICE_HOST!;
    const port = env.KUBERNETES_SERVICE_PORT || '443';
    const hostPart = net.isIPv6(host) ? `[${host}]` : host;
    const cluster: Cluster = { name: 'in-cluster', server: `https://${hostPart}:${port}`, caFile: `${sa}/ca.crt`, skipTLSVerify: false };
    const user: User = { name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: `${sa}/token` } } };
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [cluster],
      users: [user],
      contexts: [{ name: 'in-cluster', cluster: cluster.name, user: user.name }],
      currentContext: 'in-cluster',
    });
    const conn: Connection = { kubeConfig: kc, cluster: clusterRef(cluster), context: 'in-cluster', demo, source: 'in-cluster' };
    try {
      const ns = fs.readFileSync(`${sa}/namespace`, 'utf8').trim();
      if (ns) conn.namespace = ns;
    } catch {
      // no namespace file: fine, the dashboard then has no home namespace
    }
    return conn;
  }

  const files = kubeconfigFiles(env);
  if (files.length === 0) {
    throw configError(
      'No cluster is configured.',
      'Start the dashboard with `npm start` (demo cluster), `npm start -- --kubeconfig <path>` for a real cluster, or run it in a pod.',
    );
  }
  const kc = loadKubeconfig(files);
  const wanted = env.BTD_CONTEXT?.trim();
  if (wanted) {
    if (!kc.getContextObject(wanted)) {
      const names = kc.getContexts().map((c) => c.name);
      throw configError(
        `The context "${wanted}" is not in the kubeconfig ${files[0]}.`,
        names.length ? `Available contexts: ${names.join(', ')}.` : 'The kubeconfig has no contexts.',
      );
    }
    kc.setCurrentContext(wanted);
  }
  const contextName = kc.getCurrentContext();
  const ctx: Context | null = contextName ? kc.getContextObject(contextName) : null;
  if (!ctx) {
    throw configError(
      `The kubeconfig ${files[0]} has no current context.`,
      'Pass --context <name>, or set one with `kubectl config use-context <name>`.',
    );
  }
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster || !cluster.server) {
    throw configError(
      `The context "${ctx.name}" refers to cluster "${ctx.cluster}", which has no server in ${files[0]}.`,
      'Check the clusters section of the kubeconfig.',
    );
  }
  if (!kc.getUser(ctx.user)) {
    throw configError(
      `The context "${ctx.name}" refers to user "${ctx.user}", which is not in ${files[0]}.`,
      'Check the users section of the kubeconfig.',
    );
  }
  const conn: Connection = {
    kubeConfig: kc,
    cluster: clusterRef(cluster),
    context: ctx.name,
    demo,
    source: 'kubeconfig',
    kubeconfigPath: path.resolve(files[0]!),
  };
  if (ctx.namespace) conn.namespace = ctx.namespace;
  return conn;
}

type Cache = { key: string; conn: Connection };
const g = globalThis as unknown as { __btdConnection?: Cache };

function cacheKey(): string {
  const env = process.env;
  // The kubeconfig's mtime is part of the key so `oc login` (a new token) is picked up.
  const stamps = kubeconfigFiles(env).map((f) => {
    try {
      return `${f}@${fs.statSync(f).mtimeMs}`;
    } catch {
      return `${f}@missing`;
    }
  });
  return JSON.stringify([env.KUBERNETES_SERVICE_HOST, env.BTD_CONTEXT, env.BTD_DEMO, stamps]);
}

/** The process-wide connection (cached on globalThis). Throws ClusterError('config'). */
export function getConnection(): Connection {
  const key = cacheKey();
  const cached = g.__btdConnection;
  if (cached && cached.key === key) return cached.conn;
  const conn = resolveConnection(process.env);
  g.__btdConnection = { key, conn };
  return conn;
}

/** Forget the cached connection (tests, or after the environment changed). */
export function resetConnection(): void {
  delete g.__btdConnection;
}

/**
 * A KubeConfig for the same server and CA as `base` (default: the dashboard's connection), acting
 * as the holder of `token`. Used for per-user requests, so the cluster's RBAC decides.
 */
export function kubeConfigForToken(token: string, base: Connection = getConnection()): KubeConfig {
  const src = base.kubeConfig.getCurrentCluster();
  if (!src) throw configError('No current cluster to clone.', 'Check the dashboard connection.');
  const cluster: Cluster = { ...src, name: 'btd-cluster' };
  const user: User = { name: 'btd-token-user', token };
  const ctx: Context = { name: 'btd-token', cluster: cluster.name, user: user.name };
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [cluster], users: [user], contexts: [ctx], currentContext: ctx.name });
  return kc;
}

/** Per-request client options: an abort timeout so a black-holed server cannot hang a page. */
export function requestOptions(timeoutMs: number = Number(process.env.BTD_K8S_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS): ConfigurationOptions {
  // ObjectParam calls go through client-node's Observable API, so middleware returns its
  // (promise-backed) Observable.
  const timeout: ObservableMiddleware = {
    pre: (ctx) => {
      ctx.setSignal(AbortSignal.timeout(timeoutMs));
      return new Observable(Promise.resolve(ctx));
    },
    post: (res) => new Observable(Promise.resolve(res)),
  };
  return { middleware: [timeout], middlewareMergeStrategy: 'append' };
}

/** An API client for the given (or the dashboard's) KubeConfig. */
export function apiClient<T extends ApiType>(api: ApiConstructor<T>, kc?: KubeConfig): T {
  return (kc ?? getConnection().kubeConfig).makeApiClient(api);
}
