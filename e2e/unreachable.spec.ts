// Journey: the dashboard is pointed at a cluster that does not answer (or a kubeconfig that does
// not exist): a clear page says so and what to check, never a stack trace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, type Launched } from '../scripts/lib/launch';
import { freePort } from '../scripts/lib/ports';
import { SESSION_COOKIE, sessionCookieFor } from './auth-helpers';
import { expect, test } from './fixtures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test.describe('cluster unreachable', () => {
  let launched: Launched | undefined;
  let dir: string;
  let server: string;
  let kubeconfig: string;
  let dataDir: string;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btd-unreachable-'));
    const closed = await freePort(); // nothing listens there once freePort returns
    server = `https://127.0.0.1:${closed}`;
    kubeconfig = path.join(dir, 'kubeconfig');
    dataDir = path.join(dir, 'data');
    fs.writeFileSync(
      kubeconfig,
      `apiVersion: v1
kind: Config
current-context: gone
clusters: [{ name: gone, cluster: { server: "${server}" } }]
contexts: [{ name: gone, context: { cluster: gone, user: u } }]
users: [{ name: u, user: { token: not-a-real-token-e2e } }]
`,
    );
    launched = await launch(
      { root, demo: false, kubeconfig, port: await freePort(), host: '127.0.0.1', dataDir, dev: false, build: 'never', demoSizing: {} },
      { output: 'buffer', log: () => {}, env: { BTD_K8S_TIMEOUT_MS: '3000' } },
    );
  });

  test.afterAll(async () => {
    await launched?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the overview explains the cluster cannot be reached and what to check', async ({ page }) => {
    // Signing in needs the cluster, which is the thing that is down: forge a valid session with
    // the dashboard's own session key instead (the page behind sign-in is what is under test).
    const url = new URL(launched!.url);
    await page.context().addCookies([{ name: SESSION_COOKIE, value: await sessionCookieFor(dataDir), domain: url.hostname, path: '/', httpOnly: true, sameSite: 'Strict' }]);
    await page.goto(launched!.url);
    const problem = page.getByTestId('cluster-problem');
    await expect(problem).toHaveAttribute('data-kind', 'unreachable');
    await expect(problem.getByRole('heading', { level: 1 })).toHaveText('The cluster cannot be reached');
    await expect(problem).toContainText('ECONNREFUSED');
    await expect(problem).toContainText(server);
    await expect(problem).toContainText(kubeconfig);
    await expect(problem).toContainText(`kubectl --kubeconfig ${kubeconfig} --context gone get nodes`);
    // The header still says where the dashboard is pointed, and that it is unreachable.
    const header = page.getByRole('banner');
    await expect(header.getByTestId('cluster-server')).toHaveText(server);
    await expect(header.getByTestId('cluster-flavor')).toHaveText('Unreachable');
    await expect(header.getByTestId('demo-badge')).toHaveCount(0);
    // Nothing internal leaks.
    const html = await page.content();
    expect(html).not.toContain('not-a-real-token-e2e');
    expect(html).not.toMatch(/at .+\.(js|ts):\d+:\d+/);
  });
});
