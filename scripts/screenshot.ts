// `npm run screenshot`: starts the dashboard on a fresh demo cluster and saves the overview as
// docs/screenshot-overview.png (the README's picture). `--url <u> --data-dir <d>` shoots a
// running dashboard (the data dir holds the session key used to sign in).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './lib/browser';
import { launch, type Launched } from './lib/launch';
import { freePort } from './lib/ports';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, 'data-dir': { type: 'string' }, out: { type: 'string' }, path: { type: 'string' } } });
  const out = path.resolve(values.out ?? path.join(root, 'docs', 'screenshot-overview.png'));
  let launched: Launched | undefined;
  let url = values.url;
  const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : fs.mkdtempSync(path.join(os.tmpdir(), 'btd-shot-'));
  try {
    if (!url) {
      launched = await launch(
        { root, demo: true, port: await freePort(), host: '127.0.0.1', dataDir, dev: false, build: 'auto', demoSizing: {} },
        { output: 'buffer', log: (l) => console.log(l) },
      );
      url = launched.url;
    }
    const exe = chromiumPath();
    const browser = await chromium.launch({ headless: true, args: chromiumArgs(), ...(exe ? { executablePath: exe } : {}) });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
      // Sign in the way an admin does locally: the launcher's one-time link (same data dir).
      try {
        const { mintSignInLink } = await import('./lib/signin-link');
        await page.goto(await mintSignInLink(url, dataDir));
      } catch (err) {
        console.error(`(not signed in: ${(err as Error).message})`);
      }
      await page.goto(new URL(values.path ?? '/', url).toString());
      await page.getByTestId('node-table').or(page.getByTestId('cluster-problem')).waitFor();
      fs.mkdirSync(path.dirname(out), { recursive: true });
      await page.screenshot({ path: out, fullPage: true });
      console.log(`saved ${path.relative(process.cwd(), out)}`);
    } finally {
      await browser.close();
    }
  } finally {
    await launched?.stop();
    if (!values['data-dir']) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
