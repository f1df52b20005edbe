// The bench environment: a demo cluster of the requested size in its own process, the built
// dashboard started through the launcher (scripts/lib/launch.ts, BTD_DIST_DIR respected) against
// that cluster's kubeconfig, a signed-in session, and Debian's Chromium. Everything on 127.0.0.1.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { buildNeeded } from '../lib/build';
import { ensureBuild, launch, type Launched } from '../lib/launch';
import { freePort } from '../lib/ports';
import { startCluster, type BenchCluster } from './children';
import { nextPids } from './proc';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface Env {
  cluster: BenchCluster;
  dash: Launched;
  url: string;
  /** Cookie header of a signed-in admin session (for node SSE clients). */
  cookie: string;
  browser: Browser;
  context: BrowserContext;
  nextPids: number[];
  close(): Promise<void>;
}

/**
 * `next build` adds its dist folder's types to tsconfig.json's include list; put the file back as
 * it was, mtime included, so the launcher does not see a changed tsconfig and rebuild next time.
 */
export async function buildIfNeeded(log: (s: string) => void, mode: 'auto' | 'never' | 'always'): Promise<number> {
  const why = mode === 'always' ? 'rebuild requested' : buildNeeded(ROOT);
  if (!why) return 0;
  const ts = path.join(ROOT, 'tsconfig.json');
  const saved = fs.readFileSync(ts);
  const st = fs.statSync(ts);
  const t0 = Date.now();
  try {
    await ensureBuild({ root: ROOT, build: mode }, { output: 'buffer', log });
  } finally {
    if (!fs.readFileSync(ts).equals(saved)) {
      fs.writeFileSync(ts, saved);
      fs.utimesSync(ts, st.atime, st.mtime);
    }
  }
  return Date.now() - t0;
}

export async function startEnv(opts: { nodes?: number; namespaces?: number; podsPerNamespace?: number; speed?: number; tag: string; log: (s: string) => void }): Promise<Env> {
  const dataDir = path.join(ROOT, '.data', 'bench', `env-${opts.tag}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const sizing = { ...(opts.nodes !== undefined ? { nodes: opts.nodes } : {}), ...(opts.namespaces !== undefined ? { namespaces: opts.namespaces } : {}), ...(opts.podsPerNamespace !== undefined ? { podsPerNamespace: opts.podsPerNamespace } : {}) };
  opts.log(`starting a demo cluster ${JSON.stringify(sizing)}...`);
  const cluster = await startCluster({ dataDir: path.join(dataDir, 'demo'), speed: opts.speed ?? 1, ...sizing });
  opts.log(`demo cluster up in ${cluster.startMs} ms at ${cluster.url}`);
  let dash: Launched | undefined;
  let browser: Browser | undefined;
  try {
    const port = await freePort();
    dash = await launch(
      { root: ROOT, demo: false, kubeconfig: cluster.kubeconfigPath, port, host: '127.0.0.1', dataDir, dev: false, build: 'never', demoSizing: {} },
      { output: 'buffer', log: (l) => opts.log(`[launch] ${l}`), readyTimeoutMs: 120_000 },
    );
    const url = dash.url;
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 900 } });
    // tsx (esbuild keepNames) wraps the bench's in-page functions in __name(...): give pages a no-op one.
    await context.addInitScript({ content: 'globalThis.__name = globalThis.__name || ((f) => f);' });
    await signIn(context, url, cluster.adminToken);
    const cookies = await context.cookies(url);
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const pids = nextPids();
    const env: Env = {
      cluster,
      dash,
      url,
      cookie,
      browser,
      context,
      nextPids: pids,
      close: async () => {
        await browser?.close().catch(() => {});
        await dash?.stop().catch(() => {});
        await cluster.close().catch(() => {});
      },
    };
    return env;
  } catch (err) {
    await browser?.close().catch(() => {});
    await dash?.stop().catch(() => {});
    await cluster.close().catch(() => {});
    throw err;
  }
}

/** The real sign-in API (double-submit CSRF), as a user pasting the admin token would. */
async function signIn(context: BrowserContext, url: string, token: string): Promise<void> {
  const origin = new URL(url).origin;
  await context.request.get(`${origin}/login`);
  const csrf = (await context.cookies(origin)).find((c) => c.name === 'btd_csrf')?.value;
  if (!csrf) throw new Error('no CSRF cookie after GET /login');
  const res = await context.request.post(`${origin}/api/auth/login`, { headers: { origin, 'x-csrf-token': csrf }, data: { token } });
  if (res.status() !== 200) throw new Error(`sign-in failed: HTTP ${res.status()}`);
}
