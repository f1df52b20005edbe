// Every file in shared/reference/vectors with the verdict its README states.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  audiencesOf, classifyToken, decodeJwt, explainClaims, inspectToken, normalizeTokenInput, parseKeys,
  timeline, tokenTimes, tokenWarnings, verifyToken, base64UrlToBytes, type DecodeSuccess,
} from './index';

const V = '/work/shared/reference/vectors';
const read = (p: string) => readFileSync(join(V, p), 'utf8');
const NOW = Date.parse('2026-11-28T12:00:00Z'); // "Now when written" in the README
const tok = (p: string) => {
  const n = normalizeTokenInput(read(p));
  if (!n.ok) throw new Error(n.error.message);
  return n.token;
};
const decoded = (p: string): DecodeSuccess => {
  const d = decodeJwt(tok(p));
  if (!d.ok) throw new Error(d.error.message);
  return d;
};

describe('vector inventory', () => {
  it('every vector file is covered by a test below', () => {
    const covered = new Set([
      'README.md',
      'openshift-docs-token.jwt', 'openshift-docs-token.full.jwt',
      'claims-only/gist-superbrothers-kubectl-create-token.payload.b64', 'claims-only/gist-tsaarni-kind-v1.30-projected.claims.json',
      'claims-only/k8s-docs-pod-bound-example.claims.json', 'claims-only/k8s-docs-tokenreview-response.yaml',
      'k8s-jwt-test/ecdsaPrivateKey.pem', 'k8s-jwt-test/ecdsaPrivateKeyWithParams.pem', 'k8s-jwt-test/ecdsaPublicKey.pem',
      'k8s-jwt-test/expected-jwks.json', 'k8s-jwt-test/expected-openid-configuration.json', 'k8s-jwt-test/otherPublicKey.pem',
      'k8s-jwt-test/rsaPrivateKey.pem', 'k8s-jwt-test/rsaPublicKey.pem',
      'vault-minikube/ecdsaKey.p384.pub.pem', 'vault-minikube/jwtBadServiceAccount.jwt', 'vault-minikube/jwtData.jwt',
      'vault-minikube/jwtECDSASigned.jwt', 'vault-minikube/jwtProjectedData.jwt', 'vault-minikube/jwtProjectedDataExpired.jwt',
      'vault-minikube/jwtWithBadSigningKey.jwt', 'vault-minikube/minikube-jwks.derived.json', 'vault-minikube/testCACert.pem',
      'vault-minikube/testECCert.pem', 'vault-minikube/testMinikubePubKey.pem', 'vault-minikube/testRSACert.pem',
    ]);
    const all = readdirSync(V, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(V.length + 1));
    expect(all.filter((f) => !covered.has(f))).toEqual([]);
  });
});

describe('openshift-docs-token (the procedure example)', () => {
  const cut = 'openshift-docs-token.jwt';
  const full = 'openshift-docs-token.full.jwt';

  it('decodes to the documented header and claims', () => {
    const d = decoded(cut);
    expect(d.header).toEqual({ alg: 'RS256', kid: 'F63Sx0toslE6qRBP8xoFc5Ovsw6HHWKQZakP4MqlxKI' });
    expect(d.payload.iss).toBe('https://issuer2.test.com');
    expect(d.payload.sub).toBe('system:serviceaccount:default:test-sa');
    expect((d.payload.exp as number) - (d.payload.iat as number)).toBe(3600);
    expect(audiencesOf(d.payload)).toEqual(['https://issuer2.test.com', 'https://issuer1.test.com', 'https://kubernetes.default.svc']);
    // kube serialization: compact, keys sorted, byte-identical re-encoding
    expect(new TextDecoder().decode(base64UrlToBytes(d.raw.payload))).toBe(JSON.stringify(d.payload));
    expect(decoded(full).payload).toEqual(d.payload);
  });

  it('every claim is explained', () => {
    const claims = explainClaims(decoded(cut).payload);
    expect(claims.map((c) => c.path)).toEqual([
      'aud', 'exp', 'iat', 'iss', 'kubernetes.io', 'kubernetes.io.namespace', 'kubernetes.io.serviceaccount',
      'kubernetes.io.serviceaccount.name', 'kubernetes.io.serviceaccount.uid', 'nbf', 'sub',
    ]);
    for (const c of claims) {
      expect(c.known, c.path).toBe(true);
      expect(c.explanation!.text.length, c.path).toBeGreaterThan(20);
    }
  });

  it('is an unbound bound-token for default/test-sa, flagged expired', () => {
    const c = classifyToken(decoded(cut).payload);
    expect(c).toMatchObject({ kind: 'bound', binding: 'none', namespace: 'default', serviceAccount: { name: 'test-sa', uid: 'c7f08290-b395-4c84-8628-3313555a5f59' } });
    expect(c.subject).toEqual({ raw: 'system:serviceaccount:default:test-sa', isServiceAccount: true, namespace: 'default', name: 'test-sa' });
    expect(c.problems).toEqual([]);
    const w = tokenWarnings(decoded(cut).header, decoded(cut).payload, NOW, { currentIssuer: 'https://issuer2.test.com', apiAudiences: ['https://kubernetes.default.svc'] });
    expect(w.map((x) => x.code)).toEqual(['expired']);
    expect(w[0]!.severity).toBe('error');
    expect(w[0]!.message).toMatch(/^expired 3 years ago \(2023-03-23 03:57:10 UTC\)$/);
  });

  it('the cut signature (.x) is malformed, the full one has no matching key, never invalid', async () => {
    const d = decoded(cut);
    expect(d.signature.error?.code).toBe('bad-length');
    expect(d.signature.error?.part).toBe('signature');
    expect(decoded(full).signature.byteLength).toBe(512); // RSA-4096
    expect(decoded(full).signature.error).toBeUndefined();
    const keysets = ['vault-minikube/minikube-jwks.derived.json', 'k8s-jwt-test/expected-jwks.json'];
    for (const k of keysets) {
      const vc = await verifyToken(tok(cut), read(k));
      expect(vc.status).toBe('malformed');
      expect(vc.detail).toMatch(/single character/);
      const vf = await verifyToken(tok(full), read(k));
      expect(vf.status).toBe('no-matching-key');
      expect(vf.detail).toContain('F63Sx0toslE6qRBP8xoFc5Ovsw6HHWKQZakP4MqlxKI');
    }
    // A PEM bundle: kube derives each key's kid, so still "no matching key".
    const bundle = read('k8s-jwt-test/rsaPublicKey.pem') + read('vault-minikube/testMinikubePubKey.pem');
    expect((await verifyToken(tok(full), bundle)).status).toBe('no-matching-key');
  });

  it('issuer: accepted only when issuer2 is configured; a previous issuer is trusted until T', () => {
    const d = decoded(full);
    expect(tokenWarnings(d.header, d.payload, NOW, { currentIssuer: 'https://kubernetes.default.svc' }).map((w) => w.code)).toContain('issuer-mismatch');
    const prev = tokenWarnings(d.header, d.payload, NOW, {
      currentIssuer: 'https://issuer3.test.com',
      trustedIssuers: [{ name: 'https://issuer2.test.com', expirationTime: '2026-11-29T12:00:00Z' }],
    });
    expect(prev.find((w) => w.code === 'issuer-previous')?.message).toContain('2026-11-29 12:00:00 UTC (in 1 day)');
    const ended = tokenWarnings(d.header, d.payload, NOW, {
      currentIssuer: 'https://issuer3.test.com', trustedIssuers: [{ name: 'https://issuer2.test.com', expirationTime: '2026-11-27T12:00:00Z' }],
    });
    expect(ended.map((w) => w.code)).toContain('issuer-trust-ended');
    // audience OK for any of the three values
    for (const a of audiencesOf(d.payload)) {
      expect(tokenWarnings(d.header, d.payload, NOW, { expectedAudience: a, apiAudiences: [a] }).map((w) => w.code)).toEqual(['expired']);
    }
    expect(tokenWarnings(d.header, d.payload, NOW, { expectedAudience: 'vault' }).map((w) => w.code)).toContain('audience-mismatch');
  });

  it('inspectToken reports the cut signature among the findings, with the claims still shown', () => {
    const i = inspectToken(read(cut), { now: NOW, currentIssuer: 'https://issuer2.test.com' });
    expect(i.warnings.map((w) => w.code)).toEqual(['signature-malformed', 'expired']);
    expect(i.warnings[0]!.message).toMatch(/single character \('x'\)/);
    expect(i.claims?.every((c) => c.known)).toBe(true);
    expect(i.header?.map((h) => [h.path, h.known])).toEqual([['alg', true], ['kid', true]]);
  });

  it('inspectToken puts it together from a pasted "Bearer" line', () => {
    const i = inspectToken(`Authorization: Bearer ${read(full)}`, { now: NOW });
    expect(i.error).toBeUndefined();
    expect(i.classification?.kind).toBe('bound');
    expect(i.warnings.map((w) => w.code)).toContain('expired');
    expect(i.timeline?.points.find((p) => p.key === 'now')?.clamped).toBe('after');
  });
});

describe('vault-minikube (real kube-apiserver tokens)', () => {
  const pub = () => read('vault-minikube/testMinikubePubKey.pem');
  const jwks = () => read('vault-minikube/minikube-jwks.derived.json');

  it('testMinikubePubKey.pem: kube kid pJcx… (the kid rule on a real server) and matches the derived JWKS', async () => {
    const p = await parseKeys(pub());
    const j = await parseKeys(jwks());
    expect(p.ok && j.ok).toBe(true);
    if (!p.ok || !j.ok) return;
    expect(p.keys[0]!.kubeKid).toBe('pJcxkJ4q0O1tOt0Z37VB6-x6Mw8xFZSxM9roPtMQq0A');
    expect(decoded('vault-minikube/jwtProjectedData.jwt').header.kid).toBe(p.keys[0]!.kubeKid);
    expect(j.keys[0]!.kid).toBe(p.keys[0]!.kubeKid);
    expect(j.keys[0]!.spkiPem).toBe(p.keys[0]!.spkiPem);
  });

  it('jwtProjectedData: valid signature, pod-bound, not expired (until 2030)', async () => {
    for (const k of [pub(), jwks()]) {
      const v = await verifyToken(tok('vault-minikube/jwtProjectedData.jwt'), k);
      expect(v.status, v.detail).toBe('verified');
    }
    const d = decoded('vault-minikube/jwtProjectedData.jwt');
    expect(classifyToken(d.payload)).toMatchObject({ kind: 'bound', binding: 'pod', boundObject: { kind: 'Pod', name: 'vault' }, namespace: 'default', audiences: ['kubernetes.default.svc'], issuer: 'kubernetes/serviceaccount' });
    const codes = tokenWarnings(d.header, d.payload, NOW).map((w) => w.code);
    expect(codes).not.toContain('expired');
    expect(codes).toContain('older-than-24h');
    expect(new Date((d.payload.exp as number) * 1000).toISOString()).toBe('2030-11-05T04:19:57.000Z');
  });

  it('jwtProjectedDataExpired: valid signature, EXPIRED, 600 s lifetime', async () => {
    expect((await verifyToken(tok('vault-minikube/jwtProjectedDataExpired.jwt'), pub())).status).toBe('verified');
    const d = decoded('vault-minikube/jwtProjectedDataExpired.jwt');
    expect(tokenTimes(d.payload).lifetimeSeconds).toBe(600);
    expect(tokenTimes(d.payload).refresh).toMatchObject({ at: (d.payload.iat as number) + 480, basis: '80%', kubeletManaged: true });
    expect(tokenWarnings(d.header, d.payload, NOW).map((w) => w.code)).toContain('expired');
  });

  it('jwtData and jwtBadServiceAccount: legacy, no kid, verify with testRSACert.pem, never expire', async () => {
    for (const f of ['vault-minikube/jwtData.jwt', 'vault-minikube/jwtBadServiceAccount.jwt']) {
      const d = decoded(f);
      expect(d.header).toEqual({ alg: 'RS256', typ: 'JWT' });
      const v = await verifyToken(tok(f), read('vault-minikube/testRSACert.pem'));
      expect(v.status, v.detail).toBe('verified');
      expect(v.key?.source).toBe('x509');
      const c = classifyToken(d.payload);
      expect(c).toMatchObject({ kind: 'legacy', binding: 'secret', namespace: 'default' });
      expect(c.problems).toEqual([]);
      const codes = tokenWarnings(d.header, d.payload, NOW, { currentIssuer: 'https://kubernetes.default.svc', apiAudiences: ['https://kubernetes.default.svc'] }).map((w) => w.code);
      expect(codes).toEqual(['legacy-token', 'never-expires']);
      expect(timeline(d.payload, NOW)).toBeNull();
      for (const cl of explainClaims(d.payload)) expect(cl.known, cl.path).toBe(true);
    }
    expect(classifyToken(decoded('vault-minikube/jwtBadServiceAccount.jwt').payload).serviceAccount?.name).toBe('vault-invalid');
    expect(classifyToken(decoded('vault-minikube/jwtData.jwt').payload).boundObject).toEqual({ kind: 'Secret', name: 'vault-auth-token-t5pcn' });
  });

  it('kid-less legacy token is tried against every key of a set, as kube does', async () => {
    const set = read('vault-minikube/testCACert.pem') + read('vault-minikube/testRSACert.pem');
    const v = await verifyToken(tok('vault-minikube/jwtData.jwt'), set);
    expect(v.status, v.detail).toBe('verified');
    expect(v.key?.index).toBe(1);
    expect(v.tried).toBe(2);
  });

  it('jwtWithBadSigningKey: must fail — invalid signature (a 128-byte signature from an unknown RSA-1024 key)', async () => {
    expect(decoded('vault-minikube/jwtWithBadSigningKey.jwt').signature.byteLength).toBe(128);
    for (const k of ['vault-minikube/testRSACert.pem', 'vault-minikube/testMinikubePubKey.pem', 'vault-minikube/minikube-jwks.derived.json', 'vault-minikube/testCACert.pem']) {
      const v = await verifyToken(tok('vault-minikube/jwtWithBadSigningKey.jwt'), read(k));
      expect(v.status, k).toBe('invalid-signature');
      expect(v.detail).toMatch(/128 bytes/);
    }
  });

  it('jwtECDSASigned: ES384 verifies with ecdsaKey.p384.pub.pem; a strict kid set does not find it', async () => {
    const d = decoded('vault-minikube/jwtECDSASigned.jwt');
    expect(d.header.alg).toBe('ES384');
    expect(d.signature.byteLength).toBe(96);
    const p = await parseKeys(read('vault-minikube/ecdsaKey.p384.pub.pem'));
    expect(p.ok && p.keys[0]!.kubeKid).toBe('MC4mwJjP3i2xMemjsSzkxBu9sMIeGf2qSkQnNmS8WB4');
    const v = await verifyToken(tok('vault-minikube/jwtECDSASigned.jwt'), read('vault-minikube/ecdsaKey.p384.pub.pem'));
    expect(v.status, v.detail).toBe('verified');
    expect(v.detail).toContain('differs from the token');
    // As a JWKS (kid = kube kid), selection by kid finds nothing.
    if (!p.ok) return;
    const { importSPKI, exportJWK } = await import('jose');
    const jwk = await exportJWK(await importSPKI(p.keys[0]!.spkiPem, 'ES384', { extractable: true }));
    const set = { keys: [{ use: 'sig', ...jwk, kid: p.keys[0]!.kubeKid, alg: 'ES384' }] };
    expect((await verifyToken(tok('vault-minikube/jwtECDSASigned.jwt'), set)).status).toBe('no-matching-key');
    expect(classifyToken(d.payload).kind).toBe('legacy');
    // hand-made: no secret.name claim, which kube's legacy validator requires
    expect(classifyToken(d.payload).problems).toEqual(['secretName claim is missing (the API server rejects the token)']);
  });

  it('testCACert.pem and testECCert.pem verify nothing above', async () => {
    for (const t of ['jwtProjectedData', 'jwtProjectedDataExpired', 'jwtData', 'jwtBadServiceAccount', 'jwtECDSASigned']) {
      for (const k of ['testCACert.pem', 'testECCert.pem']) {
        const v = await verifyToken(tok(`vault-minikube/${t}.jwt`), read(`vault-minikube/${k}`));
        expect(v.status, `${t} ${k}`).not.toBe('verified');
        expect(['invalid-signature', 'no-matching-key']).toContain(v.status);
      }
    }
    const ec = await parseKeys(read('vault-minikube/testECCert.pem'));
    expect(ec.ok && ec.keys[0]!.crv).toBe('P-384');
  });
});

describe('k8s-jwt-test (upstream unit-test keys)', () => {
  it('the PEM keys give the upstream-asserted kids', async () => {
    const cases: [string, string, string][] = [
      ['rsaPublicKey.pem', 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU', 'RS256'],
      ['rsaPrivateKey.pem', 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU', 'RS256'],
      ['ecdsaPublicKey.pem', 'SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc', 'ES256'],
      ['ecdsaPrivateKey.pem', 'SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc', 'ES256'],
      ['otherPublicKey.pem', 'yEooMTEt7THsoVd-yf2m_0tmtgtZWGhAPFm296R5q18', 'RS256'],
      ['ecdsaPrivateKeyWithParams.pem', 'MbtQUJSadTe6DXtqrsB3xe82FPnl5maeKkEhGKkBXJE', 'ES256'],
    ];
    for (const [f, kid, alg] of cases) {
      const p = await parseKeys(read(`k8s-jwt-test/${f}`));
      expect(p.ok, f).toBe(true);
      if (!p.ok) continue;
      expect(p.keys.length, f).toBe(1);
      expect(p.keys[0]!.kubeKid, f).toBe(kid);
      expect(p.keys[0]!.alg, f).toBe(alg);
      if (f.includes('Private')) expect(p.notes.join(' '), f).toMatch(/private key/);
    }
  });

  it('expected-jwks.json parses to the same two keys, kids as served', async () => {
    const j = await parseKeys(read('k8s-jwt-test/expected-jwks.json'));
    expect(j.ok).toBe(true);
    if (!j.ok) return;
    expect(j.format).toBe('jwks');
    expect(j.keys.map((k) => [k.kid, k.kubeKid, k.alg])).toEqual([
      ['JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU', 'JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU', 'RS256'],
      ['SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc', 'SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc', 'ES256'],
    ]);
    const rsa = await parseKeys(read('k8s-jwt-test/rsaPublicKey.pem'));
    expect(rsa.ok && rsa.keys[0]!.spkiPem).toBe(j.keys[0]!.spkiPem);
  });

  it('expected-openid-configuration.json is not a key: a precise error, no throw', async () => {
    const p = await parseKeys(read('k8s-jwt-test/expected-openid-configuration.json'));
    expect(p).toEqual({ ok: false, error: { code: 'not-a-key', message: 'JSON without "keys" or "kty": not a JWKS or a JWK' } });
    const cfg = JSON.parse(read('k8s-jwt-test/expected-openid-configuration.json'));
    expect(cfg.id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
  });
});

describe('claims-only (real payloads)', () => {
  it('k8s docs pod-bound example: pod + node = pod-bound, every claim explained', () => {
    const p = JSON.parse(read('claims-only/k8s-docs-pod-bound-example.claims.json'));
    const c = classifyToken(p);
    expect(c).toMatchObject({ kind: 'bound', binding: 'pod', boundObject: { kind: 'Pod', name: 'my-pod' }, node: { name: 'my-node' }, namespace: 'my-namespace', jti: 'aed34954-b33a-4142-b1ec-389d6bbb4936' });
    for (const cl of explainClaims(p)) expect(cl.known, cl.path).toBe(true);
    expect(tokenTimes(p).refresh).toMatchObject({ at: p.iat + 2880, basis: '80%' });
  });

  it('kind v1.30 projected token: the 3607 extension, refresh at iat + 2886 s, warnafter', () => {
    const p = JSON.parse(read('claims-only/gist-tsaarni-kind-v1.30-projected.claims.json'));
    const t = tokenTimes(p);
    expect(t.lifetimeSeconds).toBe(31536000);
    expect(t.extended).toBe(true);
    expect(t.warnafter! - t.iat!).toBe(3607);
    expect(t.refresh).toEqual({ at: p.iat + 2886, basis: '80%', requestedSeconds: 3607, kubeletManaged: true });
    for (const cl of explainClaims(p)) expect(cl.known, cl.path).toBe(true);
    // 30 min after issue: nothing wrong yet; 2 h after: stale (past warnafter) but valid
    const at = (s: number) => (p.iat + s) * 1000;
    expect(tokenWarnings({ alg: 'RS256' }, p, at(1800)).map((w) => w.code)).toEqual([]);
    expect(tokenWarnings({ alg: 'RS256' }, p, at(7200)).map((w) => w.code)).toEqual(['stale']);
    expect(tokenWarnings({ alg: 'RS256' }, p, at(90000)).map((w) => w.code)).toEqual(['stale', 'older-than-24h']);
    const tl = timeline(p, at(1800))!;
    expect(tl.points.map((x) => x.key)).toEqual(['iat', 'refresh', 'warnafter', 'exp', 'now']);
    expect(tl.points.find((x) => x.key === 'refresh')!.fraction).toBeCloseTo(2886 / 31536000, 10);
    expect(tl.notes.join(' ')).toMatch(/Requested for 3607 s but valid for 1 year.*refreshes the file after about 48 min/);
  });

  it('kubectl create token payload (gist): unbound, 3600 s, no jti', () => {
    const seg = read('claims-only/gist-superbrothers-kubectl-create-token.payload.b64').trim();
    const p = JSON.parse(new TextDecoder().decode(base64UrlToBytes(seg)));
    const c = classifyToken(p);
    expect(c).toMatchObject({ kind: 'bound', binding: 'none', namespace: 'default', serviceAccount: { name: 'default' } });
    expect(c.jti).toBeUndefined();
    expect(p.exp - p.iat).toBe(3600);
  });

  it('docs TokenReview response: its credential id is the JTI form, extra keys name pod and node', () => {
    const y = read('claims-only/k8s-docs-tokenreview-response.yaml');
    expect(y).toMatch(/credential-id:\n\s+- JTI=7ee52be0-9045-4653-aa5e-0da57b8dccdc/);
    // Not a token: pasting it gives a precise error instead of a throw.
    const i = inspectToken(y, { now: NOW });
    expect(i.error).toBeDefined();
  });
});
