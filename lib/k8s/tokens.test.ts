// lib/k8s/tokens against a real demo cluster over HTTPS: TokenRequest (defaults, audience, pod
// binding, the 422 below 600 s mapped to its field, 404s mapped to theirs), TokenReview before and
// after the bound pod is deleted, and the pickers' pages.
import { CoreV1Api } from '@kubernetes/client-node';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../sim/testing';
import { ClusterError } from './errors';
import { listPickerPage, parseWarningHeader, rejectionFrom, requestToken, reviewToken, type TokenRequestResult } from './tokens';

let c: TestCluster;
let core: CoreV1Api;
const NS = 'default';
const POD = 'tokens-test-pod';

function issued(r: TokenRequestResult) {
  if (!r.ok) throw new Error(`rejected: ${r.rejection.message}`);
  return r.issued;
}

beforeAll(async () => {
  c = await startTestCluster();
  core = c.kc.makeApiClient(CoreV1Api);
  const nodes = await core.listNode();
  await core.createNamespacedPod({
    namespace: NS,
    body: { metadata: { name: POD }, spec: { serviceAccountName: 'default', nodeName: nodes.items[0]!.metadata!.name!, containers: [{ name: 'c', image: 'registry.example/web:1' }] } },
  });
}, 120_000);

afterAll(async () => {
  await c?.dispose();
});

describe('requestToken', () => {
  it('issues a token with the cluster defaults: API audiences and the requested lifetime', async () => {
    const t = issued(await requestToken(c.kc, { namespace: NS, serviceAccount: 'default', audiences: [], expirationSeconds: 3600 }));
    const claims = decodeJwt(t.token);
    expect(claims.sub).toBe('system:serviceaccount:default:default');
    expect(claims.aud).toEqual(c.serviceAccountIssuers());
    expect(t.audiences).toEqual(c.serviceAccountIssuers());
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(t.expirationSeconds).toBe(3600);
    expect(t.expirationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(t.warnings).toEqual([]);
  });

  it('issues a token for a custom audience', async () => {
    const t = issued(await requestToken(c.kc, { namespace: NS, serviceAccount: 'default', audiences: ['vault'], expirationSeconds: 600 }));
    expect(decodeJwt(t.token).aud).toEqual(['vault']);
    expect(t.audiences).toEqual(['vault']);
  });

  it('binds a token to a pod: pod and node claims', async () => {
    const t = issued(await requestToken(c.kc, { namespace: NS, serviceAccount: 'default', audiences: [], expirationSeconds: 1200, boundObject: { kind: 'Pod', name: POD } }));
    const k8s = decodeJwt(t.token)['kubernetes.io'] as { pod?: { name: string; uid: string }; node?: { name: string } };
    expect(k8s.pod?.name).toBe(POD);
    expect(k8s.pod?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(k8s.node?.name).toBeTruthy();
  });

  it('maps the 422 below 600 s to the expirationSeconds field in the cluster\'s words', async () => {
    const r = await requestToken(c.kc, { namespace: NS, serviceAccount: 'default', audiences: [], expirationSeconds: 60 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.status).toBe(422);
    expect(r.rejection.reason).toBe('Invalid');
    expect(r.rejection.message).toBe('TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
    expect(r.rejection.fieldErrors).toEqual({ expirationSeconds: 'Invalid value: 60: may not specify a duration less than 10 minutes' });
  });

  it('maps a missing service account and a missing bound pod to their fields', async () => {
    const sa = await requestToken(c.kc, { namespace: NS, serviceAccount: 'nobody', audiences: [], expirationSeconds: 600 });
    expect(sa.ok ? null : sa.rejection).toMatchObject({ status: 404, fieldErrors: { serviceAccount: 'serviceaccounts "nobody" not found' } });
    const pod = await requestToken(c.kc, { namespace: NS, serviceAccount: 'default', audiences: [], expirationSeconds: 600, boundObject: { kind: 'Pod', name: 'no-such-pod' } });
    expect(pod.ok ? null : pod.rejection).toMatchObject({ status: 404, fieldErrors: { boundObject: 'pods "no-such-pod" not found' } });
  });

  it('throws a forbidden ClusterError for the viewer', async () => {
    const err = await requestToken(c.viewerKc, { namespace: NS, serviceAccount: 'default', audiences: [], expirationSeconds: 600 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).kind).toBe('forbidden');
    expect((err as ClusterError).message).toContain('cannot create resource "serviceaccounts/token"');
  });
});

describe('reviewToken', () => {
  it('says authenticated for a pod-bound token, then invalidated in the cluster\'s words after the pod is deleted', async () => {
    const podName = 'tokens-review-pod';
    const nodes = await core.listNode();
    await core.createNamespacedPod({
      namespace: NS,
      body: { metadata: { name: podName }, spec: { serviceAccountName: 'default', nodeName: nodes.items[0]!.metadata!.name!, containers: [{ name: 'c', image: 'registry.example/web:1' }] } },
    });
    const t = issued(await requestToken(c.kc, { namespace: NS, serviceAccount: 'default', audiences: [], expirationSeconds: 3600, boundObject: { kind: 'Pod', name: podName } }));
    const ok = await reviewToken(c.kc, t.token);
    expect(ok.authenticated).toBe(true);
    expect(ok.error).toBeNull();
    expect(ok.user.username).toBe('system:serviceaccount:default:default');
    expect(ok.user.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    expect(ok.user.extra['authentication.kubernetes.io/pod-name']).toEqual([podName]);
    expect(ok.audiences).toEqual(c.serviceAccountIssuers());

    await core.deleteNamespacedPod({ namespace: NS, name: podName, gracePeriodSeconds: 0 });
    const gone = await reviewToken(c.kc, t.token);
    expect(gone.authenticated).toBe(false);
    expect(gone.error).toBe('[invalid bearer token, service account token has been invalidated]');
    expect(gone.user.username).toBeUndefined();
  });

  it('passes requested audiences and reports the cluster\'s audience error', async () => {
    const t = issued(await requestToken(c.kc, { namespace: NS, serviceAccount: 'default', audiences: ['vault'], expirationSeconds: 600 }));
    const ok = await reviewToken(c.kc, t.token, ['vault']);
    expect(ok).toMatchObject({ authenticated: true, audiences: ['vault'] });
    const bad = await reviewToken(c.kc, t.token);
    expect(bad.authenticated).toBe(false);
    expect(bad.error).toBe(`[invalid bearer token, token audiences ["vault"] is invalid for the target audiences ${'[' + c.serviceAccountIssuers().map((a) => JSON.stringify(a)).join(' ') + ']'}]`);
  });

  it('is forbidden to the viewer', async () => {
    const err = await reviewToken(c.viewerKc, 'x.y.z').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).kind).toBe('forbidden');
  });
});

describe('pickers', () => {
  it('lists namespaces page by page with continue', async () => {
    const first = await listPickerPage(c.kc, 'namespaces', { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.continue).toBeTruthy();
    const second = await listPickerPage(c.kc, 'namespaces', { limit: 2, continue: first.continue! });
    expect(second.items.map((i) => i.name)).not.toContain(first.items[0]!.name);
  });

  it('lists the pods of one namespace with their service account and node', async () => {
    const page = await listPickerPage(c.kc, 'pods', { namespace: NS });
    const mine = page.items.find((i) => i.name === POD);
    expect(mine).toMatchObject({ serviceAccount: 'default' });
    expect(mine?.detail).toBeTruthy();
    const truth = await core.listNamespacedPod({ namespace: NS });
    expect(page.items.map((i) => i.name).sort()).toEqual(truth.items.map((p) => p.metadata!.name!).sort());
  });

  it('lists service accounts, secrets and nodes', async () => {
    expect((await listPickerPage(c.kc, 'serviceaccounts', { namespace: NS })).items.map((i) => i.name)).toEqual(expect.arrayContaining(['default', 'build-robot']));
    expect((await listPickerPage(c.kc, 'nodes')).items.length).toBe((await core.listNode()).items.length);
    await expect(listPickerPage(c.kc, 'secrets', { namespace: NS })).resolves.toBeDefined();
    await expect(listPickerPage(c.viewerKc, 'secrets', { namespace: NS })).rejects.toMatchObject({ kind: 'forbidden' });
  });
});

describe('pure helpers', () => {
  it('parses Warning headers', () => {
    expect(parseWarningHeader('299 - "requested expiration of 99999 seconds shortened to 86400 seconds"')).toEqual(['requested expiration of 99999 seconds shortened to 86400 seconds']);
    expect(parseWarningHeader('299 - "a", 299 - "b \\"q\\""')).toEqual(['a', 'b "q"']);
    expect(parseWarningHeader(undefined)).toEqual([]);
  });

  it('maps 400/409 bound-object rejections to the boundObject field', () => {
    expect(rejectionFrom(400, JSON.stringify({ message: 'cannot bind token for serviceaccount "a" to pod running with different serviceaccount name.' })).fieldErrors).toEqual({
      boundObject: 'cannot bind token for serviceaccount "a" to pod running with different serviceaccount name.',
    });
    expect(rejectionFrom(500, 'not json').fieldErrors).toEqual({});
  });
});
