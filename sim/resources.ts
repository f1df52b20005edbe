// The registry of API resource types the demo cluster serves (what discovery lists and what the
// store keys its objects by). Verbs, short names, categories and subresources follow the real
// kube-apiserver and OpenShift CRDs so kubectl behaves as on a real cluster.

export interface ResourceType {
  group: string; // "" for core
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: string[]; // "status", "scale", "eviction", "token", "binding", ...
  key: string; // "pods" or "authentications.config.openshift.io"
  /** Extra fields the fieldSelector accepts besides metadata.name / metadata.namespace. */
  fieldSelectors?: string[];
  /** true for CRD-backed kinds: no strategic merge patch (415), as kube. */
  crd?: boolean;
  /** Create-only virtual kinds (reviews) are not stored. */
  virtual?: boolean;
  /** Several resources may share one storage (events.k8s.io events live with core events). */
  storageKey?: string;
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NS_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']; // namespaces: no deletecollection
const CREATE_ONLY = ['create'];

function rt(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    verbs: RW,
    key: group ? `${plural}.${group}` : plural,
    ...extra,
  };
}

export const RESOURCES: ResourceType[] = [
  // core/v1
  rt('', 'v1', 'Namespace', 'namespaces', false, { verbs: NS_VERBS, shortNames: ['ns'], subresources: ['status', 'finalize'], fieldSelectors: ['status.phase'] }),
  rt('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status', 'proxy'], fieldSelectors: ['spec.unschedulable'] }),
  rt('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'eviction', 'binding', 'log', 'ephemeralcontainers'],
    fieldSelectors: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  }),
  rt('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'], subresources: ['token'] }),
  rt('', 'v1', 'Secret', 'secrets', true, { fieldSelectors: ['type'] }),
  rt('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  rt('', 'v1', 'Event', 'events', true, {
    shortNames: ['ev'],
    fieldSelectors: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  }),
  rt('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status', 'proxy'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  rt('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'], singular: 'endpoints' }),
  // events.k8s.io/v1 — the same objects as core events in kube; kept in their own storage here
  rt('events.k8s.io', 'v1', 'Event', 'events', true, { shortNames: ['ev'], fieldSelectors: ['regarding.kind', 'regarding.namespace', 'regarding.name', 'regarding.uid', 'reason', 'type', 'reportingController'] }),
  // coordination.k8s.io/v1
  rt('coordination.k8s.io', 'v1', 'Lease', 'leases', true),
  // policy/v1
  rt('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], subresources: ['status'] }),
  // apps/v1
  rt('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'] }),
  rt('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], fieldSelectors: ['status.replicas'] }),
  rt('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ['all'], subresources: ['status'] }),
  rt('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'] }),
  // batch/v1
  rt('batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], subresources: ['status'], fieldSelectors: ['status.successful'] }),
  // rbac.authorization.k8s.io/v1
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  rt('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  rt('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  rt('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  // authentication.k8s.io/v1, authorization.k8s.io/v1 — create-only reviews
  rt('authentication.k8s.io', 'v1', 'TokenReview', 'tokenreviews', false, { verbs: CREATE_ONLY, virtual: true }),
  rt('authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false, { verbs: CREATE_ONLY, virtual: true }),
  rt('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, { verbs: CREATE_ONLY, virtual: true }),
  rt('authorization.k8s.io', 'v1', 'SubjectAccessReview', 'subjectaccessreviews', false, { verbs: CREATE_ONLY, virtual: true }),
  rt('authorization.k8s.io', 'v1', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true, { verbs: CREATE_ONLY, virtual: true }),
  rt('authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, { verbs: CREATE_ONLY, virtual: true }),
  // OpenShift CRDs (cluster-scoped), shapes from shared/reference/openshift
  rt('config.openshift.io', 'v1', 'Authentication', 'authentications', false, { subresources: ['status'], crd: true }),
  rt('config.openshift.io', 'v1', 'ClusterOperator', 'clusteroperators', false, { shortNames: ['co'], subresources: ['status'], crd: true }),
  rt('operator.openshift.io', 'v1', 'KubeAPIServer', 'kubeapiservers', false, { categories: ['coreoperators'], subresources: ['status'], crd: true }),
];

const byKey = new Map<string, ResourceType>();
const byGVR = new Map<string, ResourceType>();

function index(r: ResourceType): void {
  byKey.set(r.key, r);
  byGVR.set(`${r.group}/${r.version}/${r.plural}`, r);
}
for (const r of RESOURCES) index(r);

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return byGVR.get(`${group}/${version}/${plural}`);
}

export function resourceByKey(key: string): ResourceType | undefined {
  return byKey.get(key);
}

/** Adds a type (or replaces one with the same group/version/plural) so discovery and the store serve it. */
export function registerResource(r: ResourceType): void {
  const i = RESOURCES.findIndex((x) => x.group === r.group && x.version === r.version && x.plural === r.plural);
  if (i >= 0) RESOURCES[i] = r;
  else RESOURCES.push(r);
  index(r);
}

/** Resource key → the API version string of its objects ("v1", "apps/v1"). */
export function apiVersionOf(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function hasStatus(r: ResourceType): boolean {
  return !!r.subresources?.includes('status');
}

/** Resource string for error messages: "pods", "authentications.config.openshift.io". */
export function qualifiedResource(r: ResourceType): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

/** Kind string for Invalid errors: "Pod", "Deployment.apps". */
export function qualifiedKind(r: ResourceType): string {
  return r.group ? `${r.kind}.${r.group}` : r.kind;
}
