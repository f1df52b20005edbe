// Journey (issue 6's "done when"): an admin changes the issuer through the guided form, follows the
// link to /rollout, and watches every control-plane node reach the new revision without reloading;
// the page's texts are the cluster's own. Independent of other specs: it waits for any earlier
// rollout to settle first.
import { signInWithToken } from './auth-helpers';
import { expect, test } from './fixtures';

interface Kas {
  status: {
    latestAvailableRevision: number;
    nodeStatuses: { nodeName: string; currentRevision?: number; targetRevision?: number }[];
    conditions: { type: string; status: string; reason?: string; message?: string }[];
  };
}
const KAS_PATH = '/apis/operator.openshift.io/v1/kubeapiservers/cluster';
const AUTH_PATH = '/apis/config.openshift.io/v1/authentications/cluster';

const settled = (k: Kas) =>
  k.status.nodeStatuses.every((n) => n.currentRevision === k.status.latestAvailableRevision && !n.targetRevision) &&
  k.status.conditions.some((c) => c.type === 'NodeInstallerProgressing' && c.status === 'False');

test('change the issuer through the guided form, then follow the rollout to every node without a reload', async ({ page, baseURL, demoCluster }) => {
  test.setTimeout(150_000);
  await expect.poll(async () => settled(await demoCluster.api<Kas>(KAS_PATH)), { timeout: 60_000 }).toBe(true);
  const before = await demoCluster.api<Kas>(KAS_PATH);
  const oldRevision = before.status.latestAvailableRevision;

  await signInWithToken(page, baseURL!, demoCluster.adminToken);
  await page.goto('/issuer');
  const next = `https://journey-${Date.now()}.issuer.example.com`;
  const form = page.getByTestId('issuer-change');
  await form.getByLabel('New issuer').fill(next);
  await form.getByRole('button', { name: /Review the change/ }).click();
  const review = form.getByTestId('change-review');
  await expect(review.getByTestId('dry-run-result')).toContainText('dryRun=All');
  await review.getByLabel(/to confirm/).fill(next);
  await review.getByRole('button', { name: 'Apply the change' }).click();
  const done = form.getByTestId('change-applied');
  await expect(done).toContainText(next);
  expect((await demoCluster.api<{ spec: { serviceAccountIssuer: string } }>(AUTH_PATH)).spec.serviceAccountIssuer).toBe(next);

  await done.getByRole('link', { name: 'Follow the rollout' }).click();
  await expect(page).toHaveURL(/\/rollout$/);
  await expect(page.getByTestId('live-state')).toHaveText('live');
  // From here on, nothing reloads the page: a marker on window and a count of navigations prove it.
  await page.evaluate(() => ((window as unknown as { __journey: number }).__journey = 7));
  let navigations = 0;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations++;
  });

  await expect.poll(async () => (await demoCluster.api<Kas>(KAS_PATH)).status.latestAvailableRevision, { timeout: 30_000 }).toBeGreaterThan(oldRevision);
  const newRevision = (await demoCluster.api<Kas>(KAS_PATH)).status.latestAvailableRevision;
  for (const n of before.status.nodeStatuses) {
    const row = page.locator(`[data-testid="rollout-node-row"][data-node="${n.nodeName}"]`);
    await expect(row.getByTestId('node-current')).toHaveText(String(newRevision), { timeout: 90_000 });
  }
  await expect.poll(async () => settled(await demoCluster.api<Kas>(KAS_PATH)), { timeout: 30_000 }).toBe(true);
  await expect(page.getByTestId('rollout-summary')).toHaveText(`3 of 3 nodes at revision ${newRevision}`);
  await expect(page.getByTestId('jsonpath-output')).toHaveText(`AllNodesAtLatestRevision\n3 nodes are at revision ${newRevision}\n`, { useInnerText: true });

  expect(navigations).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __journey?: number }).__journey)).toBe(7);
});
