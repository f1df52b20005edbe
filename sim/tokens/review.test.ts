import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors';
import { createTokenRequest } from './issue';
import { parsePrivateKeyPem, parsePublicKeysPem, signingKey, verificationKey, type SigningKey } from './keys';
import { authenticateServiceAccountToken, reviewErrorMessage, reviewToken, type ReviewEnv } from './review';
import { signToken } from './issue';
import { MemObjects, vector, vectorTrimmed } from './test-fixtures';

// ---- real tokens from a real minikube v1.18 kube-apiserver ----
const minikubeKey = verificationKey(parsePublicKeysPem(vector('vault-minikube/testMinikubePubKey.pem'))[0]!);
const minikubeObjects = () =>
  new MemObjects()
    .put('sa', { metadata: { name: 'default', namespace: 'default', uid: '77c81ad7-1bea-4d94-9ca5-f5d7f3632331' } })
    .put('pod', { metadata: { name: 'vault', namespace: 'default', uid: '086c2f61-dea2-47bb-b5ca-63e63c5c9885' } });
function minikubeEnv(objects = minikubeObjects(), nowMs = Date.parse('2026-11-28T00:00:00Z')): ReviewEnv {
  // that cluster ran with --service-account-issuer=kubernetes/serviceaccount and --api-audiences=kubernetes.default.svc
  return { issuers: ['kubernetes/serviceaccount'], apiAudiences: ['kubernetes.default.svc'], keys: [minikubeKey], nowMs, objects };
}

describe('real minikube tokens', () => {
  const projected = vectorTrimmed('vault-minikube/jwtProjectedData.jwt');

  it('authenticate the valid pod-bound token (signature, kid, audience, pod)', async () => {
    const r = await authenticateServiceAccountToken(projected, minikubeEnv());
    expect(r).toEqual({
      ok: true,
      audiences: ['kubernetes.default.svc'],
      user: {
        username: 'system:serviceaccount:default:default',
        uid: '77c81ad7-1bea-4d94-9ca5-f5d7f3632331',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
        extra: {
          'authentication.kubernetes.io/pod-name': ['vault'],
          'authentication.kubernetes.io/pod-uid': ['086c2f61-dea2-47bb-b5ca-63e63c5c9885'],
        },
      },
    });
  });

  it('report the 600 s token as expired', async () => {
    const r = await authenticateServiceAccountToken(vectorTrimmed('vault-minikube/jwtProjectedDataExpired.jwt'), minikubeEnv());
    expect(reviewErrorMessage(r)).toBe('[invalid bearer token, service account token has expired]');
  });

  it('report the token as invalidated once its pod is gone', async () => {
    const objs = minikubeObjects();
    objs.remove('pod', 'default', 'vault');
    expect(reviewErrorMessage(await authenticateServiceAccountToken(projected, minikubeEnv(objs)))).toBe(
      '[invalid bearer token, service account token has been invalidated]',
    );
  });

  it('report a recreated pod (new UID) in kube\'s words', async () => {
    const objs = minikubeObjects().put('pod', { metadata: { name: 'vault', namespace: 'default', uid: 'new-uid' } });
    expect(reviewErrorMessage(await authenticateServiceAccountToken(projected, minikubeEnv(objs)))).toBe(
      '[invalid bearer token, pod UID (new-uid) does not match service account pod ref claim (086c2f61-dea2-47bb-b5ca-63e63c5c9885)]',
    );
  });

  it('reject the audience when a different one is requested', async () => {
    const r = await authenticateServiceAccountToken(projected, minikubeEnv(), ['vault']);
    expect(reviewErrorMessage(r)).toBe('[invalid bearer token, token audiences ["kubernetes.default.svc"] is invalid for the target audiences ["vault"]]');
  });

  it('fail the signature of the token signed by an unknown key (no kid: every key is tried)', async () => {
    const r = await authenticateServiceAccountToken(vectorTrimmed('vault-minikube/jwtWithBadSigningKey.jwt'), minikubeEnv());
    expect(reviewErrorMessage(r)).toBe('[invalid bearer token, square/go-jose: error in cryptographic primitive]');
  });

  it('dedupe the per-key failures when a kid-less token is tried against RSA and EC keys', async () => {
    const ecKey = verificationKey(parsePublicKeysPem(vector('k8s-jwt-test/ecdsaPublicKey.pem'))[0]!);
    const env = { ...minikubeEnv(), keys: [minikubeKey, ecKey] };
    const r = await authenticateServiceAccountToken(vectorTrimmed('vault-minikube/jwtWithBadSigningKey.jwt'), env);
    expect(reviewErrorMessage(r)).toBe('[invalid bearer token, square/go-jose: error in cryptographic primitive]');
  });

  it('are not ours when their issuer is not trusted', async () => {
    const env = { ...minikubeEnv(), issuers: ['https://kubernetes.default.svc'] };
    expect(reviewErrorMessage(await authenticateServiceAccountToken(projected, env))).toBe('invalid bearer token');
  });

  it('fail with "no keys found" when the kid is unknown', async () => {
    const env = { ...minikubeEnv(), keys: [verificationKey(parsePublicKeysPem(vector('k8s-jwt-test/rsaPublicKey.pem'))[0]!)] };
    expect(reviewErrorMessage(await authenticateServiceAccountToken(projected, env))).toBe('[invalid bearer token, invalid signature, no keys found]');
  });
});

describe('OpenShift docs token', () => {
  const env: ReviewEnv = {
    issuers: ['https://issuer2.test.com', 'https://issuer1.test.com', 'https://kubernetes.default.svc'],
    keys: [minikubeKey],
    nowMs: Date.now(),
    objects: new MemObjects(),
  };
  it('with a malformed ".x" signature is not a parseable JWS → invalid bearer token', async () => {
    expect(reviewErrorMessage(await authenticateServiceAccountToken(vectorTrimmed('openshift-docs-token.jwt'), env))).toBe('invalid bearer token');
  });
  it('with its real signature has no key here', async () => {
    expect(reviewErrorMessage(await authenticateServiceAccountToken(vectorTrimmed('openshift-docs-token.full.jwt'), env))).toBe(
      '[invalid bearer token, invalid signature, no keys found]',
    );
  });
});

// ---- tokens minted by our own issuer ----
const rsa = signingKey(parsePrivateKeyPem(vector('k8s-jwt-test/rsaPrivateKey.pem')));
const ec = signingKey(parsePrivateKeyPem(vector('k8s-jwt-test/ecdsaPrivateKey.pem')));
const ISSUERS = ['https://kubernetes.default.svc'];
const T0 = Date.parse('2026-11-29T00:00:00Z');

function clusterObjects(): MemObjects {
  return new MemObjects()
    .put('sa', { metadata: { name: 'build-robot', namespace: 'demo', uid: 'sa-1' } })
    .put('pod', { metadata: { name: 'web-1', namespace: 'demo', uid: 'pod-1' }, spec: { serviceAccountName: 'build-robot', nodeName: 'w1' } })
    .put('secret', { metadata: { name: 's1', namespace: 'demo', uid: 'sec-1' } })
    .put('node', { metadata: { name: 'w1', uid: 'node-1' } })
    .put('node', { metadata: { name: 'w2', uid: 'node-2' } });
}

async function mint(objects: MemObjects, spec: Record<string, unknown> = {}, signer: SigningKey = rsa, issuers = ISSUERS): Promise<string> {
  const r = await createTokenRequest({ signer, issuers, nowMs: T0, objects }, 'demo', 'build-robot', { spec });
  return r.object.status.token;
}

function reviewEnv(objects: MemObjects, nowMs = T0 + 1000, issuers = ISSUERS): ReviewEnv {
  return { issuers, keys: [verificationKey(rsa.publicKey), verificationKey(ec.publicKey)], nowMs, objects };
}

async function verdict(token: string, env: ReviewEnv, auds?: string[]): Promise<string> {
  const r = await authenticateServiceAccountToken(token, env, auds);
  return r.ok ? 'ok' : reviewErrorMessage(r)!;
}

describe('minted tokens', () => {
  it('pod-bound: user with groups and extra (credential-id, node, pod) in kube\'s key order', async () => {
    const objs = clusterObjects();
    const token = await mint(objs, { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-1' } });
    const r = await authenticateServiceAccountToken(token, reviewEnv(objs));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const jti = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(r.user.extra).toEqual({
      'authentication.kubernetes.io/credential-id': [`JTI=${jti}`],
      'authentication.kubernetes.io/node-name': ['w1'],
      'authentication.kubernetes.io/node-uid': ['node-1'],
      'authentication.kubernetes.io/pod-name': ['web-1'],
      'authentication.kubernetes.io/pod-uid': ['pod-1'],
    });
    expect(Object.keys(r.user.extra!)).toEqual([...Object.keys(r.user.extra!)].sort());
    expect(r.user.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:demo', 'system:authenticated']);
    expect(r.audiences).toEqual(ISSUERS);
  });

  it('honours the 60 s leeway on exp and nbf', async () => {
    const objs = clusterObjects();
    const token = await mint(objs, { expirationSeconds: 600 });
    expect(await verdict(token, reviewEnv(objs, T0 + 660_000))).toBe('ok');
    expect(await verdict(token, reviewEnv(objs, T0 + 661_000))).toBe('[invalid bearer token, service account token has expired]');
    expect(await verdict(token, reviewEnv(objs, T0 - 60_000))).toBe('ok');
    expect(await verdict(token, reviewEnv(objs, T0 - 61_000))).toBe('[invalid bearer token, service account token is not valid yet]');
  });

  it('reports iat in the future when nbf is fine', async () => {
    const objs = clusterObjects();
    const token = await signToken(rsa, {
      aud: ISSUERS, exp: T0 / 1000 + 3600, iat: T0 / 1000 + 600, iss: ISSUERS[0], 'kubernetes.io': { namespace: 'demo', serviceaccount: { name: 'build-robot', uid: 'sa-1' } }, nbf: T0 / 1000 - 10, sub: 'system:serviceaccount:demo:build-robot',
    });
    expect(await verdict(token, reviewEnv(objs))).toBe('[invalid bearer token, service account token is issued in the future]');
  });

  it('audience: requested audiences intersect, in token order', async () => {
    const objs = clusterObjects();
    const token = await mint(objs, { audiences: ['b', 'a', 'c'] });
    const r = await authenticateServiceAccountToken(token, reviewEnv(objs), ['a', 'b']);
    expect(r.ok && r.audiences).toEqual(['b', 'a']);
    expect(await verdict(token, reviewEnv(objs))).toBe(
      '[invalid bearer token, token audiences ["b" "a" "c"] is invalid for the target audiences ["https://kubernetes.default.svc"]]',
    );
  });

  it('service account deleted, recreated, or terminating', async () => {
    const objs = clusterObjects();
    const token = await mint(objs);
    objs.put('sa', { metadata: { name: 'build-robot', namespace: 'demo', uid: 'sa-2' } });
    expect(await verdict(token, reviewEnv(objs))).toBe('[invalid bearer token, service account UID (sa-2) does not match claim (sa-1)]');
    objs.remove('sa', 'demo', 'build-robot');
    expect(await verdict(token, reviewEnv(objs))).toBe('[invalid bearer token, serviceaccounts "build-robot" not found]');
    objs.put('sa', { metadata: { name: 'build-robot', namespace: 'demo', uid: 'sa-1', deletionTimestamp: new Date(T0 - 120_000).toISOString() } });
    expect(await verdict(token, reviewEnv(objs))).toBe('[invalid bearer token, service account demo/build-robot has been deleted]');
  });

  it('pod terminating: still valid within the leeway, invalidated after', async () => {
    const objs = clusterObjects();
    const token = await mint(objs, { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-1' } });
    const del = (ms: number) =>
      objs.put('pod', { metadata: { name: 'web-1', namespace: 'demo', uid: 'pod-1', deletionTimestamp: new Date(ms).toISOString() }, spec: { serviceAccountName: 'build-robot' } });
    del(T0 - 30_000);
    expect(await verdict(token, reviewEnv(objs))).toBe('ok');
    del(T0 - 90_000);
    expect(await verdict(token, reviewEnv(objs))).toBe('[invalid bearer token, service account token has been invalidated]');
  });

  it('secret- and node-bound tokens follow their object', async () => {
    const objs = clusterObjects();
    const st = await mint(objs, { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's1' } });
    const nt = await mint(objs, { boundObjectRef: { kind: 'Node', apiVersion: 'v1', name: 'w2' } });
    expect(await verdict(st, reviewEnv(objs))).toBe('ok');
    const nr = await authenticateServiceAccountToken(nt, reviewEnv(objs));
    expect(nr.ok && nr.user.extra).toMatchObject({ 'authentication.kubernetes.io/node-name': ['w2'], 'authentication.kubernetes.io/node-uid': ['node-2'] });
    objs.put('secret', { metadata: { name: 's1', namespace: 'demo', uid: 'sec-2' } });
    expect(await verdict(st, reviewEnv(objs))).toBe('[invalid bearer token, secret UID (sec-2) does not match service account secret ref claim (sec-1)]');
    objs.remove('secret', 'demo', 's1');
    expect(await verdict(st, reviewEnv(objs))).toBe('[invalid bearer token, service account token has been invalidated]');
    objs.put('node', { metadata: { name: 'w2', uid: 'node-9' } });
    expect(await verdict(nt, reviewEnv(objs))).toBe('[invalid bearer token, node UID (node-9) does not match service account node ref claim (node-2)]');
    objs.remove('node', '', 'w2');
    expect(await verdict(nt, reviewEnv(objs))).toBe('[invalid bearer token, service account token has been invalidated]');
  });

  it('pod-bound tokens do not check their node', async () => {
    const objs = clusterObjects();
    const token = await mint(objs, { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-1' } });
    objs.remove('node', '', 'w1');
    expect(await verdict(token, reviewEnv(objs))).toBe('ok');
  });

  it('a tampered payload fails the signature', async () => {
    const objs = clusterObjects();
    const token = await mint(objs);
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.exp += 100000;
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    expect(await verdict(forged, reviewEnv(objs))).toBe('[invalid bearer token, square/go-jose: error in cryptographic primitive]');
  });

  it('tokens signed by the extra EC key verify; an untrusted issuer is not ours', async () => {
    const objs = clusterObjects();
    expect(await verdict(await mint(objs, {}, ec), reviewEnv(objs))).toBe('ok');
    const old = await mint(objs, {}, rsa, ['https://old.example.com', ...ISSUERS]);
    expect(await verdict(old, reviewEnv(objs, T0 + 1000, ['https://old.example.com', ...ISSUERS]))).toBe('ok');
    expect(await verdict(old, reviewEnv(objs))).toBe('invalid bearer token');
  });

  it('garbage is simply not ours', async () => {
    const env = reviewEnv(clusterObjects());
    for (const t of ['x', 'a.b', '{"iss":"https://kubernetes.default.svc"}', 'a.b.c.d']) expect(await verdict(t, env)).toBe('invalid bearer token');
  });
});

describe('TokenReview object', () => {
  it('echoes the spec and answers like kube for success and failure', async () => {
    const objs = clusterObjects();
    const token = await mint(objs, { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-1' } });
    const ok = await reviewToken(reviewEnv(objs), { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
    expect(Object.keys(ok)).toEqual(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    expect(ok.metadata).toEqual({ creationTimestamp: null });
    expect(ok.spec).toEqual({ token });
    expect(Object.keys(ok.status)).toEqual(['authenticated', 'user', 'audiences']);
    expect(Object.keys(ok.status.user)).toEqual(['username', 'uid', 'groups', 'extra']);
    expect(ok.status.audiences).toEqual(ISSUERS);

    objs.remove('pod', 'demo', 'web-1');
    const bad = await reviewToken(reviewEnv(objs), { spec: { token, audiences: ['https://kubernetes.default.svc'] } });
    expect(JSON.stringify(bad.status)).toBe('{"user":{},"error":"[invalid bearer token, service account token has been invalidated]"}');
    expect(bad.spec.audiences).toEqual(['https://kubernetes.default.svc']);
  });

  it('400s an empty token and a namespace', async () => {
    const env = reviewEnv(clusterObjects());
    await expect(reviewToken(env, { spec: {} })).rejects.toThrow(new StatusError(400, 'BadRequest', 'token is required for TokenReview in authentication'));
    await expect(reviewToken(env, { spec: { token: 'x' } }, { namespace: 'demo' })).rejects.toThrow('namespace is not allowed on this type: demo');
  });

  it('lets the other authenticators of the union claim a token that is not a service-account token', async () => {
    const env = reviewEnv(clusterObjects());
    const r = await reviewToken(env, { spec: { token: 'static' } }, {
      fallback: async (t, auds) => (t === 'static' ? { user: { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] }, audiences: auds } : null),
    });
    expect(r.status).toEqual({ authenticated: true, user: { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] }, audiences: ISSUERS });
  });
});
