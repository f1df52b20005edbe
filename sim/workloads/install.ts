// installWorkloads(c): brings the demo cluster's nodes and workloads to life — pod admission
// (ServiceAccount plugin), the scheduler, the kubelets and node lifecycle (heartbeats, graceful
// deletion, reboots), the workload controllers, the disruption controller, the pods/eviction
// subresource and the projected-token manager — and returns a handle with the node faults
// (keepNodeDown, reboot). Also reachable as `workloadsOf(c)` and `c.workloads`.
import type { Clock } from '../clock';
import type { ApiServer } from '../server';
import type { K8sObject, Store } from '../store';
import { tokensOf } from '../tokens/install';
import { installAdmission } from './admission';
import { Controllers } from './controllers';
import { Engine } from './engine';
import { installEviction } from './eviction';
import { Kubelets, type KubeletTimings } from './kubelet';
import { ProjectedTokens, type TokenIssuer } from './projected-tokens';
import { Scheduler } from './scheduler';
import { phaseOf, podKey } from './util';

type AnyObj = Record<string, any>;

/** The parts of DemoCluster this module uses (structural, so sim/index.ts can import us). */
export interface WorkloadCluster {
  store: Store;
  clock: Clock;
  server: ApiServer;
  close(): Promise<void>;
}

export interface WorkloadsOptions {
  timings?: Partial<KubeletTimings>;
  /** Jitter on token refresh times (default on, as the kubelet). */
  tokenJitter?: boolean;
}

export interface WorkloadsHandle {
  engine: Engine;
  kubelets: Kubelets;
  scheduler: Scheduler;
  controllers: Controllers;
  tokens: ProjectedTokens;
  /** Fault: the node never comes back after its next power-off (or stays down now); false lets it boot. */
  keepNodeDown(node: string, down: boolean): void;
  /** Reboots a node as `systemctl reboot` on it would, after `delayMs` simulated ms (default now). */
  reboot(node: string, delayMs?: number): void;
  close(): void;
}

const handles = new WeakMap<object, WorkloadsHandle>();

export function workloadsOf(c: object): WorkloadsHandle | undefined {
  return handles.get(c);
}

/** Fault entry point for the faults endpoint/CLI: keep a node from coming back after reboot. */
export function keepNodeDown(c: object, node: string, down: boolean): void {
  const h = handles.get(c);
  if (!h) throw new Error('workloads are not installed on this cluster');
  h.keepNodeDown(node, down);
}

/**
 * Service accounts the seeded pods and workload templates run as but the seed did not create
 * (e.g. openshift-dns/dns): without them the kubelet could not fetch their tokens.
 */
function ensureServiceAccounts(store: Store): void {
  const want = new Set<string>();
  const add = (ns: string | undefined, spec: AnyObj | undefined) => {
    if (!ns || !spec) return;
    const sa = spec.serviceAccountName || spec.serviceAccount;
    if (sa) want.add(podKey(ns, sa));
  };
  for (const p of store.listPage('pods', { copy: false }).items) add(p.metadata.namespace, p.spec as AnyObj);
  for (const key of ['deployments.apps', 'daemonsets.apps', 'statefulsets.apps', 'replicasets.apps', 'jobs.batch']) {
    for (const o of store.listPage(key, { copy: false }).items) add(o.metadata.namespace, (o.spec as AnyObj)?.template?.spec);
  }
  for (const k of want) {
    const i = k.indexOf('/');
    const ns = k.slice(0, i);
    const name = k.slice(i + 1);
    if (store.peek('serviceaccounts', ns, name) || !store.peek('namespaces', undefined, ns)) continue;
    try {
      store.create('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } } as K8sObject);
    } catch {
      // raced or namespace terminating
    }
  }
}

export async function installWorkloads(c: WorkloadCluster, opts: WorkloadsOptions = {}): Promise<WorkloadsHandle> {
  const existing = handles.get(c);
  if (existing) return existing;
  const store = c.store;
  ensureServiceAccounts(store);
  installAdmission(store);
  const engine = new Engine(store, c.clock);
  const kubelets = new Kubelets(engine, opts.timings);
  const controllers = new Controllers(engine);
  const scheduler = new Scheduler(engine, kubelets);
  const tokens = new ProjectedTokens(engine, () => tokensOf(c) as TokenIssuer | undefined, (n) => kubelets.isUp(n), { jitter: opts.tokenJitter });
  kubelets.tokens = tokens;
  installEviction(c.server, engine);

  controllers.start();
  kubelets.start();
  for (const p of store.listPage('pods', { copy: false }).items) {
    if (!(p.spec as AnyObj)?.nodeName && phaseOf(p) === 'Pending' && !p.metadata.deletionTimestamp) scheduler.enqueue(podKey(p.metadata.namespace, p.metadata.name!));
  }

  let closed = false;
  const handle: WorkloadsHandle = {
    engine,
    kubelets,
    scheduler,
    controllers,
    tokens,
    keepNodeDown: (node, down) => kubelets.keepNodeDown(node, down),
    reboot: (node, delayMs = 0) => kubelets.reboot(node, delayMs),
    close() {
      if (closed) return;
      closed = true;
      engine.close();
      kubelets.close();
      scheduler.close();
      controllers.close();
      tokens.close();
    },
  };
  handles.set(c, handle);
  (c as unknown as { workloads?: WorkloadsHandle }).workloads = handle;
  const close = c.close.bind(c);
  c.close = async () => {
    handle.close();
    await close();
  };
  return handle;
}
