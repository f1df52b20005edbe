// Page weight: the JavaScript each page of the built app loads in Chromium, summed per page as
// gzip bytes (the server sends it uncompressed, `compress: false`, so gzip level 6 is computed
// here as a CDN or proxy in front would send it) and raw bytes. Deterministic for a given build,
// so each page is loaded once.
import { gzipSync } from 'node:zlib';
import type { Env } from './env';
import { makeRow, type Row } from './table';

export const PAGES = ['/', '/tokens', '/tokens/new', '/rollout', '/projected', '/issuer', '/login'];
export const TOKENS_BUDGET_KB = 220;

export async function pageWeight(env: Env, log: (s: string) => void): Promise<{ rows: Row[]; detail: unknown }> {
  const rows: Row[] = [];
  const detail: Record<string, { scripts: number; rawKB: number; gzipKB: number }> = {};
  for (const p of PAGES) {
    const page = await env.context.newPage();
    const scripts = new Map<string, Promise<Buffer | null>>();
    page.on('response', (res) => {
      if (res.request().resourceType() === 'script' && !scripts.has(res.url())) scripts.set(res.url(), res.body().catch(() => null));
    });
    await page.goto(p, { waitUntil: 'load', timeout: 30_000 });
    // Lazily loaded chunks (after hydration) count too.
    await page.waitForTimeout(1_000);
    let raw = 0;
    let gz = 0;
    for (const body of await Promise.all(scripts.values())) {
      if (!body) continue;
      raw += body.length;
      gz += gzipSync(body, { level: 6 }).length;
    }
    await page.close();
    detail[p] = { scripts: scripts.size, rawKB: raw / 1024, gzipKB: gz / 1024 };
    log(`page weight ${p}: ${scripts.size} scripts, ${(gz / 1024).toFixed(1)} KB gzip (${(raw / 1024).toFixed(1)} KB raw)`);
    rows.push(
      makeRow({
        group: 'page-weight',
        name: `${p} JS (gzip)`,
        unit: 'KB',
        samples: [gz / 1024],
        ...(p === '/tokens' ? { budget: { max: TOKENS_BUDGET_KB, on: 'max' as const, label: `≤ ${TOKENS_BUDGET_KB} KB` } } : {}),
        note: p === '/tokens' ? `${scripts.size} scripts, ${(raw / 1024).toFixed(0)} KB uncompressed` : undefined,
      }),
    );
  }
  for (const r of rows) if (r.note === undefined) delete r.note;
  return { rows, detail };
}
