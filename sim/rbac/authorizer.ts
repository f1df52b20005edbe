// The demo cluster's RBAC authorizer: reads ClusterRoles, Roles and their bindings from the store,
// keeps an index that store events invalidate (authorization runs on every request), and answers
// like kube's "Node,RBAC" chain less the node authorizer: system:masters is always allowed.
import type { Authorizer, AuthzAttributes, UserInfo } from '../auth';
import type { K8sObject, Store } from '../store';
import { DEFAULT_CLUSTER_ROLES, DEFAULT_CLUSTER_ROLE_BINDINGS } from './defaults';
import { ruleAllows, subjectMatches, type PolicyRule, type RoleRef, type Subject } from './rules';

export const RBAC_KEYS = {
  clusterRoles: 'clusterroles.rbac.authorization.k8s.io',
  clusterRoleBindings: 'clusterrolebindings.rbac.authorization.k8s.io',
  roles: 'roles.rbac.authorization.k8s.io',
  roleBindings: 'rolebindings.rbac.authorization.k8s.io',
} as const;

interface Binding {
  namespace?: string; // undefined for ClusterRoleBindings
  roleRef: RoleRef;
  subjects: Subject[];
}

interface Index {
  clusterRoles: Map<string, PolicyRule[]>;
  roles: Map<string, PolicyRule[]>; // "<ns>/<name>"
  clusterBindings: Binding[];
  bindingsByNamespace: Map<string, Binding[]>;
}

function rulesOf(o: K8sObject): PolicyRule[] {
  return Array.isArray(o.rules) ? (o.rules as PolicyRule[]) : [];
}

function bindingOf(o: K8sObject, namespace?: string): Binding {
  return {
    namespace,
    roleRef: o.roleRef as RoleRef,
    subjects: Array.isArray(o.subjects) ? (o.subjects as Subject[]) : [],
  };
}

export class RbacAuthorizer implements Authorizer {
  private index: Index | undefined;

  constructor(private readonly store: Store) {
    for (const key of Object.values(RBAC_KEYS)) {
      store.on(key, () => {
        this.index = undefined;
      });
    }
  }

  private build(): Index {
    const idx: Index = { clusterRoles: new Map(), roles: new Map(), clusterBindings: [], bindingsByNamespace: new Map() };
    for (const o of this.store.list(RBAC_KEYS.clusterRoles)) idx.clusterRoles.set(o.metadata.name ?? '', rulesOf(o));
    for (const o of this.store.list(RBAC_KEYS.roles)) idx.roles.set(`${o.metadata.namespace}/${o.metadata.name}`, rulesOf(o));
    for (const o of this.store.list(RBAC_KEYS.clusterRoleBindings)) idx.clusterBindings.push(bindingOf(o));
    for (const o of this.store.list(RBAC_KEYS.roleBindings)) {
      const ns = o.metadata.namespace ?? '';
      const list = idx.bindingsByNamespace.get(ns) ?? [];
      list.push(bindingOf(o, ns));
      idx.bindingsByNamespace.set(ns, list);
    }
    return idx;
  }

  private rulesFor(idx: Index, b: Binding): PolicyRule[] {
    if (b.roleRef?.kind === 'ClusterRole') return idx.clusterRoles.get(b.roleRef.name) ?? [];
    if (b.roleRef?.kind === 'Role' && b.namespace) return idx.roles.get(`${b.namespace}/${b.roleRef.name}`) ?? [];
    return [];
  }

  authorize(user: UserInfo, attrs: AuthzAttributes): { allowed: boolean; reason?: string } {
    if (user.groups.includes('system:masters')) return { allowed: true };
    const idx = (this.index ??= this.build());
    const candidates: Binding[] = [...idx.clusterBindings];
    // RoleBindings only grant namespaced requests in their own namespace.
    if (attrs.namespace && attrs.path === undefined) candidates.push(...(idx.bindingsByNamespace.get(attrs.namespace) ?? []));
    for (const b of candidates) {
      if (!b.subjects.some((s) => subjectMatches(s, user, b.namespace))) continue;
      if (this.rulesFor(idx, b).some((r) => ruleAllows(r, attrs))) return { allowed: true };
    }
    return { allowed: false };
  }
}

const BOOTSTRAP_META = {
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
};

/** Creates the default roles and bindings that are missing (idempotent). */
export function seedRbac(store: Store): void {
  for (const r of DEFAULT_CLUSTER_ROLES) {
    if (store.get(RBAC_KEYS.clusterRoles, undefined, r.name)) continue;
    store.create(RBAC_KEYS.clusterRoles, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: r.name, ...structuredClone(BOOTSTRAP_META) },
      rules: r.rules,
    });
  }
  for (const b of DEFAULT_CLUSTER_ROLE_BINDINGS) {
    if (store.get(RBAC_KEYS.clusterRoleBindings, undefined, b.name)) continue;
    store.create(RBAC_KEYS.clusterRoleBindings, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: b.name, ...structuredClone(BOOTSTRAP_META) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: b.role },
      subjects: b.subjects.map((s) => ({ apiGroup: 'rbac.authorization.k8s.io', ...s })),
    });
  }
}
