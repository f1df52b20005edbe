// Journey: an admin opens /rollout, the issuer changes (through the API, as the admin), and the page
// follows the new kube-apiserver revision to every control-plane node without a reload; its texts
// are the cluster's own (read with the API and compared); the overview then counts down the
// previous issuer's trust. Independent of other specs: it waits for any earlier rollout to finish.
import https from 'node:https';
import { signInWithToken } from './auth-helpers';
import { expect, test, type DemoClusterInfo } from './fixtures';

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface Kas {
  status: {
    latestAvailableRevision: number;
    nodeStatuses: { nodeName: string; currentRevision?: number; targetRevision?: number }[];
    conditions: Cond[];
    serviceAccountIssuers?: { name: string; expirationTime?: string }[];
  };
}

const KAS_PATH = '/apis/operator.openshift.io/v1/kubeapiservers/cluster';
const AUTH_PATH = '/apis/config.openshift.io/v1/authentications/cluster';

/** A JSON merge patch as the admin, straight to the demo API server. */
function mergePatch(cluster: DemoClusterInfo, path: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = https.request(
      new URL(path, cluster.url),
      {
        method: 'PATCH',
        ca: cluster.caPem,
        headers: { Authorization: `Bearer ${cluster.adminToken}`, 'Content-Type': 'application/merge-patch+json', Accept: 'application/json' },
      },
      (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (out += d));
        res.on('end', () => ((res.statusCode ?? 0) >= 400 ? reject(new Error(`PATCH ${path}: ${res.statusCode} ${out.slice(0, 300)}`)) : resolve()));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const progressingOf = (k: Kas) => k.status.conditions.find((c) => c.type === 'NodeInstallerProgressing');
/** What the procedure's `oc get kubeapiserver -o=jsonpath=...` prints for this object. */
const jsonpathOf = (k: Kas) => {
  const p = progressingOf(k);
  return p ? `${p.reason ?? ''}\n${p.message ?? ''}\n` : '';
};
const done = (k: Kas) =>
  progressingOf(k)?.status === 'False' &&
  k.status.nodeStatuses.every((n) => (n.currentRevision ?? 0) === k.status.latestAvailableRevision && !(n.targetRevision ?? 0));

test.beforeEach(async ({ page, baseURL, demoCluster }) => {
  await signInWithToken(page, baseURL!, demoCluster.adminToken);
});

test('an issuer change rolls out live on /rollout, node by node, in the cluster’s own words; the overview counts down', async ({ page, demoCluster }, testInfo) => {
  test.setTimeout(120_000);
  // Another spec may have left a rollout running: start from a settled cluster.
  await expect.poll(async () => done(await demoCluster.api<Kas>(KAS_PATH)), { timeout: 60_000 }).toBe(true);
  const before = await demoCluster.api<Kas>(KAS_PATH);
  const oldRevision = before.status.latestAvailableRevision;
  const oldActive = before.status.serviceAccountIssuers?.find((i) => !i.expirationTime)?.name ?? 'https://kubernetes.default.svc';
  const cpNodes = before.status.nodeStatuses.map((n) => n.nodeName);
  expect(cpNodes.length).toBe(3);

  // No script errors (a hydration mismatch would be one): the clock-dependent texts render after mount.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto('/rollout');
  await expect(page.getByRole('heading', { level: 1, name: 'kube-apiserver rollout' })).toBeVisible();
  await expect(page.getByTestId('live-state')).toHaveText('live');
  await expect(page.getByTestId('rollout-summary')).toHaveText(`3 of 3 nodes at revision ${oldRevision}`);
  await expect(page.getByTestId('jsonpath-output')).toHaveText(jsonpathOf(before), { useInnerText: true });
  // Proof of no reload: a marker on window and a count of main-frame navigations.
  await page.evaluate(() => ((window as unknown as { __rolloutMarker: number }).__rolloutMarker = 42));
  let navigations = 0;
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations++;
  });

  const issuer = `https://rollout-e2e-${Date.now()}.example.com`;
  await mergePatch(demoCluster, AUTH_PATH, { spec: { serviceAccountIssuer: issuer } });

  // The new revision appears on the page, then the rollout runs with an empty reason.
  await expect.poll(async () => (await demoCluster.api<Kas>(KAS_PATH)).status.latestAvailableRevision, { timeout: 30_000 }).toBeGreaterThan(oldRevision);
  const newRevision = (await demoCluster.api<Kas>(KAS_PATH)).status.latestAvailableRevision;
  await expect(page.getByTestId('latest-revision')).toHaveText(String(newRevision), { timeout: 20_000 });
  await expect(page.getByTestId('progressing-reason-note')).toHaveText('(empty reason)', { timeout: 20_000 });

  // Mid-rollout: a node installing; keep a screenshot of the page as it looks then.
  await expect(page.locator('[data-testid="rollout-node-row"][data-phase="installing"]')).toHaveCount(1, { timeout: 20_000 });
  await page.screenshot({ path: testInfo.outputPath('rollout-mid.png'), fullPage: true });

  // While it runs the page says what the cluster says (read both, retry until they agree).
  await expect
    .poll(
      async () => {
        const truth = await demoCluster.api<Kas>(KAS_PATH);
        if (progressingOf(truth)?.status !== 'True') return 'settled';
        const shown = await page.getByTestId('jsonpath-output').innerText();
        return shown === jsonpathOf(truth) ? 'match' : `page ${JSON.stringify(shown)} vs cluster ${JSON.stringify(jsonpathOf(truth))}`;
      },
      { timeout: 20_000, intervals: [50, 100, 200] },
    )
    .toMatch(/^(match|settled)$/);

  // Every node reaches the new revision, live.
  for (const node of cpNodes) {
    const row = page.locator(`[data-testid="rollout-node-row"][data-node="${node}"]`);
    await expect(row.getByTestId('node-current')).toHaveText(String(newRevision), { timeout: 60_000 });
  }
  await expect.poll(async () => done(await demoCluster.api<Kas>(KAS_PATH)), { timeout: 30_000 }).toBe(true);
  const after = await demoCluster.api<Kas>(KAS_PATH);
  await expect(page.getByTestId('rollout-summary')).toHaveText(`3 of 3 nodes at revision ${newRevision}`);
  await expect(page.getByTestId('jsonpath-output')).toHaveText(jsonpathOf(after), { useInnerText: true });
  expect(jsonpathOf(after)).toBe(`AllNodesAtLatestRevision\n3 nodes are at revision ${newRevision}\n`);
  for (const c of after.status.conditions.filter((x) => ['NodeInstallerProgressing', 'StaticPodsAvailable', 'NodeInstallerDegraded'].includes(x.type))) {
    const row = page.locator(`[data-testid="condition-row"][data-type="${c.type}"]`);
    await expect(row.getByTestId('condition-status')).toHaveText(c.status);
    await expect(row.getByTestId('condition-reason')).toHaveText(c.reason || '(empty reason)');
    await expect(row.getByTestId('condition-message')).toHaveText(c.message ?? '');
  }
  await expect(page.getByTestId('progressing-reason-note')).toHaveText('reason');
  await expect(page.getByTestId('live-state')).toHaveText('live');

  // The done banner: the previous issuer's trust, counting down, and the way to the restart workflows.
  const banner = page.getByTestId('complete-banner');
  await expect(banner).toContainText(`Every control-plane node runs revision ${newRevision}`);
  await expect(banner.getByTestId('previous-issuer-trust')).toContainText(oldActive);
  // Less than 24 h left: measured on the cluster's clock (the demo's runs 60× faster), not the browser's.
  await expect(banner.getByTestId('trust-countdown')).toHaveText(/^(?:1?\d|2[0-3])h \d\dm \d\ds$/);
  await expect(banner.getByTestId('restart-link')).toHaveText('Restart workflows');
  await expect(banner.getByRole('link', { name: 'Restart workflows' })).toHaveAttribute('href', '/restart');
  // The chart drew a segment of the new revision for every node.
  for (const node of cpNodes) {
    await expect(page.locator(`[data-testid="chart-lane"][data-node="${node}"] [data-testid="chart-segment"][data-revision="${newRevision}"]`)).toHaveCount(1);
  }

  await page.screenshot({ path: testInfo.outputPath('rollout-done.png'), fullPage: true });

  // All of it without reloading the page, and without a script error.
  expect(errors).toEqual([]);
  expect(navigations).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __rolloutMarker?: number }).__rolloutMarker)).toBe(42);

  // The overview: the new active issuer and the previous one's countdown.
  const prev = after.status.serviceAccountIssuers?.find((i) => i.name === oldActive && i.expirationTime);
  expect(prev).toBeTruthy();
  await page.goto('/');
  await expect(page.getByTestId('overview-active-issuer')).toHaveText(issuer);
  const trusted = page.getByTestId('overview-trusted-issuer').filter({ hasText: oldActive });
  await expect(trusted.getByTestId('trust-countdown')).toHaveAttribute('data-until', prev!.expirationTime!);
  await expect(trusted.getByTestId('trust-countdown')).toContainText(/^(?:1?\d|2[0-3])h \d\dm \d\ds left/);
  await expect(page.getByTestId('overview-rollout-summary')).toHaveText(`3 of 3 nodes at revision ${newRevision}`);
  await page.screenshot({ path: testInfo.outputPath('overview.png'), fullPage: true });
});

test('/rollout is behind sign-in and its stream refuses cross-site requests', async ({ browser, baseURL }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${baseURL}/rollout`);
  await expect(page).toHaveURL(/\/login\?next=%2Frollout/);
  const res = await ctx.request.get(`${baseURL}/api/rollout/events`);
  expect(res.status()).toBe(401);
  await ctx.close();
});

test('the events stream rejects a foreign Origin even with a session', async ({ page, baseURL }) => {
  const res = await page.context().request.get(`${baseURL}/api/rollout/events`, { headers: { origin: 'https://evil.example' } });
  expect(res.status()).toBe(403);
  const poll = await page.context().request.get(`${baseURL}/api/rollout`);
  expect(poll.status()).toBe(200);
  const body = (await poll.json()) as { items: { key: string; object: { summary: string } }[] };
  expect(body.items.map((i) => i.key)).toEqual(['cluster']);
  expect(body.items[0]!.object.summary).toMatch(/^\d of 3 nodes at revision \d+$/);
});

test('a cluster outage is never shown as live: reconnecting, then "stale since", then live again', async ({ page, demoCluster }) => {
  test.setTimeout(120_000);
  await page.goto('/rollout');
  await expect(page.getByTestId('live-state')).toHaveText('live');
  await expect(page.getByTestId('rollout-data')).toHaveAttribute('data-fresh', 'true');
  // The demo cluster's fault endpoint: the operator API answers 503, and open watches are cut.
  const fault = await demoRequest<{ id: string }>(demoCluster, 'POST', '/demo/v1/faults', { type: 'fail', code: 503, count: 100_000, pathPrefix: '/apis/operator.openshift.io' });
  try {
    await demoRequest(demoCluster, 'POST', '/demo/v1/faults', { type: 'drop-watches' });
    await expect(page.getByTestId('live-state')).toHaveText(/^(reconnecting|stale since \d\d:\d\d:\d\d)$/, { timeout: 15_000 });
    await expect(page.getByTestId('rollout-data')).toHaveAttribute('data-fresh', 'false');
    await expect(page.getByTestId('live-state')).toHaveText(/^stale since \d\d:\d\d:\d\d$/, { timeout: 30_000 });
    await expect(page.getByTestId('live-status')).toContainText('the data below is not current');
  } finally {
    await demoRequest(demoCluster, 'DELETE', `/demo/v1/faults?id=${encodeURIComponent(fault.id)}`);
  }
  await expect(page.getByTestId('live-state')).toHaveText('live', { timeout: 45_000 });
  await expect(page.getByTestId('rollout-data')).toHaveAttribute('data-fresh', 'true');
});

test('repeated installer failures: the stuck hint says what to check, in the cluster’s words; recovery clears it', async ({ page, demoCluster }) => {
  test.setTimeout(120_000);
  await expect.poll(async () => done(await demoCluster.api<Kas>(KAS_PATH)), { timeout: 60_000 }).toBe(true);
  await page.goto('/rollout');
  await expect(page.getByTestId('live-state')).toHaveText('live');
  await expect(page.getByTestId('stuck-hint')).toHaveCount(0);
  const message = `e2e: cannot write the static pod manifest ${Date.now()}`;
  await demoRequest(demoCluster, 'POST', '/demo/v1/faults', { type: 'revision-fail', node: 'cp-1', message });
  try {
    await mergePatch(demoCluster, AUTH_PATH, { spec: { serviceAccountIssuer: `https://stuck-e2e-${Date.now()}.example.com` } });
    const hint = page.getByTestId('stuck-hint');
    await expect(hint).toContainText(/cp-1 failed revision \d+ \d+ times \(InstallerFailed\)\./, { timeout: 60_000 });
    for (const check of ['oc get pods -n openshift-kube-apiserver', 'oc describe kubeapiserver cluster', 'oc logs -n openshift-kube-apiserver installer-']) {
      await expect(hint).toContainText(check);
    }
    // The NodeInstallerDegraded message and the node's errors, exactly as the cluster has them.
    await expect
      .poll(async () => {
        const truth = await demoCluster.api<Kas>(KAS_PATH);
        const d = truth.status.conditions.find((c) => c.type === 'NodeInstallerDegraded');
        const shown = await hint.getByTestId('degraded-message').innerText().catch(() => '');
        return d?.status === 'True' && shown === d.message ? 'match' : `page ${JSON.stringify(shown)} vs cluster ${JSON.stringify(d)}`;
      }, { timeout: 20_000 })
      .toBe('match');
    const row = page.locator('[data-testid="rollout-node-row"][data-node="cp-1"]');
    await expect(row.getByTestId('node-last-failure')).toContainText(`installer: ${message}`);
    await expect(row.getByTestId('node-last-failure')).toContainText('InstallerFailed');
    await page.screenshot({ path: test.info().outputPath('rollout-stuck.png'), fullPage: true });
  } finally {
    await demoRequest(demoCluster, 'POST', '/demo/v1/faults', { type: 'revision-recover', node: 'cp-1' });
  }
  await expect.poll(async () => done(await demoCluster.api<Kas>(KAS_PATH)), { timeout: 60_000 }).toBe(true);
  await expect(page.getByTestId('complete-banner')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('stuck-hint')).toHaveCount(0);
  await expect(page.locator('[data-testid="rollout-node-row"][data-node="cp-1"]').getByTestId('node-last-failure')).toContainText('(resolved)');
});

test('a user who may list but not watch the KubeAPIServer gets the page by polling, labelled so', async ({ browser, baseURL, demoCluster }) => {
  test.setTimeout(90_000);
  // A service account allowed get+list (no watch) on kubeapiservers, signed in with a bound token.
  const ns = 'default';
  const name = `rollout-lister-${Date.now()}`;
  await demoRequest(demoCluster, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  await demoRequest(demoCluster, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules: [
      { apiGroups: ['operator.openshift.io'], resources: ['kubeapiservers'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] },
    ],
  });
  await demoRequest(demoCluster, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
  });
  const tr = await demoRequest<{ status: { token: string } }>(demoCluster, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 3600 },
  });
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await signInWithToken(page, baseURL!, tr.status.token);
    await page.goto('/rollout');
    await expect(page.getByTestId('live-state')).toHaveText('polling', { timeout: 20_000 });
    await expect(page.getByTestId('live-status')).toContainText('You may list but not watch this resource: refreshed every 2 s');
    await expect(page.getByTestId('rollout-data')).toHaveAttribute('data-fresh', 'true');
    const truth = await demoCluster.api<Kas>(KAS_PATH);
    await expect(page.getByTestId('latest-revision')).toHaveText(String(truth.status.latestAvailableRevision));
  } finally {
    await ctx.close();
    await demoRequest(demoCluster, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}`).catch(() => undefined);
    await demoRequest(demoCluster, 'DELETE', `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`).catch(() => undefined);
    await demoRequest(demoCluster, 'DELETE', `/api/v1/namespaces/${ns}/serviceaccounts/${name}`).catch(() => undefined);
  }
});

/** A request as the admin to the demo cluster (the fault endpoint). */
function demoRequest<T = unknown>(cluster: DemoClusterInfo, method: string, path: string, body?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, cluster.url),
      { method, ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.adminToken}`, 'Content-Type': 'application/json', Accept: 'application/json' } },
      (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (out += d));
        res.on('end', () => ((res.statusCode ?? 0) >= 400 ? reject(new Error(`${method} ${path}: ${res.statusCode} ${out.slice(0, 300)}`)) : resolve(JSON.parse(out || '{}') as T)));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
