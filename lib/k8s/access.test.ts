// whoAmI / canI / the 403 translation against a real demo cluster over HTTPS.
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../sim/testing';
import { notFound } from '../../sim/errors';
import { canI, clearAccessCache, denialFromError, describeForbidden, roleFor, whoAmI } from './access';
import { toClusterError } from './errors';

let c: TestCluster;
beforeAll(async () => {
  c = await startTestCluster({ nodes: 2, namespaces: 1, podsPerNamespace: 1 });
});
afterAll(async () => {
  await c?.dispose();
});

describe('whoAmI', () => {
  it('names the admin and the viewer with their groups (SelfSubjectReview)', async () => {
    const admin = await whoAmI(c.kc, { reviewer: c.kc });
    expect(admin).toMatchObject({ username: 'system:admin', source: 'selfsubjectreview' });
    expect(admin.groups).toContain('system:masters');
    const viewer = await whoAmI(c.viewerKc, { reviewer: c.kc });
    expect(viewer.username).toBe('viewer');
    expect(viewer.groups).toContain('system:authenticated');
    expect(viewer.groups).not.toContain('system:masters');
  });

  it('a token the cluster does not know is "unauthorized", and the error does not carry it', async () => {
    const bogus = 'sha256~this-token-does-not-exist-0123456789abcdef';
    const err = await whoAmI(c.kcForToken(bogus), { reviewer: c.kc }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(JSON.stringify(err) + String((err as Error).message)).not.toContain(bogus);
  });

  it('falls back to TokenReview when SelfSubjectReview and users/~ are not served', async () => {
    let hidden = 0;
    c.server.use(async (ctx, next) => {
      if (ctx.path.endsWith('/selfsubjectreviews') && process.env.__BTD_HIDE_SSR === '1') {
        hidden++;
        throw notFound('selfsubjectreviews', '');
      }
      await next();
    });
    process.env.__BTD_HIDE_SSR = '1';
    try {
      const viewer = await whoAmI(c.viewerKc, { reviewer: c.kc });
      expect(hidden).toBe(1);
      expect(viewer).toMatchObject({ username: 'viewer', source: 'tokenreview' });
    } finally {
      delete process.env.__BTD_HIDE_SSR;
    }
  });
});

describe('canI', () => {
  it('answers per user: the viewer reads nodes but may not patch them; the admin may', async () => {
    expect((await canI(c.viewerKc, { verb: 'list', resource: 'nodes' })).allowed).toBe(true);
    expect((await canI(c.viewerKc, { verb: 'patch', resource: 'nodes' })).allowed).toBe(false);
    expect((await canI(c.kc, { verb: 'patch', resource: 'nodes' })).allowed).toBe(true);
    expect((await canI(c.viewerKc, { verb: 'delete', resource: 'pods', namespace: 'default' })).allowed).toBe(false);
  });

  it('caches per session key for a short while (no second review request)', async () => {
    clearAccessCache();
    const attrs = { verb: 'patch', group: 'operator.openshift.io', resource: 'kubeapiservers', name: 'cluster' };
    const first = await canI(c.viewerKc, attrs, { cacheKey: 'sid-1' });
    const before = c.server.stats.requests;
    const second = await canI(c.viewerKc, attrs, { cacheKey: 'sid-1' });
    expect(second).toEqual(first);
    expect(c.server.stats.requests).toBe(before);
    // another session asks again
    await canI(c.kc, attrs, { cacheKey: 'sid-2' });
    expect(c.server.stats.requests).toBe(before + 1);
    clearAccessCache('sid-1');
    await canI(c.viewerKc, attrs, { cacheKey: 'sid-1' });
    expect(c.server.stats.requests).toBe(before + 2);
  });
});

describe('a cluster 403 in plain words', () => {
  it('the viewer patching a node: "You (viewer) cannot patch nodes", cluster-admin would allow it', async () => {
    const core = c.viewerKc.makeApiClient(CoreV1Api);
    const nodes = await core.listNode();
    const name = nodes.items[0]!.metadata!.name!;
    const err = await core
      .patchNode({ name, body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))
      .then(() => null, (e: unknown) => toClusterError(e));
    expect(err?.kind).toBe('forbidden');
    const d = denialFromError(err!, 'viewer');
    expect(d.message).toBe('You (viewer) cannot patch nodes');
    expect(d.role).toBe('cluster-admin');
    expect(d.hint).toContain('cluster-admin');
    expect(d.clusterMessage).toContain(`nodes "${name}" is forbidden`);
  });

  it('namespaced and grouped resources', () => {
    const ns = describeForbidden('pods "p" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "team-a"');
    expect(ns).toMatchObject({ message: 'You (viewer) cannot delete pods in the namespace "team-a"', role: 'edit' });
    expect(ns?.hint).toContain('-n team-a');
    const op = describeForbidden('kubeapiservers.operator.openshift.io "cluster" is forbidden: User "bob" cannot patch resource "kubeapiservers" in API group "operator.openshift.io" at the cluster scope');
    expect(op).toMatchObject({ message: 'You (bob) cannot patch kubeapiservers.operator.openshift.io', role: 'cluster-admin' });
    const sub = describeForbidden('pods "p" is forbidden: User "x" cannot create resource "pods/eviction" in API group "" in the namespace "n"');
    expect(sub).toMatchObject({ message: 'You (x) cannot create pods/eviction in the namespace "n"', role: 'edit' });
    expect(describeForbidden('something else entirely')).toBeNull();
  });

  it('roleFor picks the smallest bootstrap role', () => {
    expect(roleFor({ verb: 'list', resource: 'pods', namespace: 'a' })).toBe('view');
    expect(roleFor({ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'a' })).toBe('edit');
    expect(roleFor({ verb: 'create', resource: 'rolebindings', namespace: 'a' })).toBe('admin');
    expect(roleFor({ verb: 'get', resource: 'nodes' })).toBe('cluster-reader');
    expect(roleFor({ verb: 'update', resource: 'nodes' })).toBe('cluster-admin');
  });
});
