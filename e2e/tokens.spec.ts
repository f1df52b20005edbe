// Journeys of /tokens (inspector) and /tokens/new (TokenRequest): the OpenShift procedure's example
// token decoded, explained and checked in the browser; a token requested through the form that
// verifies against the demo cluster's JWKS, is accepted by TokenReview, and is reported invalidated
// in the cluster's words once its bound pod is deleted; the viewer's disabled form.
// Each test creates and removes what it needs, so the order does not matter.
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLAIM_EXPLANATIONS, encodeJwt, HEADER_EXPLANATIONS } from '../lib/jwt';
import { signInWithToken } from './auth-helpers';
import { expect, test, type DemoClusterInfo } from './fixtures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vector = (name: string) => fs.readFileSync(path.resolve(root, '../shared/reference/vectors', name), 'utf8').trim();
const CUT = vector('openshift-docs-token.jwt');
const FULL = vector('openshift-docs-token.full.jwt');

/** Every claim path the inspector should explain (kubernetes.io nested with dots). */
function claimPaths(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return v && typeof v === 'object' && !Array.isArray(v) ? [p, ...claimPaths(v as Record<string, unknown>, p)] : [p];
  });
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A write to the demo API server as its admin (the fixtures only read). */
function apiWrite(c: DemoClusterInfo, method: string, p: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(p, c.url), { method, ca: c.caPem, headers: { Authorization: `Bearer ${c.adminToken}`, 'Content-Type': 'application/json', Accept: 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function deletePod(c: DemoClusterInfo, name: string) {
  const r = await apiWrite(c, 'DELETE', `/api/v1/namespaces/default/pods/${name}?gracePeriodSeconds=0`);
  if (r.status !== 200 && r.status !== 202 && r.status !== 404) throw new Error(`delete pod ${name}: ${r.status} ${r.body.slice(0, 200)}`);
}

test.describe('as the admin', () => {
  test.beforeEach(async ({ page, baseURL, demoCluster }) => {
    await signInWithToken(page, baseURL!, demoCluster.adminToken);
  });

  test('the procedure\'s example token: every claim explained, expired, cut signature malformed, full one "no matching key"', async ({ page }, testInfo) => {
    await page.goto('/tokens');
    await expect(page.getByRole('heading', { level: 1, name: 'Token inspector' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tokens' })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('privacy-note')).toContainText('decoded in your browser; nothing is sent', { ignoreCase: true });

    // Pasted the way people paste: header name, Bearer, quotes and a line break in the middle.
    const messy = `Authorization: Bearer "${CUT.slice(0, 100)}\n  ${CUT.slice(100)}"`;
    await page.getByLabel('Token', { exact: true }).fill(messy);
    const inspection = page.getByTestId('inspection');
    await expect(inspection).toBeVisible();
    await expect(page.getByTestId('input-notes')).toContainText('removed the "Bearer " prefix');
    expect(Number(await inspection.getAttribute('data-decode-ms'))).toBeLessThan(16);

    // Every claim and header field is explained, through aria-describedby (hover and focus show it).
    const paths = claimPaths(payloadOf(CUT));
    expect(paths).toEqual(expect.arrayContaining(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'kubernetes.io.namespace', 'kubernetes.io.serviceaccount.uid']));
    const claims = page.getByLabel('Claims JSON');
    for (const p of paths) {
      const key = claims.locator(`[data-claim="${p}"]`);
      await expect(key, p).toHaveAttribute('data-known', 'true');
      const tipId = await key.getAttribute('aria-describedby');
      await expect(page.locator(`[id="${tipId}"]`), p).toContainText(CLAIM_EXPLANATIONS[p]!.title);
    }
    for (const h of ['alg', 'kid']) {
      const tipId = await page.getByLabel('Header JSON').locator(`[data-claim="${h}"]`).getAttribute('aria-describedby');
      await expect(page.locator(`[id="${tipId}"]`)).toContainText(HEADER_EXPLANATIONS[h]!.title);
    }
    // Hover shows the explanation; so does keyboard focus.
    const iss = claims.locator('[data-claim="iss"]');
    const issTip = page.locator(`[id="${await iss.getAttribute('aria-describedby')}"]`);
    await expect(issTip).toBeHidden();
    await iss.hover();
    await expect(issTip).toBeVisible();
    await page.mouse.move(0, 0);
    const exp = claims.locator('[data-claim="exp"]');
    await exp.focus();
    await expect(page.locator(`[id="${await exp.getAttribute('aria-describedby')}"]`)).toBeVisible();
    await expect(claims.locator('[data-time-note="exp"]')).toContainText('2023-03-23 03:57:10 UTC');

    // What it is.
    await expect(page.getByTestId('token-kind')).toHaveAttribute('data-kind', 'bound');
    await expect(page.getByTestId('token-binding')).toContainText('none');
    await expect(page.getByTestId('token-namespace')).toHaveText('default');
    await expect(page.getByTestId('token-serviceaccount')).toContainText('test-sa');
    await expect(page.getByTestId('token-subject')).toHaveText('system:serviceaccount:default:test-sa');

    // Flagged expired; its issuer is not this cluster's; the cut signature is a finding too.
    await expect(page.locator('[data-code="expired"]')).toContainText('expired');
    await expect(page.locator('[data-code="issuer-mismatch"]')).toBeVisible();
    await expect(page.locator('[data-code="signature-malformed"]')).toBeVisible();
    await expect(page.getByTestId('token-times').locator('[data-time="exp"] [data-relative]')).toContainText(/expired .* ago/);
    await expect(page.getByTestId('token-timeline')).toBeVisible();
    await expect(page.getByTestId('lifetime-note')).toContainText('3607');

    // Paste-to-render without a server round trip: time from the input event to the DOM showing the
    // new token's claims (React flushes a discrete input update before the next task).
    const renderMs = await page.evaluate(async (token) => {
      const ta = document.getElementById('token-input') as HTMLTextAreaElement;
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
      const t0 = performance.now();
      setter.call(ta, token);
      ta.dispatchEvent(new Event('input', { bubbles: true }));
      // The messy paste had normalization notes; the clean token has none, so they disappear.
      while (document.querySelector('[data-testid="input-notes"]') && performance.now() - t0 < 1000) {
        await new Promise((r) => setTimeout(r, 0));
      }
      return performance.now() - t0;
    }, CUT);
    testInfo.annotations.push({ type: 'paste-to-render', description: `${renderMs.toFixed(1)} ms` });
    expect(renderMs).toBeLessThan(50);
    await expect(page.getByTestId('input-notes')).toHaveCount(0);

    // Verification against the cluster's JWKS: the cut signature is malformed, never "invalid".
    const verify = page.getByTestId('verify-result');
    await expect(verify).toHaveAttribute('data-status', 'malformed');
    await expect(verify).toContainText('Malformed');
    await page.screenshot({ path: testInfo.outputPath('tokens-inspector.png'), fullPage: true });

    // The full token: no key of this cluster has its kid.
    await page.getByLabel('Token', { exact: true }).fill(FULL);
    await expect(verify).toHaveAttribute('data-status', 'no-matching-key');
    await expect(verify).toContainText('No matching key');
    await expect(verify).not.toContainText('invalid', { ignoreCase: true });
    await expect(page.locator('[data-code="signature-malformed"]')).toHaveCount(0);
  });

  test('a link with #token= opens the token and the fragment is cleared from the address bar', async ({ page }) => {
    await page.goto(`/tokens#token=${encodeURIComponent(FULL)}`);
    await expect(page.getByLabel('Token', { exact: true })).toHaveValue(FULL);
    await expect(page.getByTestId('token-kind')).toHaveAttribute('data-kind', 'bound');
    await expect.poll(() => new URL(page.url()).hash).toBe('');
  });

  test('malformed input is said precisely', async ({ page }) => {
    await page.goto('/tokens');
    const input = page.getByLabel('Token', { exact: true });
    const [h, p] = FULL.split('.');
    await input.fill(`${h}.${p!.slice(0, 10)}*${p!.slice(11)}.sig`);
    await expect(page.getByTestId('decode-error')).toHaveAttribute('data-part', 'payload');
    await expect(page.getByTestId('decode-error')).toContainText('Payload (part 2)');
    await input.fill('a.b.c.d.e');
    await expect(page.getByTestId('decode-error')).toContainText('encrypted JWE');
  });

  test('a 3607-second pod token extended to a year: timeline with the refresh point and warnafter, explained', async ({ page }, testInfo) => {
    const iat = Math.floor(Date.now() / 1000) - 600;
    const token = encodeJwt(
      { alg: 'RS256', kid: 'k' },
      {
        aud: ['https://kubernetes.default.svc'], exp: iat + 31536000, iat, iss: 'https://kubernetes.default.svc',
        'kubernetes.io': { namespace: 'default', pod: { name: 'web-0', uid: 'u1' }, serviceaccount: { name: 'default', uid: 'u2' }, warnafter: iat + 3607 },
        nbf: iat, sub: 'system:serviceaccount:default:default',
      },
      'c2ln',
    );
    await page.goto('/tokens');
    await page.getByLabel('Token', { exact: true }).fill(token);
    await expect(page.getByTestId('token-binding')).toContainText('Pod web-0');
    const timeline = page.getByTestId('token-timeline');
    for (const p of ['iat', 'now', 'refresh', 'warnafter', 'exp']) await expect(timeline.locator(`[data-point="${p}"]`), p).toHaveCount(1);
    await expect(page.getByTestId('token-times').locator('[data-time="refresh"]')).toContainText('kubelet refreshes it in');
    await expect(page.getByText('Requested for 3607 s but valid for')).toBeVisible();
    await expect(page.getByTestId('lifetime-note')).toHaveAttribute('open', '');
    await page.getByTestId('token-timeline').screenshot({ path: testInfo.outputPath('timeline-3607.png') });
    await expect(page.getByLabel('Claims JSON').locator('[data-time-note="kubernetes.io.warnafter"]')).toContainText('counted as stale in');
  });

  test('verifies against a pasted PEM key or JWKS: verified, and a forged signature as invalid', async ({ page }) => {
    await page.goto('/tokens');
    await page.getByLabel('Token', { exact: true }).fill(vector('vault-minikube/jwtProjectedData.jwt'));
    await page.getByLabel('A key I paste (JWKS, JWK, PEM public key or certificate)').check();
    await page.getByLabel('Public key', { exact: true }).fill(vector('vault-minikube/testMinikubePubKey.pem'));
    const verify = page.getByTestId('verify-result');
    await expect(verify).toHaveAttribute('data-status', 'verified');
    await expect(verify).toContainText('Verified');

    await page.getByLabel('Public key', { exact: true }).fill(vector('vault-minikube/minikube-jwks.derived.json'));
    await page.getByLabel('Token', { exact: true }).fill(vector('vault-minikube/jwtWithBadSigningKey.jwt'));
    await expect(verify).toHaveAttribute('data-status', 'invalid-signature');
    await expect(verify).toContainText('Signature invalid');
  });

  test('a requested pod-bound token verifies in the browser, TokenReview accepts it, and after the pod is deleted says it was invalidated', async ({ page, demoCluster }, testInfo) => {
    const pod = `tokens-e2e-${Date.now().toString(36)}`;
    const nodes = await demoCluster.api<{ items: { metadata: { name: string } }[] }>('/api/v1/nodes');
    const created = await apiWrite(demoCluster, 'POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod, labels: { 'e2e.btd/spec': 'tokens' } },
      spec: { serviceAccountName: 'default', nodeName: nodes.items.at(-1)!.metadata.name, containers: [{ name: 'c', image: 'registry.access.redhat.com/ubi9/ubi-minimal:latest' }] },
    });
    expect(created.status, created.body).toBe(201);
    try {
      await page.goto('/tokens/new');
      await expect(page.getByRole('heading', { level: 1, name: 'Request a token' })).toBeVisible();
      await expect(page.getByLabel('Namespace')).toHaveValue('default');
      await expect(page.getByLabel('Service account')).toHaveValue('default');
      await page.getByRole('button', { name: '1 h' }).click();
      await page.getByLabel('Bound object kind').selectOption('Pod');
      await page.getByLabel('Pod name').fill(pod);
      await expect(page.getByTestId('command-oc')).toHaveText(`oc create token default -n default --duration 3600s --bound-object-kind Pod --bound-object-name ${pod}`);
      await expect(page.getByTestId('command-kubectl')).toHaveText(`kubectl create token default -n default --duration 3600s --bound-object-kind Pod --bound-object-name ${pod}`);
      await page.getByRole('button', { name: 'Create token' }).click();
      const issued = page.getByTestId('issued-token');
      await expect(issued).toBeVisible();
      await expect(issued.getByRole('button', { name: 'Copy token' })).toBeVisible();
      const token = await page.locator('#issued-token-text').inputValue();
      await page.screenshot({ path: testInfo.outputPath('tokens-new.png'), fullPage: true });
      expect(token.split('.')).toHaveLength(3);

      await issued.getByRole('link', { name: 'Open in the inspector' }).click();
      await expect(page).toHaveURL(/\/tokens$/);
      await expect(page.getByLabel('Token', { exact: true })).toHaveValue(token);
      await expect(page.getByTestId('token-binding')).toContainText(`Pod ${pod}`);
      await expect(page.getByTestId('verify-result')).toHaveAttribute('data-status', 'verified');
      await expect(page.getByTestId('verify-result')).toContainText('Verified');
      // (The demo cluster's clock runs DEMO_SPEED times faster, so "issued in the future" may be listed.)
      await expect(page.locator('[data-code="expired"]')).toHaveCount(0);
      await expect(page.locator('[data-code="issuer-mismatch"]')).toHaveCount(0);
      await expect(page.locator('[data-code="signature-malformed"]')).toHaveCount(0);

      await page.getByRole('button', { name: 'Ask the cluster (TokenReview)' }).click();
      const review = page.getByTestId('review-result');
      await expect(review).toHaveAttribute('data-authenticated', 'true');
      await expect(review).toContainText('Authenticated');
      await expect(page.getByTestId('review-username')).toHaveText('system:serviceaccount:default:default');
      await expect(review).toContainText(`authentication.kubernetes.io/pod-name: ${pod}`);

      await deletePod(demoCluster, pod);
      await expect
        .poll(async () => (await apiWrite(demoCluster, 'GET', `/api/v1/namespaces/default/pods/${pod}`)).status)
        .toBe(404);
      await page.getByRole('button', { name: 'Ask the cluster (TokenReview)' }).click();
      await expect(review).toHaveAttribute('data-authenticated', 'false');
      await expect(page.getByTestId('review-error')).toHaveText('[invalid bearer token, service account token has been invalidated]');
      // Still a valid signature: only the cluster knows the pod is gone.
      await expect(page.getByTestId('verify-result')).toHaveAttribute('data-status', 'verified');
    } finally {
      // Leave the cluster as it was, without hiding the test's own failure.
      await deletePod(demoCluster, pod).catch(() => undefined);
    }
  });

  test('the cluster\'s errors land on the fields they concern', async ({ page }) => {
    await page.goto('/tokens/new');
    await page.getByLabel('Bound object kind').selectOption('Pod');
    await page.getByLabel('Pod name').fill('no-such-pod');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page.getByTestId('error-boundObject')).toHaveText('pods "no-such-pod" not found');
    await expect(page.getByTestId('issued-token')).toHaveCount(0);

    await page.getByLabel('Bound object kind').selectOption('');
    await page.getByLabel('Service account').fill('nobody-here');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page.getByTestId('error-serviceAccount')).toHaveText('serviceaccounts "nobody-here" not found');

    await page.getByLabel('Service account').fill('default');
    await page.getByLabel('Lifetime (seconds)').fill('60');
    await page.getByRole('button', { name: 'Create token' }).click();
    await expect(page.getByTestId('error-expirationSeconds')).toContainText('may not specify a duration less than 10 minutes');
  });
});

test('the viewer sees the request form disabled, with the reason', async ({ page, baseURL, demoCluster }) => {
  await signInWithToken(page, baseURL!, demoCluster.viewerToken);
  await page.goto('/tokens/new');
  await expect(page.getByTestId('form-disabled')).toContainText('You (viewer) cannot create serviceaccounts/token in the namespace "default"');
  await expect(page.getByRole('button', { name: 'Create token' })).toBeDisabled();
  await expect(page.getByLabel('Service account')).toBeDisabled();
  // The namespace stays editable: another namespace may allow it.
  await expect(page.getByLabel('Namespace')).toBeEnabled();

  // Decoding needs no permission; asking the cluster does, and the refusal is said plainly.
  await page.goto('/tokens');
  await page.getByLabel('Token', { exact: true }).fill(FULL);
  await expect(page.getByTestId('token-kind')).toHaveAttribute('data-kind', 'bound');
  await page.getByRole('button', { name: 'Ask the cluster (TokenReview)' }).click();
  await expect(page.getByTestId('review-failed')).toContainText('You (viewer) cannot create tokenreviews');
});
