// Journey: the issuer page. The admin sees the current issuer and the JWKS keys, goes through the
// guided change (diff, dry run, typed confirmation), applies, and sees the previous issuer with a
// countdown; a change made behind the user's back gives the conflict with the new value; the viewer
// sees the change disabled; a cross-origin or CSRF-less POST is refused. The demo cluster is shared
// by all specs: whatever issuer is set when we start is set again when we finish.
import https from 'node:https';
import { csrfToken, signInWithToken } from './auth-helpers';
import { expect, test, type DemoClusterInfo } from './fixtures';

const DEFAULT = 'https://kubernetes.default.svc';
const AUTH_PATH = '/apis/config.openshift.io/v1/authentications/cluster';
const KAS_PATH = '/apis/operator.openshift.io/v1/kubeapiservers/cluster';

type Auth = { metadata: { resourceVersion: string }; spec: { serviceAccountIssuer?: string } };
type Kas = { status: { serviceAccountIssuers?: { name: string; expirationTime?: string }[] } };

/** A merge patch straight to the API server as the admin (the "someone else" of the conflict test). */
function patchIssuer(demo: DemoClusterInfo, issuer: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ spec: { serviceAccountIssuer: issuer } });
    const req = https.request(
      new URL(AUTH_PATH, demo.url),
      { method: 'PATCH', ca: demo.caPem, headers: { Authorization: `Bearer ${demo.adminToken}`, 'Content-Type': 'application/merge-patch+json' } },
      (res) => {
        res.resume();
        res.on('end', () => ((res.statusCode ?? 0) < 300 ? resolve() : reject(new Error(`PATCH ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The cluster's own bytes, read straight from the API server as the admin. */
function rawGet(demo: DemoClusterInfo, path: string): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    https
      .get(new URL(path, demo.url), { ca: demo.caPem, headers: { Authorization: `Bearer ${demo.adminToken}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

let original: string | undefined;
test.beforeAll(async ({ demoCluster }) => {
  original = (await demoCluster.api<Auth>(AUTH_PATH)).spec.serviceAccountIssuer ?? '';
});
test.afterAll(async ({ demoCluster }) => {
  const now = (await demoCluster.api<Auth>(AUTH_PATH)).spec.serviceAccountIssuer ?? '';
  if (original !== undefined && now !== original) await patchIssuer(demoCluster, original);
});

test('the admin sees the issuer and keys, changes it through the guided form, and sees the previous issuer counting down', async ({ page, baseURL, demoCluster }) => {
  await signInWithToken(page, baseURL!, demoCluster.adminToken);
  const auth = await demoCluster.api<Auth>(AUTH_PATH);
  const before = auth.spec.serviceAccountIssuer || DEFAULT;

  await page.goto('/issuer');
  await expect(page.getByRole('heading', { level: 1, name: 'Service account issuer' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Issuer' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('current-issuer-value')).toHaveText(before);
  await expect(page.getByTestId('current-issuer-source')).toContainText(auth.spec.serviceAccountIssuer ? 'spec.serviceAccountIssuer' : 'default');

  // The JWKS keys, as the cluster serves them (when discovery is on for the current issuer).
  const jwks = await demoCluster.api<{ keys: { kid: string; alg: string }[] }>('/openid/v1/jwks').catch(() => null);
  if (jwks) {
    await expect(page.getByTestId('jwks-key')).toHaveCount(jwks.keys.length);
    for (const k of jwks.keys) {
      const row = page.locator(`[data-testid="jwks-key"][data-kid="${k.kid}"]`);
      await expect(row).toContainText(k.alg);
      await expect(row.getByTestId('jwks-key-size')).toHaveText(/^(RSA \d{4}|P-256|P-384|P-521)$/);
    }
  } else {
    await expect(page.getByTestId('jwks-unavailable')).toBeVisible();
  }

  // The guided change.
  const next = `https://e2e-${Date.now()}.issuer.example.com`;
  const form = page.getByTestId('issuer-change');
  await form.getByLabel('New issuer').fill(next);
  await expect(form.locator('[data-code="discovery"]')).toContainText(`${next}/.well-known/openid-configuration`);
  await form.getByRole('button', { name: /Review the change/ }).click();
  const review = form.getByTestId('change-review');
  await expect(review.getByTestId('dry-run-result')).toContainText('dryRun=All');
  await expect(review.locator('[data-testid="spec-diff"] [data-op="add"]')).toContainText(`serviceAccountIssuer: ${next}`);
  // The dry run stored nothing.
  expect((await demoCluster.api<Auth>(AUTH_PATH)).metadata.resourceVersion).toBe(auth.metadata.resourceVersion);
  await expect(review.getByTestId('consequences')).toContainText('24 hours');
  await expect(review.getByTestId('important-note')).toContainText('the previous service account issuer is still trusted for the next 24 hours');
  await expect(review.getByTestId('oc-command')).toContainText(`oc patch authentication.config.openshift.io cluster --type=merge -p '{"spec":{"serviceAccountIssuer":"${next}"}}'`);

  await page.screenshot({ path: test.info().outputPath('issuer-review.png'), fullPage: true });

  const apply = review.getByRole('button', { name: 'Apply the change' });
  await expect(apply).toBeDisabled();
  await review.getByLabel(/to confirm/).fill(next.slice(0, -1));
  await expect(apply).toBeDisabled();
  await review.getByLabel(/to confirm/).fill(next);
  await expect(apply).toBeEnabled();
  await apply.click();

  const done = form.getByTestId('change-applied');
  await expect(done).toContainText(next);
  await expect(done.getByRole('link', { name: 'Follow the rollout' })).toHaveAttribute('href', '/rollout');
  expect((await demoCluster.api<Auth>(AUTH_PATH)).spec.serviceAccountIssuer).toBe(next);

  // The new state: the current issuer, and the previous one trusted with a live countdown.
  await expect(page.getByTestId('current-issuer-value')).toHaveText(next);
  const prev = page.locator(`[data-testid="trusted-issuer"][data-role="previous"][data-issuer="${before}"]`);
  await expect(prev).toBeVisible();
  const kas = await demoCluster.api<Kas>(KAS_PATH);
  const expiry = kas.status.serviceAccountIssuers?.find((i) => i.name === before)?.expirationTime;
  expect(expiry).toBeTruthy();
  const countdown = prev.getByTestId('issuer-countdown');
  await expect(countdown).toHaveAttribute('data-expires', expiry!);
  await expect(countdown).toHaveText(/\d+s left$/);
  const first = await countdown.textContent();
  await expect(countdown).not.toHaveText(first!, { timeout: 5_000 });
  await expect(page.getByTestId('api-audiences')).toContainText(next);
  await expect(page.getByTestId('api-audiences')).toContainText(before);

  await page.screenshot({ path: test.info().outputPath('issuer-after-change.png'), fullPage: true });
});

test('a change made behind the user’s back: the conflict names the new value and keeps the input', async ({ page, baseURL, demoCluster }) => {
  await signInWithToken(page, baseURL!, demoCluster.adminToken);
  await page.goto('/issuer');
  const form = page.getByTestId('issuer-change');
  const mine = `https://mine-${Date.now()}.example.com`;
  await form.getByLabel('New issuer').fill(mine);

  const theirs = `https://theirs-${Date.now()}.example.com`;
  await patchIssuer(demoCluster, theirs);

  await form.getByRole('button', { name: /Review the change/ }).click();
  const conflict = form.getByTestId('change-conflict');
  await expect(conflict).toContainText('Someone else changed');
  await expect(conflict.getByTestId('conflict-current')).toHaveText(theirs);
  await expect(form.getByLabel('New issuer')).toHaveValue(mine);
  // Against the fresh resourceVersion the dry run now goes through.
  await form.getByRole('button', { name: /Review the change/ }).click();
  await expect(form.getByTestId('dry-run-result')).toBeVisible();
  await expect(form.locator('[data-testid="spec-diff"] [data-op="del"]')).toContainText(theirs);
});

test('the viewer sees the page with the change disabled and the reason', async ({ page, baseURL, demoCluster }) => {
  await signInWithToken(page, baseURL!, demoCluster.viewerToken);
  const auth = await demoCluster.api<Auth>(AUTH_PATH);
  await page.goto('/issuer');
  await expect(page.getByTestId('current-issuer-value')).toHaveText(auth.spec.serviceAccountIssuer || DEFAULT);
  await expect(page.getByTestId('trusted-issuers')).toBeVisible();
  const form = page.getByTestId('issuer-change');
  await expect(form.getByTestId('change-disabled')).toContainText('You (viewer) cannot patch authentications.config.openshift.io');
  await expect(form.getByLabel('New issuer')).toBeDisabled();
  await expect(form.getByRole('button', { name: /Review the change/ })).toBeDisabled();
  await page.screenshot({ path: test.info().outputPath('issuer-viewer.png'), fullPage: true });

  // Going around the disabled form: the cluster refuses, and the dashboard says so in plain words.
  const origin = new URL(baseURL!).origin;
  const res = await page.context().request.post(`${origin}/api/issuer/dry-run`, {
    headers: { origin, 'x-csrf-token': await csrfToken(page.context()) },
    data: { issuer: 'https://viewer.example.com', resourceVersion: auth.metadata.resourceVersion },
  });
  expect(res.status()).toBe(403);
  const body = (await res.json()) as { error: string; message: string; role: string };
  expect(body.error).toBe('forbidden');
  expect(body.message).toBe('You (viewer) cannot patch authentications.config.openshift.io');
  expect(body.role).toBe('cluster-admin');
});

test('the apply route refuses a POST without the CSRF header or from another origin (403)', async ({ page, baseURL, demoCluster }) => {
  await signInWithToken(page, baseURL!, demoCluster.adminToken);
  await page.goto('/issuer');
  const auth = await demoCluster.api<Auth>(AUTH_PATH);
  const origin = new URL(baseURL!).origin;
  const data = { issuer: 'https://csrf.example.com', resourceVersion: auth.metadata.resourceVersion, confirmation: 'https://csrf.example.com' };

  const noCsrf = await page.context().request.post(`${origin}/api/issuer/apply`, { headers: { origin }, data });
  expect(noCsrf.status()).toBe(403);
  expect((await noCsrf.json()).error).toBe('csrf');

  const csrf = await csrfToken(page.context());
  const crossOrigin = await page.context().request.post(`${origin}/api/issuer/apply`, { headers: { origin: 'https://evil.example.com', 'x-csrf-token': csrf }, data });
  expect(crossOrigin.status()).toBe(403);
  expect((await crossOrigin.json()).error).toBe('cross-origin');

  // Same origin with the CSRF header, but the typed confirmation does not match, the body has an
  // unknown field, or the operator would reject the value: refused before anything is patched.
  const ok = { origin, 'x-csrf-token': csrf };
  const wrongConfirm = await page.context().request.post(`${origin}/api/issuer/apply`, { headers: ok, data: { ...data, confirmation: 'yes' } });
  expect(wrongConfirm.status()).toBe(400);
  expect((await wrongConfirm.json()).error).toBe('confirmation');
  const extra = await page.context().request.post(`${origin}/api/issuer/apply`, { headers: ok, data: { ...data, dryRun: false } });
  expect(extra.status()).toBe(400);
  expect((await extra.json()).error).toBe('bad-request');
  const bad = 'https://bad host:x';
  const blocked = await page.context().request.post(`${origin}/api/issuer/apply`, { headers: ok, data: { ...data, issuer: bad, confirmation: bad } });
  expect(blocked.status()).toBe(422);
  expect((await blocked.json()).message).toContain("service-account issuer contained a ':' but was not a valid URL");

  // Nothing changed.
  expect((await demoCluster.api<Auth>(AUTH_PATH)).metadata.resourceVersion).toBe(auth.metadata.resourceVersion);

  // The discovery pass-through answers the signed-in user with the cluster's bytes and type.
  for (const [route, path] of [
    ['/api/cluster/openid-configuration', '/.well-known/openid-configuration'],
    ['/api/cluster/jwks', '/openid/v1/jwks'],
  ] as const) {
    const [mine, truth] = await Promise.all([page.context().request.get(`${origin}${route}`), rawGet(demoCluster, path)]);
    if (truth.status === 404) {
      expect(mine.status()).toBe(404);
      continue;
    }
    expect(mine.status()).toBe(200);
    expect(mine.headers()['content-type']).toBe(truth.type);
    expect(Buffer.compare(await mine.body(), truth.body)).toBe(0);
  }
  // And nobody without a session.
  const anon = await page.context().browser()!.newContext();
  try {
    expect((await anon.request.get(`${origin}/api/cluster/jwks`)).status()).toBe(401);
  } finally {
    await anon.close();
  }
});
