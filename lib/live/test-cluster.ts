// Test helper for lib/live: a quiet demo cluster (RBAC only, no kubelets — these tests count every
// event, and node heartbeats would add their own) with two extra users: "nobody" (no rights) and
// "lister" (may list nodes but not watch them, for the polling fallback).
import { StaticTokenAuthenticator } from '../../sim/auth';
import { installRbac } from '../../sim/rbac/install';
import { startTestCluster, type TestCluster } from '../../sim/testing';

export const NOBODY_TOKEN = 'nobody-token-0123456789';
export const LISTER_TOKEN = 'lister-token-0123456789';

export async function startLiveTestCluster(nodes: number): Promise<TestCluster> {
  const c = await startTestCluster({ nodes, namespaces: 1, podsPerNamespace: 1, bare: true });
  installRbac(c);
  c.server.addAuthenticator(
    new StaticTokenAuthenticator([
      { token: NOBODY_TOKEN, user: { username: 'nobody', groups: ['system:authenticated'] } },
      { token: LISTER_TOKEN, user: { username: 'lister', groups: ['system:authenticated'] } },
    ]),
  );
  c.store.create('clusterroles.rbac.authorization.k8s.io', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'node-lister' },
    rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }],
  });
  c.store.create('clusterrolebindings.rbac.authorization.k8s.io', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'lister-node-lister' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'node-lister' },
    subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'lister' }],
  });
  return c;
}
