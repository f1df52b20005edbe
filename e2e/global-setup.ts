// Launches the dashboard on the demo cluster once for the whole e2e run and hands the details to
// the tests through environment variables (workers start after this and inherit them).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FullConfig } from '@playwright/test';
import { launch } from '../scripts/lib/launch';
import { freePort } from '../scripts/lib/ports';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  // BTD_E2E_DATA_DIR lets two e2e runs on one machine keep their demo clusters apart.
  const dataDir = process.env.BTD_E2E_DATA_DIR || path.join(root, '.data', 'e2e');
  fs.mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const launched = await launch(
    {
      root,
      demo: true,
      port,
      host: '127.0.0.1',
      dataDir,
      dev: false,
      build: 'auto',
      demoSizing: { port: 0, speed: Number(process.env.DEMO_SPEED) || 60 },
    },
    {
      output: 'buffer',
      log: (l) => console.log(`[e2e setup] ${l}`),
      // The demo clock runs 60× faster: the restart workflows poll often and hand over quickly.
      env: { BTD_WORKFLOW_POLL_MS: process.env.BTD_WORKFLOW_POLL_MS || '200', BTD_WORKFLOW_LEASE_SECONDS: process.env.BTD_WORKFLOW_LEASE_SECONDS || '5' },
    },
  );
  const demo = launched.demo!;
  Object.assign(process.env, {
    BTD_E2E_URL: launched.url,
    BTD_E2E_CONTEXT: launched.cluster.context,
    BTD_E2E_SERVER: demo.url,
    BTD_E2E_KUBECONFIG: demo.kubeconfigPath,
    BTD_E2E_ADMIN_TOKEN: demo.adminToken,
    BTD_E2E_VIEWER_TOKEN: demo.viewerToken,
    BTD_E2E_CA_PEM: demo.caPem,
    BTD_E2E_DATA_DIR: dataDir,
  });
  console.log(`[e2e setup] dashboard ${launched.url} on demo cluster ${demo.url}`);
  return async () => {
    await launched.stop();
    const logFile = path.join(root, 'test-results', 'next-server.log');
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const logs = launched.logs();
    fs.writeFileSync(logFile, logs);
    // Tokens never reach the server's log (issue 4): no JWT, no demo token.
    const leaks = [/eyJ[A-Za-z0-9_-]{8,}/.test(logs) && 'a JWT (eyJ...)', logs.includes(demo.adminToken) && 'the admin token', logs.includes(demo.viewerToken) && 'the viewer token'].filter(Boolean);
    if (leaks.length) throw new Error(`The dashboard server log holds ${leaks.join(', ')}: see ${logFile}`);
  };
}
