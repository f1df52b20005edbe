// lib/k8s/issuer against a real demo cluster over HTTPS (sped up so the operator's rollout reaches a
// node within a second): the default state, dry run, apply with the operator's reaction, the 409
// precondition, the viewer's 403 in the dashboard's words, discovery bytes, and plain Kubernetes.
import https from 'node:https';
import { CoordinationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../sim/testing';
import { changeVerdict } from '@/lib/issuer/rules';
import { denialFromError } from './access';
import { ClusterError } from './errors';
import { changeIssuer, fetchDiscoveryDocument, readIssuerState, summarizeJwks } from './issuer';

const DEFAULT = 'https://kubernetes.default.svc';
let c: TestCluster;

beforeAll(async () => {
  c = await startTestCluster({ speed: 600 });
});
afterAll(async () => {
  await c?.dispose();
});

type Obj = { metadata: { resourceVersion: string }; spec: { serviceAccountIssuer?: string }; status?: { serviceAccountIssuers?: { name: string; expirationTime?: string }[] } };
const co = () => c.kc.makeApiClient(CustomObjectsApi);
const readAuth = async () => (await co().getClusterCustomObject({ group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster' })) as Obj;
const readKas = async () => (await co().getClusterCustomObject({ group: 'operator.openshift.io', version: 'v1', plural: 'kubeapiservers', name: 'cluster' })) as Obj;

async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An independent raw GET (plain node https with the CA and admin token), to compare bytes. */
function rawGet(path: string): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    https
      .get(new URL(path, c.url), { ca: c.caPem, headers: { Authorization: `Bearer ${c.adminToken}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('issuer state and change against the demo cluster', () => {
  it('reads the default state: empty spec → the default issuer, one trusted issuer, discovery and JWKS served', async () => {
    const s = await readIssuerState(c.kc, { flavor: 'openshift' });
    expect(s.readOnly).toBe(false);
    expect(s.authentication?.specIssuer).toBe('');
    expect(s.authentication?.resourceVersion).toMatch(/^\d+$/);
    expect(s.currentIssuer).toBe(DEFAULT);
    expect(s.currentSource).toBe('default');
    expect(s.trusted).toEqual([{ name: DEFAULT, expirationTime: null }]);
    expect(s.activeIssuer).toBe(DEFAULT);
    expect(s.previous).toEqual([]);
    expect(s.apiAudiences).toEqual([DEFAULT]);
    expect(s.openidConfiguration.status).toBe('ok');
    expect(s.parsedConfiguration?.issuer).toBe(DEFAULT);
    expect(s.parsedConfiguration?.jwksUri).toBe(`${c.url}/openid/v1/jwks`);
    expect(s.jwks.status).toBe('ok');
    expect(s.jwks.contentType).toBe('application/jwk-set+json');
    expect(s.keys.length).toBeGreaterThan(0);
    const served = JSON.parse(s.jwks.raw!) as { keys: { kid: string; kty: string; alg: string; n?: string; crv?: string }[] };
    for (const [i, k] of served.keys.entries()) {
      expect(s.keys[i]!.kid).toBe(k.kid);
      expect(s.keys[i]!.alg).toBe(k.alg);
      if (k.kty === 'RSA') expect(s.keys[i]!.size).toBe(`RSA ${Buffer.from(k.n!, 'base64url').length * 8}`);
      else expect(s.keys[i]!.size).toBe(k.crv);
    }
    expect(s.flags.find((f) => f.flag === '--service-account-issuer')?.values).toEqual([DEFAULT]);
    expect(s.nodes).toHaveLength(3);
    // A cluster clock sample from a node heartbeat Lease (on the sped-up clock) when kubelets renew
    // them; null (never a guess) when the cluster has none.
    expect(Date.parse(s.clock.serverNow)).not.toBeNaN();
    const leases = (await c.kc.makeApiClient(CoordinationV1Api).listNamespacedLease({ namespace: 'kube-node-lease' })).items;
    if (leases.some((l) => s.nodes.includes(l.metadata?.name ?? ''))) {
      expect(Math.abs(Date.parse(s.clock.clusterNow!) - c.clock.nowMs())).toBeLessThan(5 * 60_000);
    } else {
      expect(s.clock.clusterNow).toBeNull();
    }
    expect(s.operatorProblems).toEqual([]);
  });

  it('a dry run answers with the spec the API server would store and changes nothing', async () => {
    const before = await readAuth();
    const r = await changeIssuer(c.kc, { issuer: 'https://dry-run.example.com', resourceVersion: before.metadata.resourceVersion }, { dryRun: true, rules: changeVerdict });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dryRun).toBe(true);
    expect(r.specIssuer).toBe('https://dry-run.example.com');
    expect(r.before).toContain("serviceAccountIssuer: \"\"");
    expect(r.after).toContain('serviceAccountIssuer: https://dry-run.example.com');
    // Other spec fields are untouched by the merge patch.
    expect(r.after).toContain('webhookTokenAuthenticator');
    const after = await readAuth();
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec.serviceAccountIssuer).toBe('');
  });

  it('blocks a value the operator would reject (checkIssuer) without calling patch', async () => {
    const before = await readAuth();
    const r = await changeIssuer(c.kc, { issuer: 'https://bad host:x', resourceVersion: before.metadata.resourceVersion }, { dryRun: false, rules: changeVerdict });
    expect(r.ok).toBe(false);
    if (r.ok || r.conflict) throw new Error('expected blocked');
    expect(r.message).toContain("service-account issuer contained a ':' but was not a valid URL");
    expect((await readAuth()).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  });

  it('a stale resourceVersion gives the conflict result with the current value (the cluster 409s)', async () => {
    const before = await readAuth();
    // Someone else changes it behind our back.
    await co().patchClusterCustomObject(
      { group: 'config.openshift.io', version: 'v1', plural: 'authentications', name: 'cluster', body: [{ op: 'add', path: '/metadata/annotations/touched', value: 'x' }] },
    );
    const r = await changeIssuer(c.kc, { issuer: 'https://stale.example.com', resourceVersion: before.metadata.resourceVersion }, { dryRun: false, rules: changeVerdict });
    expect(r.ok).toBe(false);
    if (r.ok || !r.conflict) throw new Error('expected conflict');
    const now = await readAuth();
    expect(r.current.resourceVersion).toBe(now.metadata.resourceVersion);
    expect(r.current.specIssuer).toBe('');
    expect(r.current.currentIssuer).toBe(DEFAULT);
    expect(r.message).toMatch(/Someone else changed/);
    expect(now.spec.serviceAccountIssuer).toBe('');
  });

  it('the viewer gets the 403 in the dashboard words', async () => {
    const rv = (await readAuth()).metadata.resourceVersion;
    const err = await changeIssuer(c.viewerKc, { issuer: 'https://viewer.example.com', resourceVersion: rv }, { dryRun: true, rules: changeVerdict }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    const e = err as ClusterError;
    expect(e.kind).toBe('forbidden');
    expect(denialFromError(e, 'viewer').message).toBe('You (viewer) cannot patch authentications.config.openshift.io');
    // The viewer can still read the whole state.
    const s = await readIssuerState(c.viewerKc, { flavor: 'openshift' });
    expect(s.currentIssuer).toBe(DEFAULT);
    expect(s.keys.length).toBeGreaterThan(0);
  });

  it('discovery documents pass through byte for byte with their content type', async () => {
    for (const [doc, path, type] of [
      ['openid-configuration', '/.well-known/openid-configuration', 'application/json'],
      ['jwks', '/openid/v1/jwks', 'application/jwk-set+json'],
    ] as const) {
      const mine = await fetchDiscoveryDocument(c.kc, doc);
      const truth = await rawGet(path);
      expect(mine.status).toBe(200);
      expect(mine.contentType).toBe(type);
      expect(truth.type).toBe(type);
      expect(mine.body.equals(truth.body)).toBe(true);
    }
  });

  it('apply changes spec; the operator then lists the previous issuer with expirationTime ≈ now + 24 h', async () => {
    const issuer = `https://issuer-${Date.now()}.example.com`;
    const before = await readAuth();
    const r = await changeIssuer(c.kc, { issuer, resourceVersion: before.metadata.resourceVersion }, { dryRun: false, rules: changeVerdict });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dryRun).toBe(false);
    expect(r.resourceVersion).not.toBe(before.metadata.resourceVersion);
    expect((await readAuth()).spec.serviceAccountIssuer).toBe(issuer);

    const list = await until(async () => {
      const l = (await readKas()).status?.serviceAccountIssuers ?? [];
      return l[0]?.name === issuer ? l : undefined;
    }, 'the operator to record the new issuer');
    const prev = list.find((i) => i.name === DEFAULT);
    expect(prev?.expirationTime).toBeTruthy();
    const dayAhead = Date.parse(prev!.expirationTime!) - c.clock.nowMs();
    expect(dayAhead).toBeGreaterThan(23 * 3600_000);
    expect(dayAhead).toBeLessThanOrEqual(24 * 3600_000);

    const s = await readIssuerState(c.kc, { flavor: 'openshift' });
    expect(s.currentIssuer).toBe(issuer);
    expect(s.currentSource).toBe('spec');
    expect(s.activeIssuer).toBe(issuer);
    expect(s.previous).toEqual([{ name: DEFAULT, expirationTime: prev!.expirationTime }]);
    expect(s.apiAudiences).toEqual([issuer, DEFAULT]);

    // Applying the same value again is a no-op the dashboard refuses.
    const again = await changeIssuer(c.kc, { issuer, resourceVersion: s.authentication!.resourceVersion }, { dryRun: true, rules: changeVerdict });
    expect(again.ok).toBe(false);
    if (again.ok || again.conflict) throw new Error('expected blocked');
    expect(again.verdict.findings.map((f) => f.code)).toContain('no-op');

    // Once a node runs the new revision the API server serves discovery for the new issuer.
    await until(async () => {
      const d = await fetchDiscoveryDocument(c.kc, 'openid-configuration');
      return d.status === 200 && (JSON.parse(d.body.toString()) as { issuer: string }).issuer === issuer;
    }, 'discovery for the new issuer');
    const s2 = await readIssuerState(c.kc, { flavor: 'openshift' });
    expect(s2.parsedConfiguration?.jwksUri).toBe(`${issuer}/openid/v1/jwks`);
  });

  it('a non-https issuer: applied, and discovery then answers 404, shown as disabled', async () => {
    const before = await readAuth();
    const r = await changeIssuer(c.kc, { issuer: 'not-a-url-issuer', resourceVersion: before.metadata.resourceVersion }, { dryRun: false, rules: changeVerdict });
    expect(r.ok).toBe(true);
    await until(async () => (await fetchDiscoveryDocument(c.kc, 'openid-configuration')).status === 404, 'discovery to be disabled');
    const s = await readIssuerState(c.kc, { flavor: 'openshift' });
    expect(s.openidConfiguration.status).toBe('disabled');
    expect(s.openidConfiguration.message).toContain('issuer URL must use https scheme, got: not-a-url-issuer');
    expect(s.jwks.status).toBe('disabled');
    expect(s.keys).toEqual([]);
    expect(s.previous.map((p) => p.name)).toContain(DEFAULT);
  });

  it('going back to the default (empty value) keeps the custom issuer trusted with an expiry', async () => {
    const before = await readAuth();
    const r = await changeIssuer(c.kc, { issuer: '', resourceVersion: before.metadata.resourceVersion }, { dryRun: false, rules: changeVerdict });
    expect(r.ok).toBe(true);
    const list = await until(async () => {
      const l = (await readKas()).status?.serviceAccountIssuers ?? [];
      return l[0]?.name === DEFAULT ? l : undefined;
    }, 'the default issuer to be active');
    expect(list.find((i) => i.name === 'not-a-url-issuer')?.expirationTime).toBeTruthy();
    const s = await readIssuerState(c.kc, { flavor: 'openshift' });
    expect(s.currentSource).toBe('default');
  });
});

describe('plain Kubernetes (read-only)', () => {
  it('takes the issuer from the discovery document and names the kube-apiserver flags', async () => {
    const s = await readIssuerState(c.viewerKc, { flavor: 'kubernetes' });
    expect(s.readOnly).toBe(true);
    expect(s.authentication).toBeNull();
    expect(s.trusted).toEqual([]);
    await until(async () => (await readIssuerState(c.viewerKc, { flavor: 'kubernetes' })).currentIssuer === DEFAULT, 'discovery of the default issuer');
    const s2 = await readIssuerState(c.viewerKc, { flavor: 'kubernetes' });
    expect(s2.currentSource).toBe('discovery');
    expect(s2.apiAudiences).toEqual([DEFAULT]);
    expect(s2.flags.map((f) => f.flag)).toEqual(['--service-account-issuer', '--service-account-jwks-uri', '--api-audiences', '--service-account-signing-key-file']);
    expect(s2.flags[0]!.values).toEqual([DEFAULT]);
    expect(s2.flags[1]!.values).toEqual([s2.parsedConfiguration!.jwksUri]);
  });

  it('says the issuer is unknown when discovery is off (bare cluster: no discovery endpoints)', async () => {
    const bare = await startTestCluster({ bare: true });
    try {
      const s = await readIssuerState(bare.kc, { flavor: 'kubernetes' });
      expect(s.currentIssuer).toBeNull();
      expect(s.currentSource).toBe('unknown');
      expect(s.openidConfiguration.status).toBe('disabled');
      expect(s.notes.join(' ')).toMatch(/kube-apiserver flags/);
    } finally {
      await bare.dispose();
    }
  });
});

describe('summarizeJwks', () => {
  it('names RSA sizes and EC curves', () => {
    const n = Buffer.alloc(256, 0xff).toString('base64url');
    const out = summarizeJwks(JSON.stringify({ keys: [{ use: 'sig', kty: 'RSA', kid: 'a', alg: 'RS256', n, e: 'AQAB' }, { use: 'sig', kty: 'EC', kid: 'b', crv: 'P-256', alg: 'ES256', x: 'x', y: 'y' }] }));
    expect(out).toEqual([
      { kid: 'a', kty: 'RSA', alg: 'RS256', use: 'sig', size: 'RSA 2048' },
      { kid: 'b', kty: 'EC', alg: 'ES256', use: 'sig', size: 'P-256' },
    ]);
  });
});
