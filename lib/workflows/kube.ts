// The cluster calls the workflows make, in one place, through client-node with the KubeConfig the
// engine was given (the dashboard's identity): paginated lists (limit 500 + continue), merge
// patches, evictions (policy/v1), debug pods, and the bookkeeping objects (Namespace, ConfigMap,
// Lease, Event). Errors keep their HTTP status so the steps can decide (404 gone, 409, 429).
import 'server-only';
import {
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  PolicyV1Api,
  setHeaderOptions,
  type KubeConfig,
  type V1ConfigMap,
  type V1DaemonSet,
  type V1Deployment,
  type V1Job,
  type V1Lease,
  type V1Namespace,
  type V1Node,
  type V1Pod,
  type V1PodDisruptionBudget,
  type V1ReplicaSet,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { requestOptions } from '@/lib/k8s/connection';
import { listAllPages } from '@/lib/k8s/paginate';

const WORKFLOW_MAX_PAGES = 1000;

/** HTTP status of a client-node ApiException, or undefined for network errors. */
export function httpStatus(err: unknown): number | undefined {
  if (err && typeof err === 'object' && typeof (err as { code?: unknown }).code === 'number') return (err as { code: number }).code;
  return undefined;
}

/** The metav1.Status message (and causes) of an ApiException, or the error's message. */
export function errorText(err: unknown): string {
  const body = (err as { body?: unknown } | null)?.body;
  let obj: unknown = body;
  if (typeof body === 'string') {
    try {
      obj = JSON.parse(body);
    } catch {
      obj = undefined;
    }
  }
  if (obj && typeof obj === 'object') {
    const s = obj as { message?: string; details?: { causes?: { message?: string }[] } };
    const causes = (s.details?.causes ?? []).map((c) => c.message).filter(Boolean);
    if (s.message) return causes.length ? `${s.message} (${causes.join('; ')})` : s.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';
export type Workload = V1Deployment | V1StatefulSet | V1DaemonSet;

export class Kube {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly policy: PolicyV1Api;
  readonly coordination: CoordinationV1Api;
  readonly custom: CustomObjectsApi;

  constructor(
    readonly kubeConfig: KubeConfig,
    readonly pageSize = 500,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.batch = kubeConfig.makeApiClient(BatchV1Api);
    this.policy = kubeConfig.makeApiClient(PolicyV1Api);
    this.coordination = kubeConfig.makeApiClient(CoordinationV1Api);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  private opts() {
    return requestOptions();
  }

  private mergePatch() {
    return setHeaderOptions('Content-Type', PatchStrategy.MergePatch, requestOptions());
  }

  private async all<T>(fetch: (p: { limit: number; _continue?: string }) => Promise<{ items: T[]; metadata?: { _continue?: string } }>): Promise<T[]> {
    // A plan must see every object it will touch, so workflows read further than a page would
    // (1,000 pages of 500: half a million objects) before giving up.
    const { items, truncated } = await listAllPages(fetch, { pageSize: this.pageSize, maxPages: WORKFLOW_MAX_PAGES });
    if (truncated) throw new Error(`The list is larger than a workflow reads at once (${WORKFLOW_MAX_PAGES * this.pageSize} objects); narrow the selection.`);
    return items;
  }

  // ---- reads ---------------------------------------------------------------------------------
  listNodes(): Promise<V1Node[]> {
    return this.all((p) => this.core.listNode(p, this.opts()));
  }
  async getNode(name: string): Promise<V1Node | null> {
    return this.orNull(() => this.core.readNode({ name }, this.opts()));
  }
  listPods(q: { namespace?: string; fieldSelector?: string; labelSelector?: string } = {}): Promise<V1Pod[]> {
    const sel = { ...(q.fieldSelector ? { fieldSelector: q.fieldSelector } : {}), ...(q.labelSelector ? { labelSelector: q.labelSelector } : {}) };
    if (q.namespace) return this.all((p) => this.core.listNamespacedPod({ namespace: q.namespace!, ...sel, ...p }, this.opts()));
    return this.all((p) => this.core.listPodForAllNamespaces({ ...sel, ...p }, this.opts()));
  }
  podsOnNode(node: string): Promise<V1Pod[]> {
    return this.listPods({ fieldSelector: `spec.nodeName=${node}` });
  }
  async getPod(namespace: string, name: string): Promise<V1Pod | null> {
    return this.orNull(() => this.core.readNamespacedPod({ namespace, name }, this.opts()));
  }
  listNamespaces(): Promise<V1Namespace[]> {
    return this.all((p) => this.core.listNamespace(p, this.opts()));
  }
  listPdbs(namespace?: string): Promise<V1PodDisruptionBudget[]> {
    if (namespace) return this.all((p) => this.policy.listNamespacedPodDisruptionBudget({ namespace, ...p }, this.opts()));
    return this.all((p) => this.policy.listPodDisruptionBudgetForAllNamespaces(p, this.opts()));
  }
  listDeployments(namespace?: string): Promise<V1Deployment[]> {
    if (namespace) return this.all((p) => this.apps.listNamespacedDeployment({ namespace, ...p }, this.opts()));
    return this.all((p) => this.apps.listDeploymentForAllNamespaces(p, this.opts()));
  }
  listStatefulSets(namespace?: string): Promise<V1StatefulSet[]> {
    if (namespace) return this.all((p) => this.apps.listNamespacedStatefulSet({ namespace, ...p }, this.opts()));
    return this.all((p) => this.apps.listStatefulSetForAllNamespaces(p, this.opts()));
  }
  listDaemonSets(namespace?: string): Promise<V1DaemonSet[]> {
    if (namespace) return this.all((p) => this.apps.listNamespacedDaemonSet({ namespace, ...p }, this.opts()));
    return this.all((p) => this.apps.listDaemonSetForAllNamespaces(p, this.opts()));
  }
  listReplicaSets(namespace?: string): Promise<V1ReplicaSet[]> {
    if (namespace) return this.all((p) => this.apps.listNamespacedReplicaSet({ namespace, ...p }, this.opts()));
    return this.all((p) => this.apps.listReplicaSetForAllNamespaces(p, this.opts()));
  }
  listJobs(namespace?: string): Promise<V1Job[]> {
    if (namespace) return this.all((p) => this.batch.listNamespacedJob({ namespace, ...p }, this.opts()));
    return this.all((p) => this.batch.listJobForAllNamespaces(p, this.opts()));
  }
  async getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload | null> {
    return this.orNull<Workload>(() => {
      if (kind === 'Deployment') return this.apps.readNamespacedDeployment({ namespace, name }, this.opts());
      if (kind === 'StatefulSet') return this.apps.readNamespacedStatefulSet({ namespace, name }, this.opts());
      return this.apps.readNamespacedDaemonSet({ namespace, name }, this.opts());
    });
  }
  /** kubeapiservers.operator.openshift.io/cluster, or null on plain Kubernetes. */
  async getKubeApiServer(): Promise<Record<string, unknown> | null> {
    return this.orNull(
      () => this.custom.getClusterCustomObject({ group: 'operator.openshift.io', version: 'v1', plural: 'kubeapiservers', name: 'cluster' }, this.opts()) as Promise<Record<string, unknown>>,
    );
  }

  // ---- writes --------------------------------------------------------------------------------
  async setUnschedulable(name: string, unschedulable: boolean): Promise<V1Node> {
    // null (not false) removes the field, as `oc adm uncordon` leaves it.
    return this.core.patchNode({ name, body: { spec: { unschedulable: unschedulable ? true : null } } }, this.mergePatch());
  }

  /** POST pods/<name>/eviction. 'gone' when the pod no longer exists; 'blocked' with the PDB's words on 429. */
  async evict(namespace: string, name: string, uid?: string): Promise<{ result: 'evicted' | 'gone' } | { result: 'blocked'; message: string }> {
    try {
      await this.core.createNamespacedPodEviction(
        {
          namespace,
          name,
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, ...(uid ? { deleteOptions: { preconditions: { uid } } } : {}) },
        },
        this.opts(),
      );
      return { result: 'evicted' };
    } catch (err) {
      const s = httpStatus(err);
      if (s === 404) return { result: 'gone' };
      if (s === 409 && uid) return { result: 'gone' }; // precondition: the pod was replaced by a namesake
      if (s === 429) return { result: 'blocked', message: errorText(err) };
      throw err;
    }
  }

  async createPod(namespace: string, body: V1Pod): Promise<V1Pod | 'exists'> {
    try {
      return await this.core.createNamespacedPod({ namespace, body }, this.opts());
    } catch (err) {
      if (httpStatus(err) === 409) return 'exists';
      throw err;
    }
  }

  /** Deletes a pod; false when it was already gone. `uid` guards against deleting a namesake. */
  async deletePod(namespace: string, name: string, uid?: string): Promise<boolean> {
    try {
      await this.core.deleteNamespacedPod({ namespace, name, ...(uid ? { body: { preconditions: { uid } } } : {}) }, this.opts());
      return true;
    } catch (err) {
      const s = httpStatus(err);
      if (s === 404 || (s === 409 && uid)) return false;
      throw err;
    }
  }

  /** `kubectl rollout restart`: a merge patch of the template's restartedAt annotation. */
  async restartWorkload(kind: WorkloadKind, namespace: string, name: string, stamp: string): Promise<void> {
    const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': stamp } } } } };
    const o = this.mergePatch();
    if (kind === 'Deployment') await this.apps.patchNamespacedDeployment({ namespace, name, body }, o);
    else if (kind === 'StatefulSet') await this.apps.patchNamespacedStatefulSet({ namespace, name, body }, o);
    else await this.apps.patchNamespacedDaemonSet({ namespace, name, body }, o);
  }

  // ---- bookkeeping ---------------------------------------------------------------------------
  async getNamespace(name: string): Promise<V1Namespace | null> {
    return this.orNull(() => this.core.readNamespace({ name }, this.opts()));
  }
  async createNamespace(name: string): Promise<void> {
    try {
      await this.core.createNamespace(
        {
          body: {
            metadata: {
              name,
              labels: {
                'app.kubernetes.io/name': 'bound-token-dashboard',
                // The debug pods that reboot nodes are privileged, as `oc debug node` makes them.
                'pod-security.kubernetes.io/enforce': 'privileged',
                'pod-security.kubernetes.io/audit': 'privileged',
                'pod-security.kubernetes.io/warn': 'privileged',
              },
            },
          },
        },
        this.opts(),
      );
    } catch (err) {
      if (httpStatus(err) !== 409) throw err;
    }
  }
  async hasServiceAccount(namespace: string, name: string): Promise<boolean> {
    return (await this.orNull(() => this.core.readNamespacedServiceAccount({ namespace, name }, this.opts()))) !== null;
  }
  async getConfigMap(namespace: string, name: string): Promise<V1ConfigMap | null> {
    return this.orNull(() => this.core.readNamespacedConfigMap({ namespace, name }, this.opts()));
  }
  createConfigMap(namespace: string, body: V1ConfigMap): Promise<V1ConfigMap> {
    return this.core.createNamespacedConfigMap({ namespace, body }, this.opts());
  }
  /** Replace with the resourceVersion in body.metadata: 409 when someone else wrote meanwhile. */
  replaceConfigMap(namespace: string, body: V1ConfigMap): Promise<V1ConfigMap> {
    return this.core.replaceNamespacedConfigMap({ namespace, name: body.metadata!.name!, body }, this.opts());
  }
  async getLease(namespace: string, name: string): Promise<V1Lease | null> {
    return this.orNull(() => this.coordination.readNamespacedLease({ namespace, name }, this.opts()));
  }
  createLease(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.coordination.createNamespacedLease({ namespace, body }, this.opts());
  }
  replaceLease(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.coordination.replaceNamespacedLease({ namespace, name: body.metadata!.name!, body }, this.opts());
  }
  async createEvent(namespace: string, body: Record<string, unknown>): Promise<void> {
    await this.core.createNamespacedEvent({ namespace, body: body as never }, this.opts());
  }

  private async orNull<T>(fn: () => Promise<T>): Promise<T | null> {
    try {
      return await fn();
    } catch (err) {
      if (httpStatus(err) === 404) return null;
      throw err;
    }
  }
}
