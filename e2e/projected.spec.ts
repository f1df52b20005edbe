// Journey: an admin builds the procedure's pod with a projected service account token on
// /projected, checks it with a server-side dry run, creates it and finds it in the table; a viewer
// sees why they cannot create it. Pods get unique names and are deleted afterwards (shared cluster).
import fs from 'node:fs';
import https from 'node:https';
import type { Page } from '@playwright/test';
import { signInWithToken } from './auth-helpers';
import { expect, test, type DemoClusterInfo } from './fixtures';

const PROCEDURE = '/work/shared/reference/bound-service-account-tokens.md';

/** The procedure's pod-projected-svc-token.yaml, its callout numbers removed. */
function procedurePodYaml(): string {
  const md = fs.readFileSync(PROCEDURE, 'utf8');
  const at = md.indexOf('pod-projected-svc-token.yaml with the following contents');
  const block = /```yaml\n([\s\S]*?)```/.exec(md.slice(at));
  if (at < 0 || !block) throw new Error('procedure pod not found');
  return block[1]!.split('\n').map((l) => l.replace(/ \d$/, '')).join('\n');
}

function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** DELETE on the demo API server as admin (cleanup); 404 is fine. */
function apiDelete(dc: DemoClusterInfo, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, dc.url), { method: 'DELETE', ca: dc.caPem, headers: { Authorization: `Bearer ${dc.adminToken}`, Accept: 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ gracePeriodSeconds: 0 }));
  });
}

/** POST JSON on the demo API server as admin; the HTTP status. */
function apiPost(dc: DemoClusterInfo, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, dc.url), { method: 'POST', ca: dc.caPem, headers: { Authorization: `Bearer ${dc.adminToken}`, 'Content-Type': 'application/json', Accept: 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function podStatus(dc: DemoClusterInfo, ns: string, name: string): Promise<number | Record<string, any>> {
  return dc.api<Record<string, any>>(`/api/v1/namespaces/${ns}/pods/${name}`).catch((e: Error) => Number(/: (\d{3}) /.exec(e.message)?.[1] ?? 0));
}

async function yamlText(page: Page): Promise<string> {
  const lines = await page.getByTestId('yaml-preview').locator('[data-yaml-line]').allTextContents();
  return lines.join('\n') + '\n';
}

async function fillProcedure(page: Page, over: { name?: string; audience?: string; expiration?: string } = {}) {
  await page.locator('#f-name').fill(over.name ?? 'nginx');
  await page.locator('#f-namespace').fill('default');
  await page.locator('#f-image').fill('nginx');
  await page.locator('#f-serviceAccount').selectOption('build-robot');
  await page.locator('#f-audience').fill(over.audience ?? 'vault');
  await page.locator('#f-expirationSeconds').fill(over.expiration ?? '7200');
  await page.locator('#f-mountPath').fill('/var/run/secrets/tokens');
  await page.locator('#f-filePath').fill('vault-token');
}

test.describe('as the admin', () => {
  test.beforeEach(async ({ page, baseURL, demoCluster }) => {
    await signInWithToken(page, baseURL!, demoCluster.adminToken);
  });

  test('the builder prints the procedure\'s pod for its values; download and oc command match', async ({ page }) => {
    await page.goto('/projected');
    await expect(page.getByRole('heading', { level: 1, name: 'Projected volumes' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projected volumes' })).toHaveAttribute('aria-current', 'page');
    await fillProcedure(page);
    const expected = procedurePodYaml();
    await expect.poll(() => yamlText(page)).toBe(expected);
    await expect(page.getByTestId('oc-command')).toHaveText('$ oc create -f pod-projected-svc-token.yaml -n default');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-yaml').click()]);
    expect(download.suggestedFilename()).toBe('pod-projected-svc-token.yaml');
    expect(fs.readFileSync(await download.path(), 'utf8')).toBe(expected);

    // The procedure's note 5 explains expirationSeconds on focus, beside the YAML line.
    const note5 = page.getByTestId('yaml-preview').getByRole('button', { name: /Procedure note 5/ });
    await note5.focus();
    const tip = page.locator(`#${await note5.getAttribute('aria-describedby')}`);
    await expect(tip).toBeVisible();
    await expect(tip).toContainText('must be at least 600 seconds (10 minutes)');
    await page.getByTestId('yaml-preview').getByRole('button', { name: /Procedure note 6/ }).focus();
    await page.locator('[data-field="expirationSeconds"]').getByRole('button', { name: /Procedure note 5/ }).hover();
    await expect(page.getByTestId('yaml-preview').getByRole('button', { name: /Procedure note \d/ })).toHaveCount(6);

    // Without an audience the line goes away (the API server's own audiences).
    await page.locator('#f-audience').fill('');
    await expect.poll(() => yamlText(page)).toBe(expected.replace('          audience: vault\n', ''));
  });

  test('3607 warns that a custom projection is not extended; short lifetimes warn about rotation', async ({ page }) => {
    await page.goto('/projected');
    await fillProcedure(page, { expiration: '3607' });
    const advice = page.getByTestId('expiration-advice');
    await expect(advice.locator('[data-advice="extended-3607"]')).toContainText(
      /only the auto-injected kube-api-access token gets the one-year extension; a custom projection with 3607 keeps 3607 s/i,
    );
    await page.locator('#f-expirationSeconds').fill('900');
    await expect(advice.locator('[data-advice="extended-3607"]')).toHaveCount(0);
    await expect(advice.locator('[data-advice="frequent-rotation"]')).toContainText('the kubelet rotates this token every 12 min');
    await page.locator('#f-expirationSeconds').fill('300');
    await expect(advice.locator('[data-advice="below-minimum"]')).toContainText('The cluster will refuse this');
  });

  test('dry run, then create after confirming: the pod exists and the table lists it', async ({ page, demoCluster }) => {
    const name = uniqueName('e2e-proj');
    const audience = uniqueName('aud');
    try {
      await page.goto('/projected');
      await fillProcedure(page, { name, audience });

      await page.getByTestId('dry-run').click();
      const dry = page.getByTestId('dry-run-result');
      await expect(dry).toContainText(`Dry run accepted: the API server would create pod default/${name}. Nothing was stored.`);
      await expect(dry).toContainText(`volume vault-token: audience ${audience}, 7200 s, file vault-token`);
      expect(await podStatus(demoCluster, 'default', name)).toBe(404);

      // Editing the form asks for a new dry run.
      await page.locator('#f-expirationSeconds').fill('7201');
      await expect(page.getByTestId('dry-run-result')).toHaveCount(0);
      await page.locator('#f-expirationSeconds').fill('7200');
      await page.getByTestId('dry-run').click();
      await expect(page.getByTestId('dry-run-result')).toBeVisible();

      await page.getByTestId('create-start').click();
      await expect(page.getByTestId('create-confirm')).toContainText(`Create pod ${name} in the namespace default`);
      await page.getByTestId('create-confirm-yes').click();
      const created = page.getByTestId('created-pod');
      await expect(created).toContainText(`Created pod default/${name}`);
      await expect(created.getByTestId('created-phase')).not.toBeEmpty();

      // The truth from the API server.
      const pod = (await podStatus(demoCluster, 'default', name)) as Record<string, any>;
      expect(typeof pod).toBe('object');
      expect(pod.spec.serviceAccountName).toBe('build-robot');
      const vol = pod.spec.volumes.find((v: { name: string }) => v.name === 'vault-token');
      expect(vol.projected.sources[0].serviceAccountToken).toMatchObject({ audience, expirationSeconds: 7200, path: 'vault-token' });
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });

      // The table reloads after the create and shows the pod's token.
      const row = page.locator(`[data-testid="projected-row"][data-namespace="default"][data-pod="${name}"]`);
      await expect(row).toHaveCount(1);
      await expect(row.getByTestId('row-audience')).toHaveText(audience);
      await expect(row.getByTestId('row-lifetime')).toContainText('7200 s');
      await expect(row.getByTestId('row-path')).toHaveText('nginx: /var/run/secrets/tokens/vault-token');

      // A second pod of the same name: the cluster's 409 lands on the name field.
      await page.locator('#f-audience').fill(`${audience}-2`);
      await page.getByTestId('dry-run').click();
      await expect(page.getByTestId('error-name')).toHaveText(`pods "${name}" already exists`);
    } finally {
      await apiDelete(demoCluster, `/api/v1/namespaces/default/pods/${name}`);
    }
  });

  test('the table hides the auto-injected volumes by default, counts them, and can show them', async ({ page, demoCluster }) => {
    const name = uniqueName('e2e-auto');
    // A pod with a volume shaped like the ServiceAccount admission plugin's, beside a custom one.
    const body = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        serviceAccountName: 'build-robot',
        containers: [{ name: 'app', image: 'nginx', volumeMounts: [
          { name: 'kube-api-access-e2eab', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
          { name: 'custom', mountPath: '/var/run/secrets/tokens' },
        ] }],
        volumes: [
          { name: 'kube-api-access-e2eab', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }] } },
          { name: 'custom', projected: { sources: [{ serviceAccountToken: { audience: 'e2e', expirationSeconds: 3600, path: 'custom-token' } }] } },
        ],
      },
    };
    try {
      expect(await apiPost(demoCluster, '/api/v1/namespaces/default/pods', body)).toBe(201);
      await page.goto('/projected');
      const table = page.getByTestId('projected-table');
      const mine = table.locator(`[data-testid="projected-row"][data-pod="${name}"]`);
      await expect(mine).toHaveCount(1);
      await expect(mine).toHaveAttribute('data-volume', 'custom');
      await expect(table.locator('[data-volume^="kube-api-access-"]')).toHaveCount(0);
      await expect(page.getByTestId('projected-caption')).toContainText(/; [1-9]\d* auto-injected kube-api-access volumes? not shown/);

      await page.getByTestId('include-auto').check();
      await expect(mine).toHaveCount(2);
      const api = table.locator(`[data-testid="projected-row"][data-pod="${name}"][data-volume="kube-api-access-e2eab"]`);
      await expect(api.getByTestId('row-audience')).toHaveText('API audiences');
      await expect(api.getByTestId('row-lifetime')).toContainText('3607 s');
      await expect(api.getByTestId('row-lifetime')).toContainText('JWT valid 1 year');
      await expect(page.getByTestId('projected-caption')).not.toContainText('not shown');
    } finally {
      await apiDelete(demoCluster, `/api/v1/namespaces/default/pods/${name}`);
    }
  });
});

test('a viewer sees "create" disabled with the reason, and can still read the table', async ({ page, baseURL, demoCluster }) => {
  await signInWithToken(page, baseURL!, demoCluster.viewerToken);
  await page.goto('/projected');
  await expect(page.getByTestId('create-denied')).toContainText('You (viewer) cannot create pods in the namespace "default"');
  await expect(page.getByTestId('dry-run')).toBeDisabled();
  await expect(page.getByTestId('projected-table')).toBeVisible();
  // The YAML builder still works for them: they can hand the file to someone who may create it.
  await expect(page.getByTestId('yaml-preview')).toContainText('kind: Pod');
});
