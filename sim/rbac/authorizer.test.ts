// RBAC through real HTTPS: the viewer reads but cannot write, bindings created at run time take
// effect at once, and SelfSubjectAccessReview answers from the same rules.
import { ApiException, AuthorizationV1Api, CoreV1Api, PatchStrategy, RbacAuthorizationV1Api, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../testing';

let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster({ speed: 60 });
});
afterAll(async () => {
  await c?.dispose();
});

async function errorOf(p: Promise<unknown>): Promise<ApiException<unknown>> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('RBAC', () => {
  it('lets the viewer read nodes and refuses a patch in kube words', async () => {
    const core = c.viewerKc.makeApiClient(CoreV1Api);
    const nodes = await core.listNode();
    expect(nodes.items.length).toBe(6);
    const err = await errorOf(
      core.patchNode({ name: 'worker-0', body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)),
    );
    expect(err.code).toBe(403);
    const body = JSON.parse(String(err.body)) as { reason: string; message: string };
    expect(body.reason).toBe('Forbidden');
    expect(body.message).toBe('nodes "worker-0" is forbidden: User "viewer" cannot patch resource "nodes" in API group "" at the cluster scope');
  });

  it('does not let the viewer read secrets', async () => {
    const err = await errorOf(c.viewerKc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: 'default' }));
    expect(err.code).toBe(403);
    expect(String(err.body)).toContain('cannot list resource \\"secrets\\" in API group \\"\\" in the namespace \\"default\\"');
  });

  it('applies a RoleBinding created at run time, in its namespace only', async () => {
    const authz = c.viewerKc.makeApiClient(AuthorizationV1Api);
    const can = async (namespace: string) =>
      (await authz.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb: 'delete', resource: 'pods', namespace } } },
      })).status?.allowed;
    expect(await can('default')).toBe(false);

    await c.kc.makeApiClient(RbacAuthorizationV1Api).createNamespacedRoleBinding({
      namespace: 'default',
      body: {
        metadata: { name: 'viewer-edit' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
      },
    });
    expect(await can('default')).toBe(true);
    expect(await can('openshift-monitoring')).toBe(false);

    await c.kc.makeApiClient(RbacAuthorizationV1Api).deleteNamespacedRoleBinding({ namespace: 'default', name: 'viewer-edit' });
    expect(await can('default')).toBe(false);
  });

  it('serves the default roles as objects', async () => {
    const rbac = c.kc.makeApiClient(RbacAuthorizationV1Api);
    const roles = await rbac.listClusterRole();
    const names = roles.items.map((r) => r.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['cluster-admin', 'admin', 'edit', 'view', 'cluster-reader', 'system:basic-user']));
  });
});
