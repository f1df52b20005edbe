// Journey: an admin opens the dashboard and sees which cluster it is on and its nodes.
import { signInWithToken } from './auth-helpers';
import { expect, test } from './fixtures';

// Every page needs a session: sign in as the demo cluster's admin through the real sign-in API.
test.beforeEach(async ({ page, baseURL, demoCluster }) => {
  await signInWithToken(page, baseURL!, demoCluster.adminToken);
});

interface NodeList {
  items: {
    metadata: { name: string; labels?: Record<string, string> };
    status?: { conditions?: { type: string; status: string }[]; nodeInfo?: { kubeletVersion?: string } };
  }[];
}

test('the overview lists the demo cluster nodes with role, Ready state and kubelet version', async ({ page, demoCluster }) => {
  // The truth, read from the API server directly.
  const truth = await demoCluster.api<NodeList>('/api/v1/nodes');
  expect(truth.items).toHaveLength(6);

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();

  const table = page.getByTestId('node-table');
  await expect(table.getByTestId('node-row')).toHaveCount(6);
  await expect(table.locator('caption')).toHaveText(/^6 nodes, 6 Ready/);

  for (const node of truth.items) {
    const row = table.locator(`[data-testid="node-row"][data-node="${node.metadata.name}"]`);
    await expect(row.getByRole('rowheader')).toHaveText(node.metadata.name);
    const labels = node.metadata.labels ?? {};
    const expectedRole = 'node-role.kubernetes.io/worker' in labels ? 'worker' : 'control-plane';
    await expect(row.getByTestId('node-roles')).toContainText(expectedRole);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    await expect(row.getByTestId('node-ready')).toHaveText(ready === 'True' ? 'Ready' : ready === 'False' ? 'NotReady' : 'Unknown');
    const kubelet = node.status?.nodeInfo?.kubeletVersion;
    if (kubelet) await expect(row).toContainText(kubelet);
  }

  // Three control-plane nodes and three workers, like a small OpenShift cluster.
  await expect(table.getByTestId('node-roles').filter({ hasText: 'control-plane' })).toHaveCount(3);
  await expect(table.getByTestId('node-roles').filter({ hasText: 'worker' })).toHaveCount(3);

  // Column headers are real headers.
  for (const h of ['Name', 'Roles', 'Status', 'Kubelet']) {
    await expect(table.getByRole('columnheader', { name: h })).toBeVisible();
  }
});

test('the header says which cluster: DEMO badge, context, server URL, OpenShift and version', async ({ page, demoCluster }) => {
  const version = await demoCluster.api<{ gitVersion: string }>('/version');
  await page.goto('/');
  const header = page.getByRole('banner');
  await expect(header.getByTestId('demo-badge')).toHaveText('DEMO');
  await expect(header.getByTestId('cluster-context')).toHaveText(demoCluster.context);
  await expect(header.getByTestId('cluster-server')).toHaveText(demoCluster.url);
  await expect(header.getByTestId('cluster-flavor')).toContainText('OpenShift');
  await expect(header.getByTestId('cluster-flavor')).toContainText(version.gitVersion);
});

test('navigation: Overview is current, every area is a link, none is disabled any more', async ({ page }) => {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  const areas: [string, string][] = [['Tokens', '/tokens'], ['Issuer', '/issuer'], ['Rollout', '/rollout'], ['Restart', '/restart'], ['Projected volumes', '/projected']];
  for (const [label, href] of areas) {
    await expect(nav.getByRole('link', { name: label })).toHaveAttribute('href', href);
    await expect(nav.getByRole('link', { name: label })).not.toHaveAttribute('aria-current', 'page');
  }
  await expect(nav.getByRole('link')).toHaveCount(areas.length + 1);
  await expect(nav.locator('[aria-disabled="true"]')).toHaveCount(0);
  await expect(nav).not.toContainText('soon');
  // A link leads to its page and becomes the current one.
  await nav.getByRole('link', { name: 'Restart' }).click();
  await expect(page).toHaveURL(/\/restart$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Restart workloads' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Restart' })).toHaveAttribute('aria-current', 'page');
});

test('an unknown page gets the 404 page inside the shell', async ({ page }) => {
  const res = await page.goto('/no-such-page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('banner').getByTestId('demo-badge')).toBeVisible();
});
