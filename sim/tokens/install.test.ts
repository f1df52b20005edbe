// Integration tests of the token module through the demo cluster's real HTTPS API: client-node
// 1.4.0, real kubectl, and an independent node:crypto verifier against the served JWKS.
import { execFile } from 'node:child_process';
import { createPublicKey, verify as cryptoVerify, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiException, AuthenticationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoCluster, type DemoCluster } from '../index';
import { installTokens } from './install';

const NS = 'tokens-test';
const KUBECTL = '/usr/bin/kubectl';

let c: DemoCluster;
let dataDir: string;
let home: string;
let core: CoreV1Api;
let authn: AuthenticationV1Api;
let issuers: string[] = ['https://kubernetes.default.svc'];

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function raw(method: string, path: string, token: string | undefined, body?: unknown): Promise<RawResponse> {
  const u = new URL(path, c.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        method,
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        ca: c.caPem,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}), Accept: 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}

/** HTTP status of a SelfSubjectReview with this token (201 = authenticated, 401 = not). */
async function whoami(token: string): Promise<number> {
  return (await raw('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', token, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' })).status;
}

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ['--kubeconfig', c.kubeconfigPath, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin', HOME: home } as unknown as NodeJS.ProcessEnv, encoding: 'utf8' }, (err: Error | null, stdout: string, stderr: string) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as unknown as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function payloadOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** Verifies a compact JWS against a JWKS with node:crypto only (an independent verifier). */
function verifyWithJwks(token: string, jwks: { keys: (JsonWebKey & { kid: string; alg: string })[] }): boolean {
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h!, 'base64url').toString('utf8'));
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) return false;
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const data = Buffer.from(`${h}.${p}`);
  const sig = Buffer.from(s!, 'base64url');
  if (header.alg === 'RS256') return cryptoVerify('sha256', data, key, sig);
  if (header.alg === 'ES256') return cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
  return false;
}

async function status(p: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
    throw e;
  }
  throw new Error('expected the request to fail');
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tokens-it-'));
  home = mkdtempSync(join(tmpdir(), 'tokens-home-'));
  c = await startDemoCluster({ dataDir, port: 0, speed: 1, nodes: 4, namespaces: 0, quiet: true });
  c.serviceAccountIssuers = () => issuers;
  await installTokens(c);
  const kc = new KubeConfig();
  kc.loadFromFile(c.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  authn = kc.makeApiClient(AuthenticationV1Api);
  await core.createNamespace({ body: { metadata: { name: NS } } });
  await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'build-robot' } } });
  await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'other' } } });
  await core.createNode({ body: { metadata: { name: 'tok-node' } } });
  await core.createNamespacedPod({
    namespace: NS,
    body: { metadata: { name: 'web' }, spec: { serviceAccountName: 'build-robot', nodeName: 'tok-node', containers: [{ name: 'c', image: 'registry.example/web:1' }] } },
  });
}, 120_000);

afterAll(async () => {
  await c?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('TokenRequest over HTTPS', () => {
  it('client-node createNamespacedServiceAccountToken: defaults, shape and signature', async () => {
    const tr = await core.createNamespacedServiceAccountToken({ namespace: NS, name: 'build-robot', body: { spec: { audiences: [] } } });
    expect(tr.spec.audiences).toEqual(['https://kubernetes.default.svc']);
    expect(tr.spec.expirationSeconds).toBe(3600);
    const token = tr.status!.token;
    const [h] = token.split('.');
    expect(Object.keys(JSON.parse(Buffer.from(h!, 'base64url').toString()))).toEqual(['alg', 'kid']);
    const p = payloadOf(token);
    expect(Object.keys(p)).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
    expect(p.exp - p.iat).toBe(3600);
    expect(p.sub).toBe(`system:serviceaccount:${NS}:build-robot`);
    expect(new Date(tr.status!.expirationTimestamp).getTime() / 1000).toBe(p.exp);

    const jwks = await raw('GET', '/openid/v1/jwks', token);
    expect(verifyWithJwks(token, JSON.parse(jwks.body))).toBe(true);
    // a forged payload does not verify with the independent verifier
    const [hh, , ss] = token.split('.');
    const forged = `${hh}.${Buffer.from(JSON.stringify({ ...p, exp: p.exp + 1 })).toString('base64url')}.${ss}`;
    expect(verifyWithJwks(forged, JSON.parse(jwks.body))).toBe(false);
  });

  it('answers 422 with kube\'s Status for a too-short duration', async () => {
    const r = await raw('POST', `/api/v1/namespaces/${NS}/serviceaccounts/build-robot/token`, c.adminToken, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 60 } });
    expect(r.status).toBe(422);
    expect(r.body).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"TokenRequest.authentication.k8s.io \\"\\" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes","reason":"Invalid","details":{"group":"authentication.k8s.io","kind":"TokenRequest","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: 60: may not specify a duration less than 10 minutes","field":"spec.expirationSeconds"}]},"code":422}',
    );
  });

  it('404s a missing service account and pod, 400s a pod of another service account', async () => {
    expect(await status(core.createNamespacedServiceAccountToken({ namespace: NS, name: 'nobody', body: { spec: { audiences: [] } } }))).toMatchObject({ code: 404, body: { message: 'serviceaccounts "nobody" not found' } });
    expect(
      await status(core.createNamespacedServiceAccountToken({ namespace: NS, name: 'build-robot', body: { spec: { audiences: [], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'nope' } } } })),
    ).toMatchObject({ code: 404, body: { message: 'pods "nope" not found' } });
    expect(
      await status(core.createNamespacedServiceAccountToken({ namespace: NS, name: 'other', body: { spec: { audiences: [], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } } })),
    ).toMatchObject({ code: 400, body: { message: 'cannot bind token for serviceaccount "other" to pod running with different serviceaccount name.' } });
  });

  it('applies the 3607 rule for a pod-bound token', async () => {
    const tr = await core.createNamespacedServiceAccountToken({
      namespace: NS,
      name: 'build-robot',
      body: { spec: { audiences: [], expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web' } } },
    });
    const p = payloadOf(tr.status!.token);
    expect(p.exp - p.iat).toBe(31536000);
    expect(p['kubernetes.io'].warnafter).toBe(p.iat + 3607);
    expect(p['kubernetes.io'].node.name).toBe('tok-node');
    expect(new Date(tr.status!.expirationTimestamp).getTime() / 1000).toBe(p.iat + 3607);
  });
});

describe('kubectl create token', () => {
  it('prints the bare token (no newline when not a TTY)', async () => {
    const r = await kubectl(['create', 'token', 'build-robot', '-n', NS]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const p = payloadOf(r.stdout);
    expect(p.aud).toEqual(['https://kubernetes.default.svc']);
    expect(p.exp - p.iat).toBe(3600);
  });

  it('honours --audience, --duration and --bound-object-kind Pod', async () => {
    const r = await kubectl(['create', 'token', 'build-robot', '-n', NS, '--audience', 'vault', '--audience', 'https://kubernetes.default.svc', '--duration', '10m', '--bound-object-kind', 'Pod', '--bound-object-name', 'web']);
    expect(r.code).toBe(0);
    const p = payloadOf(r.stdout);
    expect(p.aud).toEqual(['vault', 'https://kubernetes.default.svc']);
    expect(p.exp - p.iat).toBe(600);
    expect(p['kubernetes.io'].pod.name).toBe('web');
  });

  it('binds to a Secret with --bound-object-kind Secret', async () => {
    await core.createNamespacedSecret({ namespace: NS, body: { metadata: { name: 'bind-me' }, stringData: { a: 'b' } } });
    const r = await kubectl(['create', 'token', 'build-robot', '-n', NS, '--bound-object-kind', 'Secret', '--bound-object-name', 'bind-me']);
    expect(r.code).toBe(0);
    const p = payloadOf(r.stdout);
    expect(p['kubernetes.io'].secret.name).toBe('bind-me');
    expect(p['kubernetes.io'].pod).toBeUndefined();
  });

  it('-o yaml prints the TokenRequest', async () => {
    const r = await kubectl(['create', 'token', 'build-robot', '-n', NS, '-o', 'yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apiVersion: authentication\.k8s\.io\/v1\nkind: TokenRequest\nmetadata:\n {2}creationTimestamp: "[^"]+"\n {2}name: build-robot\n {2}namespace: tokens-test\nspec:\n {2}audiences:\n {2}- https:\/\/kubernetes\.default\.svc\n {2}boundObjectRef: null\n {2}expirationSeconds: 3600\nstatus:\n {2}expirationTimestamp: "[^"]+"\n {2}token: [\w.-]+\n$/);
  });

  it('wraps server errors as kubectl does', async () => {
    const r = await kubectl(['create', 'token', 'build-robot', '-n', NS, '--duration', '1m']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    );
  });
});

describe('TokenReview and authentication', () => {
  it('reviews a pod-bound token, then reports it invalidated in kube\'s words once the pod is deleted', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: { metadata: { name: 'short-lived' }, spec: { serviceAccountName: 'build-robot', nodeName: 'tok-node', containers: [{ name: 'c', image: 'registry.example/web:1' }] } },
    });
    const tr = await core.createNamespacedServiceAccountToken({
      namespace: NS,
      name: 'build-robot',
      body: { spec: { audiences: [], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'short-lived' } } },
    });
    const token = tr.status!.token;
    const ok = await authn.createTokenReview({ body: { spec: { token } } });
    expect(ok.status?.authenticated).toBe(true);
    expect(ok.status?.user?.username).toBe(`system:serviceaccount:${NS}:build-robot`);
    expect(ok.status?.user?.groups).toEqual(['system:serviceaccounts', `system:serviceaccounts:${NS}`, 'system:authenticated']);
    expect(Object.keys(ok.status?.user?.extra ?? {})).toEqual([
      'authentication.kubernetes.io/credential-id',
      'authentication.kubernetes.io/node-name',
      'authentication.kubernetes.io/node-uid',
      'authentication.kubernetes.io/pod-name',
      'authentication.kubernetes.io/pod-uid',
    ]);
    expect(ok.status?.audiences).toEqual(['https://kubernetes.default.svc']);

    await core.deleteNamespacedPod({ namespace: NS, name: 'short-lived', gracePeriodSeconds: 0 });
    const r = await raw('POST', '/apis/authentication.k8s.io/v1/tokenreviews', c.adminToken, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
    expect(r.status).toBe(201);
    const body = JSON.parse(r.body);
    expect(body.status).toEqual({ user: {}, error: '[invalid bearer token, service account token has been invalidated]' });
  });

  it('reviews with requested audiences', async () => {
    const tr = await core.createNamespacedServiceAccountToken({ namespace: NS, name: 'build-robot', body: { spec: { audiences: ['vault'] } } });
    const bad = await authn.createTokenReview({ body: { spec: { token: tr.status!.token } } });
    expect(bad.status?.error).toBe('[invalid bearer token, token audiences ["vault"] is invalid for the target audiences ["https://kubernetes.default.svc"]]');
    const good = await authn.createTokenReview({ body: { spec: { token: tr.status!.token, audiences: ['vault', 'other'] } } });
    expect(good.status?.authenticated).toBe(true);
    expect(good.status?.audiences).toEqual(['vault']);
  });

  it('a token the cluster issued authenticates API requests as its service account (kubectl auth whoami)', async () => {
    const tr = await core.createNamespacedServiceAccountToken({ namespace: NS, name: 'build-robot', body: { spec: { audiences: [] } } });
    const r = await kubectl(['auth', 'whoami', '--token', tr.status!.token, '-o', 'json']);
    expect(r.code).toBe(0);
    const ssr = JSON.parse(r.stdout);
    expect(ssr.status.userInfo.username).toBe(`system:serviceaccount:${NS}:build-robot`);
    // a token for another audience does not authenticate API requests
    const vault = await core.createNamespacedServiceAccountToken({ namespace: NS, name: 'build-robot', body: { spec: { audiences: ['vault'] } } });
    expect(await whoami(vault.status!.token)).toBe(401);
  });

  it('stops authenticating when the issuer is no longer trusted, and serves discovery for the first issuer', async () => {
    const tr = await core.createNamespacedServiceAccountToken({ namespace: NS, name: 'build-robot', body: { spec: { audiences: [] } } });
    const token = tr.status!.token;
    expect(await whoami(token)).toBe(201);

    issuers = ['https://issuer2.test.com', 'https://kubernetes.default.svc'];
    try {
      expect(await whoami(token)).toBe(201);
      const cfg = await raw('GET', '/.well-known/openid-configuration', token);
      expect(cfg.status).toBe(200);
      expect(cfg.headers['content-type']).toBe('application/json');
      expect(cfg.headers['cache-control']).toBe('public, max-age=3600');
      expect(JSON.parse(cfg.body)).toMatchObject({ issuer: 'https://issuer2.test.com', jwks_uri: 'https://issuer2.test.com/openid/v1/jwks' });
      const next = await core.createNamespacedServiceAccountToken({ namespace: NS, name: 'build-robot', body: { spec: { audiences: [] } } });
      expect(payloadOf(next.status!.token)).toMatchObject({ iss: 'https://issuer2.test.com', aud: ['https://issuer2.test.com', 'https://kubernetes.default.svc'] });

      issuers = ['https://issuer2.test.com'];
      expect(await whoami(token)).toBe(401);
      const rev = await authn.createTokenReview({ body: { spec: { token } } });
      expect(rev.status?.authenticated).toBeFalsy();
      expect(rev.status?.error).toBe('invalid bearer token');

      issuers = ['http://plain.example', 'https://kubernetes.default.svc'];
      const gone = await raw('GET', '/.well-known/openid-configuration', c.adminToken);
      expect(gone.status).toBe(404);
      expect(JSON.parse(gone.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
      expect((await raw('GET', '/openid/v1/jwks', c.adminToken)).status).toBe(404);
    } finally {
      issuers = ['https://kubernetes.default.svc'];
    }
  });

  it('serves discovery with kube\'s content types; jwks_uri on the API server for the default issuer', async () => {
    const cfg = await raw('GET', '/.well-known/openid-configuration', c.viewerToken);
    expect(cfg.status).toBe(200);
    expect(JSON.parse(cfg.body)).toEqual({
      issuer: 'https://kubernetes.default.svc',
      jwks_uri: `${c.url}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    });
    const jwks = await raw('GET', '/openid/v1/jwks?x=1', c.viewerToken);
    expect(jwks.status).toBe(200);
    expect(jwks.headers['content-type']).toBe('application/jwk-set+json');
    expect(jwks.headers['cache-control']).toBe('public, max-age=3600');
    const keys = JSON.parse(jwks.body).keys;
    expect(keys.map((k: { kty: string; alg: string }) => `${k.kty}/${k.alg}`)).toEqual(['RSA/RS256', 'EC/ES256']);
    expect((await raw('GET', '/openid/v1/jwks', undefined)).status).toBe(401);
    expect((await raw('GET', '/openid/v1/jwks/foo', c.adminToken)).status).toBe(404);
    expect((await raw('GET', '/.well-known', c.adminToken)).status).toBe(404);
  });

  it('TokenReview of a static token answers from the rest of the authenticator chain', async () => {
    const r = await authn.createTokenReview({ body: { spec: { token: c.viewerToken } } });
    expect(r.status?.authenticated).toBe(true);
    expect(r.status?.user?.username).toBe('viewer');
    expect(r.status?.audiences).toEqual(['https://kubernetes.default.svc']);
    const garbage = await authn.createTokenReview({ body: { spec: { token: 'not-a-token' } } });
    expect(garbage.status).toEqual({ user: {}, error: 'invalid bearer token' });
  });

  it('stops authenticating an expired token (60 s leeway)', async () => {
    const tr = await core.createNamespacedServiceAccountToken({ namespace: NS, name: 'build-robot', body: { spec: { audiences: [], expirationSeconds: 600 } } });
    const token = tr.status!.token;
    expect(await whoami(token)).toBe(201);
    // jump simulated time ~12 minutes ahead: 7200x for 100 ms
    const speed = c.clock.speed;
    c.clock.speed = 7200;
    await new Promise((r) => setTimeout(r, 110));
    c.clock.speed = speed;
    expect(await whoami(token)).toBe(401);
    const rev = await authn.createTokenReview({ body: { spec: { token } } });
    expect(rev.status?.error).toBe('[invalid bearer token, service account token has expired]');
  });
});
