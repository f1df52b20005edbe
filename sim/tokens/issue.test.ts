import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StatusError } from '../errors';
import { canonicalJson } from './claims';
import { createTokenRequest, signToken, type TokenRequestEnv } from './issue';
import { parsePrivateKeyPem, signingKey } from './keys';
import { decodeSegment, MemObjects, vector, vectorTrimmed } from './test-fixtures';

const rsaSigner = signingKey(parsePrivateKeyPem(vector('k8s-jwt-test/rsaPrivateKey.pem')));
const ecSigner = signingKey(parsePrivateKeyPem(vector('k8s-jwt-test/ecdsaPrivateKey.pem')));
const NOW = Date.parse('2026-11-29T01:02:03.456Z');
const NOW_S = Math.floor(NOW / 1000);
const ISSUERS = ['https://issuer2.test.com', 'https://kubernetes.default.svc'];

function objects(): MemObjects {
  return new MemObjects()
    .put('sa', { metadata: { name: 'build-robot', namespace: 'default', uid: 'sa-uid-1' } })
    .put('sa', { metadata: { name: 'other', namespace: 'default', uid: 'sa-uid-2' } })
    .put('pod', { metadata: { name: 'web-1', namespace: 'default', uid: 'pod-uid-1' }, spec: { serviceAccountName: 'build-robot', nodeName: 'w1' } })
    .put('pod', { metadata: { name: 'lost-node', namespace: 'default', uid: 'pod-uid-2' }, spec: { serviceAccountName: 'build-robot', nodeName: 'gone' } })
    .put('pod', { metadata: { name: 'pending', namespace: 'default', uid: 'pod-uid-3' }, spec: { serviceAccountName: 'build-robot' } })
    .put('secret', { metadata: { name: 's1', namespace: 'default', uid: 'secret-uid-1' } })
    .put('node', { metadata: { name: 'w1', uid: 'node-uid-1' } });
}

function env(over: Partial<TokenRequestEnv> = {}): TokenRequestEnv {
  return { signer: rsaSigner, issuers: ISSUERS, nowMs: NOW, objects: objects(), ...over };
}

function parts(token: string): { header: string; payload: string; sig: Buffer } {
  const [h, p, s] = token.split('.');
  return { header: decodeSegment(h!), payload: decodeSegment(p!), sig: Buffer.from(s!, 'base64url') };
}

async function expectStatus(p: Promise<unknown>, code: number, message: string): Promise<StatusError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StatusError);
  const se = err as StatusError;
  expect({ code: se.code, message: se.message }).toEqual({ code, message });
  return se;
}

describe('serialization follows the real tokens', () => {
  // Every real kube token payload re-encodes byte-identically with our canonical JSON.
  const realPayloads: [string, string][] = [
    ['minikube v1.18 projected token', decodeSegment(vectorTrimmed('vault-minikube/jwtProjectedData.jwt').split('.')[1]!)],
    ['minikube expired token', decodeSegment(vectorTrimmed('vault-minikube/jwtProjectedDataExpired.jwt').split('.')[1]!)],
    ['OpenShift docs token', decodeSegment(vectorTrimmed('openshift-docs-token.full.jwt').split('.')[1]!)],
    ['kind v1.30 projected claims', vectorTrimmed('claims-only/gist-tsaarni-kind-v1.30-projected.claims.json')],
    ['kubectl create token payload', decodeSegment(vectorTrimmed('claims-only/gist-superbrothers-kubectl-create-token.payload.b64'))],
    ['legacy token', decodeSegment(vectorTrimmed('vault-minikube/jwtData.jwt').split('.')[1]!)],
  ];
  // Reverse every object's key order first so the test proves the sorting, not JSON.parse's order.
  const reversed = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(reversed) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v;
  it.each(realPayloads)('%s', (_name, payload) => {
    const shuffled = reversed(JSON.parse(payload));
    expect(JSON.stringify(shuffled)).not.toBe(payload);
    expect(canonicalJson(shuffled)).toBe(payload);
  });

  it('signs with header {"alg","kid"} only and a key-sorted compact payload', async () => {
    const token = await signToken(rsaSigner, { sub: 'x', aud: ['a'], iss: 'i', 'kubernetes.io': { serviceaccount: { uid: 'u', name: 'n' }, namespace: 'ns' } });
    const { header, payload, sig } = parts(token);
    expect(header).toBe('{"alg":"RS256","kid":"JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU"}');
    expect(payload).toBe('{"aud":["a"],"iss":"i","kubernetes.io":{"namespace":"ns","serviceaccount":{"name":"n","uid":"u"}},"sub":"x"}');
    expect(token).not.toContain('=');
    const pub = createPublicKey(vector('k8s-jwt-test/rsaPublicKey.pem'));
    const [h, p] = token.split('.');
    expect(cryptoVerify('sha256', Buffer.from(`${h}.${p}`), pub, sig)).toBe(true);
  });

  it('signs ES256 with a raw r||s signature', async () => {
    const token = await signToken(ecSigner, { sub: 'x' });
    const { header, sig } = parts(token);
    expect(header).toBe('{"alg":"ES256","kid":"SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc"}');
    expect(sig).toHaveLength(64);
    const [h, p] = token.split('.');
    const pub = createPublicKey(vector('k8s-jwt-test/ecdsaPublicKey.pem'));
    expect(cryptoVerify('sha256', Buffer.from(`${h}.${p}`), { key: pub, dsaEncoding: 'ieee-p1363' }, sig)).toBe(true);
  });

  it('escapes <, > and & as Go does', () => {
    expect(canonicalJson({ aud: ['a<b>&c'] })).toBe('{"aud":["a\\u003cb\\u003e\\u0026c"]}');
  });
});

describe('TokenRequest', () => {
  it('defaults to 3600 s and all API audiences, first issuer signs', async () => {
    const { object, claims, warnings } = await createTokenRequest(env(), 'default', 'build-robot', { metadata: { creationTimestamp: null }, spec: {} });
    expect(warnings).toEqual([]);
    expect(object.spec).toEqual({ audiences: ISSUERS, expirationSeconds: 3600, boundObjectRef: null });
    expect(Object.keys(object.spec)).toEqual(['audiences', 'expirationSeconds', 'boundObjectRef']);
    expect(object.metadata).toEqual({ name: 'build-robot', namespace: 'default', creationTimestamp: '2026-11-29T01:02:03Z' });
    expect(object.status.expirationTimestamp).toBe('2026-11-29T02:02:03Z');
    expect(Object.keys(object)).toEqual(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    const { header, payload } = parts(object.status.token);
    expect(JSON.parse(header)).toEqual({ alg: 'RS256', kid: rsaSigner.kid });
    const p = JSON.parse(payload);
    expect(Object.keys(p)).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
    expect(p).toMatchObject({ aud: ISSUERS, iat: NOW_S, nbf: NOW_S, exp: NOW_S + 3600, iss: 'https://issuer2.test.com', sub: 'system:serviceaccount:default:build-robot' });
    expect(p.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(p['kubernetes.io']).toEqual({ namespace: 'default', serviceaccount: { name: 'build-robot', uid: 'sa-uid-1' } });
    expect(claims.jti).toBe(p.jti);
  });

  it('keeps one requested audience as an array', async () => {
    const { object } = await createTokenRequest(env(), 'default', 'build-robot', { spec: { audiences: ['vault'] } });
    expect(parts(object.status.token).payload).toContain('"aud":["vault"]');
  });

  it('gives each token a fresh jti', async () => {
    const a = await createTokenRequest(env(), 'default', 'build-robot', {});
    const b = await createTokenRequest(env(), 'default', 'build-robot', {});
    expect(a.claims.jti).not.toBe(b.claims.jti);
  });

  it('rejects durations under 10 minutes with kube\'s exact 422 Status', async () => {
    const se = await expectStatus(
      createTokenRequest(env(), 'default', 'build-robot', { spec: { expirationSeconds: 60 } }),
      422,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    );
    expect(JSON.stringify(se.toStatus())).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"TokenRequest.authentication.k8s.io \\"\\" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes","reason":"Invalid","details":{"group":"authentication.k8s.io","kind":"TokenRequest","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: 60: may not specify a duration less than 10 minutes","field":"spec.expirationSeconds"}]},"code":422}',
    );
  });

  it('accepts the bounds 600 and 2^32 and rejects 599 and 2^32+1', async () => {
    await expect(createTokenRequest(env(), 'default', 'build-robot', { spec: { expirationSeconds: 600 } })).resolves.toBeTruthy();
    const big = await createTokenRequest(env(), 'default', 'build-robot', { spec: { expirationSeconds: 2 ** 32 } });
    expect(big.claims.exp - big.claims.iat).toBe(2 ** 32);
    await expectStatus(
      createTokenRequest(env(), 'default', 'build-robot', { spec: { expirationSeconds: 599 } }),
      422,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    );
    await expectStatus(
      createTokenRequest(env(), 'default', 'build-robot', { spec: { expirationSeconds: 2 ** 32 + 1 } }),
      422,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
    );
  });

  it('checks body name and namespace before anything else', async () => {
    await expectStatus(
      createTokenRequest(env(), 'default', 'build-robot', { metadata: { name: 'default' }, spec: { expirationSeconds: 1 } }),
      422,
      'TokenRequest.authentication.k8s.io "build-robot" is invalid: metadata.name: Invalid value: "default": must match the service account name if specified',
    );
    await expectStatus(
      createTokenRequest(env(), 'default', 'build-robot', { metadata: { namespace: 'kube-system' } }),
      422,
      'TokenRequest.authentication.k8s.io "build-robot" is invalid: metadata.namespace: Invalid value: "kube-system": must match the service account namespace if specified',
    );
  });

  it('404s a missing service account before validating the duration', async () => {
    await expectStatus(createTokenRequest(env(), 'default', 'nobody', { spec: { expirationSeconds: 1 } }), 404, 'serviceaccounts "nobody" not found');
  });

  it('binds to a pod and embeds its node (name+uid, or name only when the Node is gone)', async () => {
    const { object, claims } = await createTokenRequest(env(), 'default', 'build-robot', { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-1' } } });
    expect(object.spec.boundObjectRef).toEqual({ kind: 'Pod', apiVersion: 'v1', name: 'web-1' });
    expect(parts(object.status.token).payload).toContain(
      '"kubernetes.io":{"namespace":"default","node":{"name":"w1","uid":"node-uid-1"},"pod":{"name":"web-1","uid":"pod-uid-1"},"serviceaccount":{"name":"build-robot","uid":"sa-uid-1"}}',
    );
    expect(claims['kubernetes.io'].warnafter).toBeUndefined();
    const lost = await createTokenRequest(env(), 'default', 'build-robot', { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'lost-node' } } });
    expect(lost.claims['kubernetes.io'].node).toEqual({ name: 'gone' });
    const pending = await createTokenRequest(env(), 'default', 'build-robot', { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'pending' } } });
    expect(pending.claims['kubernetes.io'].node).toBeUndefined();
  });

  it('binds to a secret or a node', async () => {
    const s = await createTokenRequest(env(), 'default', 'build-robot', { spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 's1' } } });
    expect(s.claims['kubernetes.io']).toEqual({ namespace: 'default', secret: { name: 's1', uid: 'secret-uid-1' }, serviceaccount: { name: 'build-robot', uid: 'sa-uid-1' } });
    const n = await createTokenRequest(env(), 'default', 'build-robot', { spec: { boundObjectRef: { kind: 'Node', apiVersion: 'v1', name: 'w1' } } });
    expect(n.claims['kubernetes.io'].node).toEqual({ name: 'w1', uid: 'node-uid-1' });
    expect(n.claims['kubernetes.io'].pod).toBeUndefined();
  });

  it('answers bad bindings as kube does', async () => {
    const bind = (ref: Record<string, string>, sa = 'build-robot') => createTokenRequest(env(), 'default', sa, { spec: { boundObjectRef: ref } });
    await expectStatus(bind({ kind: 'Pod', apiVersion: 'v1', name: 'nope' }), 404, 'pods "nope" not found');
    await expectStatus(bind({ kind: 'Secret', apiVersion: 'v1', name: 'nope' }), 404, 'secrets "nope" not found');
    await expectStatus(bind({ kind: 'Node', apiVersion: 'v1', name: 'nope' }), 404, 'nodes "nope" not found');
    await expectStatus(
      bind({ kind: 'Pod', apiVersion: 'v1', name: 'web-1' }, 'other'),
      400,
      'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.',
    );
    await expectStatus(bind({ kind: 'ConfigMap', apiVersion: 'v1', name: 'x' }), 400, 'cannot bind token to object of type /v1, Kind=ConfigMap');
    await expectStatus(bind({ kind: 'Pod', apiVersion: 'apps/v1', name: 'web-1' }), 400, 'cannot bind token to object of type apps/v1, Kind=Pod');
    const se = await expectStatus(
      bind({ kind: 'Pod', apiVersion: 'v1', name: 'web-1', uid: 'old-uid' }),
      409,
      'Operation cannot be fulfilled on Pod "web-1": the UID in the bound object reference (old-uid) does not match the UID in record. The object might have been deleted and then recreated',
    );
    expect(se.reason).toBe('Conflict');
    await expect(bind({ kind: 'Pod', apiVersion: 'v1', name: 'web-1', uid: 'pod-uid-1' })).resolves.toBeTruthy();
  });

  it('applies the 3607 rule: pod-bound + API audiences → JWT valid 1 year, warnafter +3607, status +3607', async () => {
    const { object, claims } = await createTokenRequest(env(), 'default', 'build-robot', {
      spec: { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-1' } },
    });
    expect(claims.exp - claims.iat).toBe(31536000);
    expect(claims['kubernetes.io'].warnafter).toBe(claims.iat + 3607);
    expect(object.spec.expirationSeconds).toBe(3607);
    expect(object.status.expirationTimestamp).toBe('2026-11-29T02:02:10Z');
    expect(parts(object.status.token).payload).toMatch(/"serviceaccount":\{[^}]*\},"warnafter":\d+\},"nbf"/);
  });

  it('does not extend 3607 for other audiences, unbound tokens, or when disabled', async () => {
    const pod = { kind: 'Pod', apiVersion: 'v1', name: 'web-1' };
    const aud = await createTokenRequest(env(), 'default', 'build-robot', { spec: { expirationSeconds: 3607, audiences: ['vault'], boundObjectRef: pod } });
    expect(aud.claims.exp - aud.claims.iat).toBe(3607);
    expect(aud.claims['kubernetes.io'].warnafter).toBeUndefined();
    const sub = await createTokenRequest(env(), 'default', 'build-robot', { spec: { expirationSeconds: 3607, audiences: ['https://kubernetes.default.svc'], boundObjectRef: pod } });
    expect(sub.claims.exp - sub.claims.iat).toBe(31536000);
    const unbound = await createTokenRequest(env(), 'default', 'build-robot', { spec: { expirationSeconds: 3607 } });
    expect(unbound.claims.exp - unbound.claims.iat).toBe(3607);
    const off = await createTokenRequest(env({ extendExpiration: false }), 'default', 'build-robot', { spec: { expirationSeconds: 3607, boundObjectRef: pod } });
    expect(off.claims.exp - off.claims.iat).toBe(3607);
  });

  it('caps at --service-account-max-token-expiration with a warning', async () => {
    const r = await createTokenRequest(env({ maxExpirationSeconds: 7200 }), 'default', 'build-robot', { spec: { expirationSeconds: 86400 } });
    expect(r.warnings).toEqual(['requested expiration of 86400 seconds shortened to 7200 seconds']);
    expect(r.object.spec.expirationSeconds).toBe(7200);
    expect(r.claims.exp - r.claims.iat).toBe(7200);
  });
});
