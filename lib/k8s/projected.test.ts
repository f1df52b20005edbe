// lib/k8s/projected against a real demo cluster over HTTPS: the dry run stores nothing, a created
// pod is listed with its audience, lifetime and path, the cluster refuses a 300-second projection
// on the field, a small page size still yields every projected pod exactly once, the auto-injected
// volumes are counted but hidden by default, and the issuer-change flag follows the operator status.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../../sim/testing';
import { installAdmission } from '../../sim/workloads/admission';
import { buildPodManifest, DEFAULT_FORM, formFieldForCause, type ProjectedPodForm } from '../../components/projected/pod-manifest';
import { ClusterError } from './errors';
import {
  API_AUDIENCES,
  createProjectedPod,
  issuerChangeFromStatus,
  listProjectedTokens,
  listServiceAccountNames,
  projectedTokensOfPod,
  readIssuerChange,
  readPodState,
  type ProjectedTokenDto,
} from './projected';

let c: TestCluster;
const podListQueries: URLSearchParams[] = [];

beforeAll(async () => {
  c = await startTestCluster();
  // Pod admission (ServiceAccount plugin, projection defaults and validation) comes with the
  // workloads module; until sim/index.ts installs that module, install its admission part here.
  if (!('workloads' in c)) installAdmission(c.store);
  c.server.use(async (ctx, next) => {
    if (ctx.path === '/api/v1/pods' && ctx.method === 'GET') podListQueries.push(new URLSearchParams(ctx.query));
    await next();
  });
});
afterAll(async () => {
  await c?.dispose();
});

const form = (over: Partial<ProjectedPodForm>): ProjectedPodForm => ({
  ...DEFAULT_FORM,
  serviceAccount: 'build-robot',
  audience: 'vault',
  expirationSeconds: 7200,
  ...over,
});

/** Every row, following continue tokens to the end. */
async function allRows(opts: { pageSize?: number; minRows?: number; includeAutoInjected?: boolean } = {}) {
  const rows: ProjectedTokenDto[] = [];
  let token: string | undefined;
  let calls = 0;
  let autoInjected = 0;
  do {
    const page = await listProjectedTokens(c.kc, { ...opts, ...(token ? { continue: token } : {}) });
    rows.push(...page.items);
    autoInjected += page.autoInjectedCount;
    token = page.continue ?? undefined;
    calls++;
    if (calls > 500) throw new Error('continue loop');
  } while (token);
  return { rows, calls, autoInjected };
}

describe('creating the procedure pod', () => {
  it('a server-side dry run answers with the admitted pod and stores nothing', async () => {
    const r = await createProjectedPod(c.kc, 'default', buildPodManifest(form({ name: 'dry-only' })), { dryRun: true });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dryRun).toBe(true);
    expect(r.pod.name).toBe('dry-only');
    expect(r.pod.namespace).toBe('default');
    const vault = r.pod.tokens.find((t) => t.volume === 'vault-token');
    expect(vault).toMatchObject({ audience: 'vault', expirationSeconds: 7200, path: 'vault-token', serviceAccount: 'build-robot' });
    expect(await readPodState(c.kc, 'default', 'dry-only')).toBeNull();
    const core = c.kc.makeApiClient(CoreV1Api);
    await expect(core.readNamespacedPod({ namespace: 'default', name: 'dry-only' })).rejects.toMatchObject({ code: 404 });
  });

  it('creates the pod, and the list shows its audience, lifetime, path and mount path', async () => {
    const r = await createProjectedPod(c.kc, 'default', buildPodManifest(form({ name: 'vault-client' })), { dryRun: false });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.dryRun).toBe(false);
    expect(r.pod.uid).toBeTruthy();
    const state = await readPodState(c.kc, 'default', 'vault-client');
    expect(state?.uid).toBe(r.pod.uid);

    const { rows } = await allRows();
    const mine = rows.filter((x) => x.namespace === 'default' && x.pod === 'vault-client');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      serviceAccount: 'build-robot',
      volume: 'vault-token',
      audience: 'vault',
      apiAudiences: false,
      expirationSeconds: 7200,
      path: 'vault-token',
      mountPaths: ['nginx: /var/run/secrets/tokens'],
      autoInjected: false,
    });
  });

  it('defaults: no audience reads as the API audiences, a missing lifetime as 3600 s', async () => {
    const manifest = buildPodManifest(form({ name: 'api-aud', audience: '' }));
    const token = (manifest.spec.volumes as { projected: { sources: { serviceAccountToken: Record<string, unknown> }[] } }[])[0]!.projected.sources[0]!.serviceAccountToken;
    delete token.expirationSeconds;
    const r = await createProjectedPod(c.kc, 'default', manifest, { dryRun: false });
    expect(r.ok).toBe(true);
    const { rows } = await allRows();
    const row = rows.find((x) => x.pod === 'api-aud');
    expect(row).toMatchObject({ audience: API_AUDIENCES, apiAudiences: true, expirationSeconds: 3600 });
  });

  it('the cluster refuses expirationSeconds 300 with 422, and the cause maps to the form field', async () => {
    const r = await createProjectedPod(c.kc, 'default', buildPodManifest(form({ name: 'too-short', expirationSeconds: 300 })), { dryRun: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(422);
    expect(r.reason).toBe('Invalid');
    expect(r.message).toMatch(/^Pod "too-short" is invalid: /);
    const cause = r.causes.find((x) => formFieldForCause(x.field) === 'expirationSeconds');
    expect(cause?.field).toBe('spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds');
    expect(cause?.message).toContain('may not specify a duration less than 10 minutes');
  });

  it('a second pod of the same name is refused on the name field (409)', async () => {
    await createProjectedPod(c.kc, 'default', buildPodManifest(form({ name: 'twice' })), { dryRun: false });
    const r = await createProjectedPod(c.kc, 'default', buildPodManifest(form({ name: 'twice' })), { dryRun: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(409);
    expect(formFieldForCause(r.causes[0]?.field)).toBe('name');
    expect(r.message).toBe('pods "twice" already exists');
  });

  it('a service account that does not exist is refused on the service account field', async () => {
    const r = await createProjectedPod(c.kc, 'default', buildPodManifest(form({ name: 'no-sa', serviceAccount: 'nobody' })), { dryRun: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(403);
    expect(formFieldForCause(r.causes[0]?.field)).toBe('serviceAccount');
    expect(r.message).toContain('serviceaccount "nobody" not found');
  });

  it('the viewer may not create pods: a forbidden ClusterError in the cluster\'s words', async () => {
    const err = await createProjectedPod(c.viewerKc, 'default', buildPodManifest(form({ name: 'viewer-pod' })), { dryRun: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).kind).toBe('forbidden');
    expect((err as ClusterError).message).toContain('User "viewer" cannot create resource "pods"');
  });

  it('lists the service accounts of a namespace for the picker', async () => {
    const names = await listServiceAccountNames(c.kc, 'default');
    expect(names).toContain('build-robot');
    expect(names).toContain('default');
  });
});

describe('listing', () => {
  it('a small page size returns every projected pod exactly once, in limited requests', async () => {
    for (let i = 0; i < 7; i++) {
      const ns = i % 2 ? 'default' : 'kube-system';
      const sa = ns === 'default' ? 'build-robot' : 'default';
      const r = await createProjectedPod(c.kc, ns, buildPodManifest(form({ name: `paged-${i}`, serviceAccount: sa, audience: `aud-${i}` })), { dryRun: false });
      expect(r.ok).toBe(true);
    }
    // The truth, one unpaginated list straight from the API.
    const core = c.kc.makeApiClient(CoreV1Api);
    const all = await core.listPodForAllNamespaces();
    const truth = all.items.flatMap((p) => projectedTokensOfPod(p, { nowMs: Date.now(), issuerChangedAtMs: null })).filter((r) => !r.autoInjected);
    expect(truth.length).toBeGreaterThanOrEqual(9);

    podListQueries.length = 0;
    const { rows, calls } = await allRows({ pageSize: 2, minRows: 1 });
    const keys = rows.map((r) => `${r.namespace}/${r.pod}/${r.volume}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(truth.map((r) => `${r.namespace}/${r.pod}/${r.volume}`).sort());
    expect(calls).toBeGreaterThan(1);
    expect(podListQueries.length).toBeGreaterThanOrEqual(Math.ceil(all.items.length / 2));
    expect(podListQueries.every((q) => q.get('limit') === '2')).toBe(true);
    expect(podListQueries.filter((q) => q.get('continue')).length).toBe(podListQueries.length - 1);
    for (let i = 0; i < 7; i++) expect(rows.find((r) => r.pod === `paged-${i}`)?.audience).toBe(`aud-${i}`);
  });

  it('hides the auto-injected kube-api-access volumes by default and counts them', async () => {
    // A volume shaped like the ServiceAccount admission plugin's, next to a custom one.
    const manifest = buildPodManifest(form({ name: 'with-api-access' }));
    const spec = manifest.spec as { volumes: unknown[]; containers: { volumeMounts: unknown[] }[] };
    spec.volumes.push({ name: 'kube-api-access-abcde', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } });
    spec.containers[0]!.volumeMounts.push({ name: 'kube-api-access-abcde', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true });
    const r = await createProjectedPod(c.kc, 'default', manifest, { dryRun: false });
    expect(r.ok).toBe(true);

    const hidden = await allRows();
    expect(hidden.rows.some((x) => x.autoInjected)).toBe(false);
    expect(hidden.rows.filter((x) => x.pod === 'with-api-access').map((x) => x.volume)).toEqual(['vault-token']);
    expect(hidden.autoInjected).toBeGreaterThanOrEqual(1);

    const shown = await allRows({ includeAutoInjected: true });
    const api = shown.rows.find((x) => x.pod === 'with-api-access' && x.autoInjected);
    expect(api).toMatchObject({ volume: 'kube-api-access-abcde', expirationSeconds: 3607, audience: API_AUDIENCES, path: 'token' });
    expect(shown.rows.filter((x) => x.autoInjected).length).toBe(hidden.autoInjected);
  });
});

describe('started before the last issuer change', () => {
  it('reads the change from KubeAPIServer status and flags pods that started before it', async () => {
    expect(await readIssuerChange(c.kc)).toMatchObject({ current: 'https://kubernetes.default.svc', previous: [], changedAt: null });

    const r = await createProjectedPod(c.kc, 'default', buildPodManifest(form({ name: 'old-timer' })), { dryRun: false });
    expect(r.ok).toBe(true);
    // The kubelet's part: the pod started an hour ago (the demo cluster may not run kubelets here).
    const startedMs = c.clock.nowMs() - 3600_000;
    c.store.mutate('pods', 'default', 'old-timer', (p) => {
      (p as { status?: Record<string, unknown> }).status = { ...((p as { status?: Record<string, unknown> }).status ?? {}), phase: 'Running', startTime: new Date(startedMs).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    }, { subresource: 'status' });

    c.store.mutate('authentications.config.openshift.io', undefined, 'cluster', (a) => {
      (a as unknown as { spec: Record<string, unknown> }).spec.serviceAccountIssuer = 'https://issuer.example.com';
    });
    let change = await readIssuerChange(c.kc);
    for (let i = 0; i < 100 && !change?.changedAt; i++) {
      await new Promise((res) => setTimeout(res, 100));
      change = await readIssuerChange(c.kc);
    }
    expect(change?.current).toBe('https://issuer.example.com');
    expect(change?.previous.map((p) => p.name)).toEqual(['https://kubernetes.default.svc']);
    const changedMs = Date.parse(change!.changedAt!);
    expect(Math.abs(changedMs - c.clock.nowMs())).toBeLessThan(120_000);

    const { rows } = await allRows();
    const row = rows.find((x) => x.pod === 'old-timer');
    expect(row?.startTime).toBeTruthy();
    expect(row?.startedBeforeIssuerChange).toBe(true);
    expect(row?.age).toBeGreaterThanOrEqual(3500);
    // A pod without a start time cannot be judged.
    const notStarted = rows.find((x) => !x.startTime);
    if (notStarted) expect(notStarted.startedBeforeIssuerChange).toBeNull();
  });

  it('works out the change time from the previous issuer\'s expiry (24 h trust)', () => {
    expect(issuerChangeFromStatus(undefined)).toBeNull();
    expect(
      issuerChangeFromStatus([
        { name: 'https://c.example' },
        { name: 'https://b.example', expirationTime: '2026-11-30T10:00:00Z' },
        { name: 'https://a.example', expirationTime: '2026-11-30T08:00:00Z' },
      ]),
    ).toEqual({
      current: 'https://c.example',
      previous: [
        { name: 'https://b.example', expirationTime: '2026-11-30T10:00:00Z' },
        { name: 'https://a.example', expirationTime: '2026-11-30T08:00:00Z' },
      ],
      changedAt: '2026-11-29T10:00:00Z',
    });
  });
});

describe('on a large cluster', () => {
  let big: TestCluster;
  const queries: URLSearchParams[] = [];
  beforeAll(async () => {
    big = await startTestCluster({ namespaces: 120, podsPerNamespace: 50 });
    big.server.use(async (ctx, next) => {
      if (ctx.path === '/api/v1/pods' && ctx.method === 'GET') queries.push(new URLSearchParams(ctx.query));
      await next();
    });
  }, 120_000);
  afterAll(async () => {
    await big?.dispose();
  });

  it('one screenful reads at most maxPages pages of 500 and hands back a continue token', async () => {
    const core = big.kc.makeApiClient(CoreV1Api);
    const total = (await core.listPodForAllNamespaces()).items.length;
    queries.length = 0;
    const page = await listProjectedTokens(big.kc, { maxPages: 4 });
    expect(queries).toHaveLength(4);
    expect(queries.every((q) => q.get('limit') === '500')).toBe(true);
    expect(page.podsScanned).toBe(2000);
    expect(page.continue).toBeTruthy();
    // The rest, screen by screen, scans every pod exactly once.
    let scanned = page.podsScanned;
    let token = page.continue;
    while (token) {
      const next = await listProjectedTokens(big.kc, { continue: token, maxPages: 4 });
      scanned += next.podsScanned;
      token = next.continue;
    }
    expect(total).toBeGreaterThan(6000);
    expect(scanned).toBe(total);
  });
});
