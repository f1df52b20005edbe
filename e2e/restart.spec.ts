// Journey: the restart workflows from the browser. A safe restart of all pods (limited to a
// namespace the test creates with a 3-replica Deployment) runs from plan to done with live progress
// while the Deployment never drops below one ready replica (watched through the API); a rolling
// restart of all six nodes runs from plan to done, node by node, and a second start meanwhile is
// refused; the viewer sees the plans but no enabled start; a CSRF-less POST is refused. The demo
// cluster is shared: every test waits for any workflow to finish and removes what it created.
import https from 'node:https';
import type { Page } from '@playwright/test';
import { signInContext, signInWithToken } from './auth-helpers';
import { expect, test, type DemoClusterInfo } from './fixtures';

interface Cond {
  type: string;
  status: string;
}
interface Kas {
  status: { latestAvailableRevision: number; nodeStatuses: { currentRevision?: number; targetRevision?: number }[]; conditions: Cond[] };
}
interface Deployment {
  metadata: { annotations?: Record<string, string> };
  spec: { template: { metadata?: { annotations?: Record<string, string> } } };
  status?: { readyReplicas?: number; availableReplicas?: number; updatedReplicas?: number; replicas?: number };
}
interface NodeObj {
  metadata: { name: string };
  spec?: { unschedulable?: boolean };
  status?: { nodeInfo?: { bootID?: string }; conditions?: Cond[] };
}
interface WorkflowStateBody {
  state: { id: string; status: string } | null;
}

const KAS_PATH = '/apis/operator.openshift.io/v1/kubeapiservers/cluster';

/** A request as the admin straight to the demo API server. */
function send(cluster: DemoClusterInfo, method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, cluster.url),
      { method, ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.adminToken}`, 'Content-Type': 'application/json', Accept: 'application/json' } },
      (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (out += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: out }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const rolloutSettled = (k: Kas) =>
  k.status.conditions.find((c) => c.type === 'NodeInstallerProgressing')?.status === 'False' &&
  k.status.nodeStatuses.every((n) => (n.currentRevision ?? 0) === k.status.latestAvailableRevision && !(n.targetRevision ?? 0));

/** No workflow running or paused (another test's may still be finishing), and no rollout in progress. */
async function waitIdle(page: Page, cluster: DemoClusterInfo): Promise<void> {
  await expect
    .poll(
      async () => {
        const r = await page.request.get('/api/restart/current');
        const s = ((await r.json()) as WorkflowStateBody).state;
        return s === null || (s.status !== 'running' && s.status !== 'paused');
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe(true);
  await expect.poll(async () => rolloutSettled(await cluster.api<Kas>(KAS_PATH)), { timeout: 60_000 }).toBe(true);
  // Other specs change the issuer: the operator's last installer pod may still be finishing, and the
  // drain would refuse it (no controller). An admin waits for a clean preflight too.
  await expect
    .poll(
      async () => {
        const r = await page.request.get('/api/restart/plan?kind=rolling-node-restart');
        const body = (await r.json()) as { preflight?: { findings?: { id: string; blocks: boolean }[] } };
        return (body.preflight?.findings ?? []).filter((f) => f.blocks).map((f) => f.id);
      },
      { timeout: 60_000, intervals: [500] },
    )
    .toEqual([]);
}

test.beforeEach(async ({ page, baseURL, demoCluster }) => {
  await signInWithToken(page, baseURL!, demoCluster.adminToken);
});

test('a safe restart of all pods runs from plan to done with live progress, and the Deployment keeps a ready replica throughout', async ({ page, demoCluster }, testInfo) => {
  test.setTimeout(120_000);
  await waitIdle(page, demoCluster);
  const ns = `e2e-restart-${Date.now().toString(36)}`;
  expect((await send(demoCluster, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status).toBe(201);
  try {
    // What the service account controller does in a real cluster: the pods need their `default` service account.
    expect([201, 409]).toContain((await send(demoCluster, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } })).status);
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1' }] } },
      },
    };
    expect((await send(demoCluster, 'POST', `/apis/apps/v1/namespaces/${ns}/deployments`, dep)).status).toBe(201);
    const DEP = `/apis/apps/v1/namespaces/${ns}/deployments/web`;
    await expect.poll(async () => (await demoCluster.api<Deployment>(DEP)).status?.readyReplicas ?? 0, { timeout: 30_000 }).toBe(3);

    await page.goto('/restart/pods');
    await expect(page.getByRole('heading', { level: 1, name: 'Restart all pods' })).toBeVisible();
    // The safe mode is the default; the procedure's way is offered with its WARNING verbatim.
    await expect(page.getByTestId('mode-safe')).toBeChecked();
    await expect(page.getByTestId('plan-warnings')).toContainText('Be aware that running this command causes a service interruption, because it deletes every running pod in every namespace.');
    await page.getByTestId('opt-include').fill(ns);
    await page.getByTestId('opt-include').press('Enter');
    await expect(page.getByTestId('impact-namespace')).toHaveCount(1, { timeout: 15_000 });
    await expect(page.getByTestId('plan-state')).toHaveAttribute('data-current', 'true');
    const row = page.locator(`[data-testid="impact-namespace"][data-namespace="${ns}"]`);
    await expect(row).toContainText('1 workload');
    // The equivalent command of the one step.
    await expect(page.getByTestId('step-command')).toHaveText(`$ oc rollout restart deployment/web -n ${ns}`);
    await expect(page.getByTestId('confirm-phrase')).toHaveText('restart 1 workloads');
    await page.screenshot({ path: testInfo.outputPath('restart-pods-plan.png'), fullPage: true });
    await expect(page.getByTestId('start-button')).toBeDisabled();
    await page.locator('#confirm-phrase').fill('restart 1 workloads');

    // Watch the Deployment through the API for as long as the workflow runs.
    let minReady = Infinity;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const d = await demoCluster.api<Deployment>(DEP);
        minReady = Math.min(minReady, d.status?.readyReplicas ?? 0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const before = await demoCluster.api<Deployment>(DEP);
    await page.getByTestId('start-button').click();
    await expect(page).toHaveURL(/\/restart\/run\/pods-/, { timeout: 15_000 });
    await expect(page.getByTestId('run')).toBeVisible();
    // Progress is visible while it runs, and the page says it is live.
    const run = page.getByTestId('run');
    const sawRunning = await page
      .getByTestId('run-status')
      .getAttribute('data-status')
      .then((s) => s === 'running' || s === 'succeeded');
    expect(sawRunning).toBe(true);
    if ((await run.getAttribute('data-status')) === 'running') {
      await expect(page.getByTestId('live-state')).toHaveText(/live|succeeded|Finished/);
      await page.screenshot({ path: testInfo.outputPath('restart-pods-mid.png'), fullPage: true });
    }
    await expect(run).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
    watching = false;
    await watcher;
    await expect(page.locator(`[data-testid="run-group"][data-group="${ns}"]`)).toHaveAttribute('data-status', 'done');
    await expect(page.getByTestId('run-counts')).toHaveText('1 of 1 steps done');

    // The cluster agrees: the Deployment was rollout-restarted, is whole again, and never had zero ready replicas.
    const after = await demoCluster.api<Deployment>(DEP);
    const stamp = after.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    expect(stamp).toBeTruthy();
    expect(stamp).not.toBe(before.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']);
    expect(after.status?.updatedReplicas).toBe(3);
    expect(after.status?.readyReplicas).toBe(3);
    expect(minReady).toBeGreaterThanOrEqual(1);

    // The history lists it, by whom.
    const id = (await run.getAttribute('data-id'))!;
    await page.goto('/restart/history');
    await expect(page.locator(`[data-testid="history-row"][data-id="${id}"]`)).toContainText('system:admin');
  } finally {
    await send(demoCluster, 'DELETE', `/api/v1/namespaces/${ns}`);
  }
});

test('a rolling restart of all six nodes runs from plan to done node by node; a second start meanwhile is refused', async ({ page, context, demoCluster }, testInfo) => {
  test.setTimeout(150_000);
  await waitIdle(page, demoCluster);
  const nodesBefore = await demoCluster.api<{ items: NodeObj[] }>('/api/v1/nodes');
  expect(nodesBefore.items).toHaveLength(6);
  const boot = new Map(nodesBefore.items.map((n) => [n.metadata.name, n.status?.nodeInfo?.bootID]));

  await page.goto('/restart/nodes');
  await expect(page.getByRole('heading', { level: 1, name: 'Rolling node restart' })).toBeVisible();
  await expect(page.getByTestId('procedure-warning-text')).toHaveText(
    'It is not recommended to perform a rolling node restart if you have custom workloads running on your cluster, because it can cause a service interruption. Instead, manually restart all pods in the cluster.',
  );
  await expect(page.getByTestId('impact-node')).toHaveCount(6);
  // Workers first, control plane last.
  const roles = await page.getByTestId('impact-node').locator('td:nth-child(3)').allInnerTexts();
  expect(roles).toEqual(['worker', 'worker', 'worker', 'control-plane', 'control-plane', 'control-plane']);
  // Short timeouts for the fast demo clock.
  for (const [id, v] of [['#opt-drain-timeout', '60'], ['#opt-ready-timeout', '60'], ['#opt-ds-timeout', '60'], ['#opt-eviction-retry', '0.5']] as const) await page.locator(id).fill(v);
  await expect(page.getByTestId('plan-state')).toHaveAttribute('data-current', 'true', { timeout: 15_000 });
  await expect(page.getByTestId('plan-step')).toHaveCount(36);
  await expect(page.getByTestId('step-command').first()).toHaveText(/^\$ oc adm cordon /);
  await expect(page.locator('[data-testid="step-command"]', { hasText: 'chroot /host shutdown -r +1' })).toHaveCount(6);
  await expect(page.getByTestId('preflight')).toHaveAttribute('data-blocked', 'false');
  await expect(page.getByTestId('confirm-phrase')).toHaveText('restart 6 nodes');
  await page.screenshot({ path: testInfo.outputPath('restart-nodes-plan.png'), fullPage: true });
  await page.locator('#confirm-phrase').fill('restart 6 nodes');
  await page.getByTestId('start-button').click();
  await expect(page).toHaveURL(/\/restart\/run\/nodes-/, { timeout: 15_000 });
  const run = page.getByTestId('run');
  await expect(run).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('live-state')).toHaveText('live');

  // Node by node, live: the first node's group runs, then is done while later ones wait.
  const groups = page.getByTestId('run-group');
  await expect(groups).toHaveCount(6);
  await expect(groups.first()).toHaveAttribute('data-status', /running|done/);
  await expect(page.locator('[data-testid="run-step"][data-status="running"]')).toHaveCount(1, { timeout: 10_000 });
  await page.screenshot({ path: testInfo.outputPath('restart-nodes-mid.png'), fullPage: true });

  // A second workflow meanwhile is refused, from the browser, with the reason.
  const other = await context.newPage();
  await other.goto('/restart/pods');
  await expect(other.getByTestId('running-note')).toBeVisible();
  const phrase = (await other.getByTestId('confirm-phrase').innerText()).trim();
  await other.locator('#confirm-phrase').fill(phrase);
  await other.getByTestId('start-button').click();
  await expect(other.getByTestId('start-error')).toHaveAttribute('data-busy', 'true');
  await expect(other.getByTestId('start-error')).toContainText('only one runs at a time');
  // The overview has a one-line card leading to the running workflow.
  await other.goto('/');
  await expect(other.getByTestId('overview-workflow')).toContainText('Rolling node restart started by system:admin');
  await other.getByTestId('overview-workflow').getByRole('link', { name: 'Follow it' }).click();
  await expect(other).toHaveURL(page.url());
  await other.close();

  // Pause takes effect after the step in flight; nothing runs while paused; resume carries on.
  await page.getByTestId('pause-button').click();
  await expect(run).toHaveAttribute('data-status', 'paused', { timeout: 30_000 });
  await expect(page.locator('[data-testid="run-step"][data-status="running"]')).toHaveCount(0);
  const pausedAt = await page.getByTestId('run-counts').innerText();
  await page.waitForTimeout(1_000);
  await expect(page.getByTestId('run-counts')).toHaveText(pausedAt);
  await page.getByTestId('resume-button').click();
  await expect(run).toHaveAttribute('data-status', 'running', { timeout: 10_000 });
  await expect(page.getByTestId('run-log')).toContainText('system:admin');

  await expect(groups.nth(1)).toHaveAttribute('data-status', /running|done/, { timeout: 60_000 });
  await expect(run).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
  await expect(page.getByTestId('run-counts')).toHaveText('36 of 36 steps done');
  await page.screenshot({ path: testInfo.outputPath('restart-nodes-done.png'), fullPage: true });
  for (let i = 0; i < 6; i++) await expect(groups.nth(i)).toHaveAttribute('data-status', 'done');
  await page.goto('/restart');
  await expect(page.getByTestId('last-workflow')).toContainText('succeeded');
  await page.screenshot({ path: testInfo.outputPath('restart-index.png'), fullPage: true });

  // The cluster agrees: every node rebooted (new bootID), is Ready and schedulable again.
  const after = await demoCluster.api<{ items: NodeObj[] }>('/api/v1/nodes');
  for (const n of after.items) {
    expect(n.status?.nodeInfo?.bootID, n.metadata.name).not.toBe(boot.get(n.metadata.name));
    expect(n.spec?.unschedulable ?? false, n.metadata.name).toBe(false);
    expect(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, n.metadata.name).toBe('True');
  }
});

test('the viewer sees the plans but the start is disabled, with the verbs the cluster refused', async ({ browser, baseURL, demoCluster }) => {
  const ctx = await browser.newContext();
  try {
    await signInContext(ctx, baseURL!, demoCluster.viewerToken);
    const page = await ctx.newPage();
    await page.goto(`${baseURL}/restart/nodes`);
    await expect(page.getByTestId('impact-node')).toHaveCount(6);
    await expect(page.getByTestId('start-button')).toBeDisabled();
    await expect(page.locator('#confirm-phrase')).toBeDisabled();
    await expect(page.getByTestId('missing-verbs')).toContainText('patch nodes');
    await expect(page.getByTestId('missing-verbs')).toContainText('create pods/eviction');
    await page.goto(`${baseURL}/restart/pods`);
    await expect(page.getByTestId('start-button')).toBeDisabled();
    await expect(page.getByTestId('access-denied')).toContainText('You (viewer) may read this plan but not run it');
  } finally {
    await ctx.close();
  }
});

test('the start and control routes refuse a POST without the CSRF token', async ({ page, baseURL }) => {
  await page.goto('/restart');
  const origin = new URL(baseURL!).origin;
  const before = ((await (await page.request.get('/api/restart/current')).json()) as WorkflowStateBody).state?.id ?? null;
  const r = await page.request.post('/api/restart/start', { headers: { origin }, data: { kind: 'restart-all-pods', options: {}, confirmation: 'x' } });
  expect(r.status()).toBe(403);
  expect(((await r.json()) as { error: string }).error).toBe('csrf');
  const a = await page.request.post('/api/restart/control/abort', { headers: { origin }, data: {} });
  expect(a.status()).toBe(403);
  expect(((await a.json()) as { error: string }).error).toBe('csrf');
  // Nothing started.
  const now = ((await (await page.request.get('/api/restart/current')).json()) as WorkflowStateBody).state?.id ?? null;
  expect(now).toBe(before);
});
