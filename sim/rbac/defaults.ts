// The default ClusterRoles and ClusterRoleBindings a user of the demo cluster needs, after kube's
// bootstrap policy (cluster-admin, admin, edit, view, system:basic-user, system:discovery,
// system:public-info-viewer, system:service-account-issuer-discovery, system:auth-delegator) and
// OpenShift's cluster-reader, which the demo's read-only "viewer" user is bound to.
import type { PolicyRule } from './rules';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

const VIEW_RULES: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: [
      'configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'pods/log',
      'pods/status', 'replicationcontrollers', 'replicationcontrollers/scale', 'replicationcontrollers/status',
      'resourcequotas', 'resourcequotas/status', 'services', 'services/status', 'serviceaccounts', 'events',
      'limitranges', 'bindings', 'namespaces', 'namespaces/status',
    ],
    verbs: READ,
  },
  {
    apiGroups: ['apps'],
    resources: [
      'controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status',
      'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status',
    ],
    verbs: READ,
  },
  { apiGroups: ['batch'], resources: ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], verbs: READ },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets', 'poddisruptionbudgets/status'], verbs: READ },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: READ },
];

const EDIT_EXTRA: PolicyRule[] = [
  {
    apiGroups: [''],
    resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'pods/eviction', 'configmaps',
      'endpoints', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets',
      'serviceaccounts', 'services', 'services/proxy', 'events'],
    verbs: WRITE,
  },
  { apiGroups: [''], resources: ['secrets'], verbs: READ },
  { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
  {
    apiGroups: ['apps'],
    resources: ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets',
      'replicasets/scale', 'statefulsets', 'statefulsets/scale'],
    verbs: WRITE,
  },
  { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: WRITE },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: WRITE },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: WRITE },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: WRITE },
];

const ADMIN_EXTRA: PolicyRule[] = [
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings', 'roles'], verbs: [...READ, ...WRITE] },
  { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
];

const SELF_REVIEWS: PolicyRule[] = [
  { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
];

const DISCOVERY_URLS = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'];
const PUBLIC_INFO_URLS = ['/healthz', '/livez', '/readyz', '/version', '/version/'];
const ISSUER_DISCOVERY_URLS = ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'];

export interface DefaultClusterRole {
  name: string;
  rules: PolicyRule[];
}

export const DEFAULT_CLUSTER_ROLES: DefaultClusterRole[] = [
  { name: 'cluster-admin', rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }] },
  { name: 'admin', rules: [...VIEW_RULES, ...EDIT_EXTRA, ...ADMIN_EXTRA] },
  { name: 'edit', rules: [...VIEW_RULES, ...EDIT_EXTRA] },
  { name: 'view', rules: VIEW_RULES },
  {
    // OpenShift's cluster-reader: everything readable except secrets, cluster-wide.
    name: 'cluster-reader',
    rules: [
      ...VIEW_RULES,
      { apiGroups: [''], resources: ['nodes', 'nodes/status', 'persistentvolumes', 'componentstatuses'], verbs: READ },
      { apiGroups: ['config.openshift.io', 'operator.openshift.io'], resources: ['*'], verbs: READ },
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'], verbs: READ },
      { nonResourceURLs: [...DISCOVERY_URLS, ...ISSUER_DISCOVERY_URLS], verbs: ['get'] },
    ],
  },
  { name: 'system:basic-user', rules: SELF_REVIEWS },
  { name: 'system:discovery', rules: [{ nonResourceURLs: DISCOVERY_URLS, verbs: ['get'] }] },
  { name: 'system:public-info-viewer', rules: [{ nonResourceURLs: PUBLIC_INFO_URLS, verbs: ['get'] }] },
  { name: 'system:service-account-issuer-discovery', rules: [{ nonResourceURLs: ISSUER_DISCOVERY_URLS, verbs: ['get'] }] },
  {
    name: 'system:auth-delegator',
    rules: [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ],
  },
];

export interface DefaultBinding {
  name: string;
  role: string;
  subjects: { kind: 'User' | 'Group'; name: string }[];
}

export const DEFAULT_CLUSTER_ROLE_BINDINGS: DefaultBinding[] = [
  { name: 'cluster-admin', role: 'cluster-admin', subjects: [{ kind: 'Group', name: 'system:masters' }] },
  { name: 'system:basic-user', role: 'system:basic-user', subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  { name: 'system:discovery', role: 'system:discovery', subjects: [{ kind: 'Group', name: 'system:authenticated' }] },
  {
    name: 'system:public-info-viewer',
    role: 'system:public-info-viewer',
    subjects: [{ kind: 'Group', name: 'system:authenticated' }, { kind: 'Group', name: 'system:unauthenticated' }],
  },
  {
    name: 'system:service-account-issuer-discovery',
    role: 'system:service-account-issuer-discovery',
    subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }],
  },
  { name: 'viewer-cluster-reader', role: 'cluster-reader', subjects: [{ kind: 'User', name: 'viewer' }] },
];
