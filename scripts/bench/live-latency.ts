// Live latency: a change in the cluster (the NodeInstallerDegraded condition message of
// kubeapiservers/cluster, which /rollout streams through lib/live) until the browser shows it, over
// N changes, with 1 subscriber (the browser) and with 100 (the browser + 99 SSE clients in a child
// process), beside `kubectl get -w` on the same cluster in the same run. Budget: the page's p95 ≤
// 1.2 × kubectl's p95 of the same configuration.
import type { Page } from '@playwright/test';
import { startSseClients, type SseClients } from './children';
import type { Env } from './env';
import { degradedIndex, KubectlWatch, wallNow, writeMarker } from './kube';
import { makeRow, missingRow, summarize, type Row } from './table';

export const LIVE_RATIO = 1.2;
const CONDITION_ROW = '[data-testid="condition-row"][data-type="NodeInstallerDegraded"] [data-testid="condition-message"]';

/** Opens /rollout and records, in the page, when each new condition message first appears (wall ms). */
export async function openRolloutWatcher(env: Env): Promise<Page> {
  const page = await env.context.newPage();
  await page.goto('/rollout', { waitUntil: 'load', timeout: 60_000 });
  await page.getByTestId('live-state').filter({ hasText: 'live' }).waitFor({ timeout: 30_000 });
  await page.evaluate((sel: string) => {
    const w = window as unknown as { __seen: Record<string, number> };
    w.__seen = {};
    const check = () => {
      const t = document.querySelector(sel)?.textContent ?? '';
      if (t && !(t in w.__seen)) w.__seen[t] = performance.timeOrigin + performance.now();
    };
    new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
  }, CONDITION_ROW);
  return page;
}

export interface ChangeRun {
  page: number[];
  kubectl: number[];
  extra: number[];
  missedPage: number;
  missedKubectl: number;
  missedExtra: number;
}

/** Makes `count` changes one after the other; each waits (bounded) until the page and kubectl saw it. */
export async function runChanges(env: Env, page: Page | null, kubectl: KubectlWatch | null, extra: SseClients | null, extraCount: number, count: number, tag: string, deadline: number): Promise<ChangeRun> {
  const idx = await degradedIndex(env.cluster);
  const out: ChangeRun = { page: [], kubectl: [], extra: [], missedPage: 0, missedKubectl: 0, missedExtra: 0 };
  for (let i = 0; i < count && Date.now() < deadline; i++) {
    const marker = `bench-${tag}-${i}-${Math.random().toString(36).slice(2, 8)}`;
    if (extra) await extra.expect(marker);
    const t0 = wallNow();
    await writeMarker(env.cluster, idx, marker);
    const waitEnd = Date.now() + 5_000;
    let tPage: number | undefined;
    while (Date.now() < waitEnd) {
      if (page && tPage === undefined) tPage = await page.evaluate((m: string) => (window as unknown as { __seen: Record<string, number> }).__seen[m], marker);
      const pageDone = !page || tPage !== undefined;
      const kDone = !kubectl || kubectl.lines.has(marker);
      if (pageDone && kDone) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    if (page) tPage !== undefined ? out.page.push(tPage - t0) : out.missedPage++;
    if (kubectl) {
      const tk = kubectl.lines.get(marker);
      tk !== undefined ? out.kubectl.push(tk - t0) : out.missedKubectl++;
    }
    if (extra) {
      // Give the SSE clients the same bounded wait.
      const end = Date.now() + 2_000;
      let got = await extra.collect(marker);
      while (got.times.length < extraCount && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 20));
        got = await extra.collect(marker);
      }
      await extra.forget(marker);
      for (const t of got.times) out.extra.push(t - t0);
      out.missedExtra += Math.max(0, extraCount - got.times.length);
    }
    // A little jitter so changes do not fall into step with timers (pings, resyncs).
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
  }
  return out;
}

export async function liveLatency(env: Env, opts: { changes: number; subscribers: number[]; deadlineMs: number }, log: (s: string) => void): Promise<{ rows: Row[]; detail: unknown }> {
  const rows: Row[] = [];
  const detail: Record<string, unknown> = {};
  const kubectl = new KubectlWatch(env.cluster.kubeconfigPath);
  const page = await openRolloutWatcher(env);
  let extra: SseClients | null = null;
  try {
    await kubectl.ready();
    for (const subs of opts.subscribers) {
      const deadline = Date.now() + opts.deadlineMs;
      if (subs > 1) {
        extra ??= await startSseClients();
        const o = await extra.open(`${env.url}/api/rollout/events`, env.cookie, subs - 1);
        log(`live: ${o.connected} extra SSE clients connected in ${Math.round(o.ms)} ms (${o.failed} failed)`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
      // A few unmeasured changes first: JIT, connection pools.
      await runChanges(env, page, kubectl, null, 0, 3, `warm${subs}`, deadline);
      const run = await runChanges(env, page, kubectl, subs > 1 ? extra : null, subs - 1, opts.changes, `s${subs}`, deadline);
      const k = summarize(run.kubectl);
      const budgetMax = k ? LIVE_RATIO * k.p95 : NaN;
      const pSum = summarize(run.page);
      log(`live ${subs} subscriber(s): page p50 ${pSum?.median.toFixed(1)} p95 ${pSum?.p95.toFixed(1)} ms; kubectl p50 ${k?.median.toFixed(1)} p95 ${k?.p95.toFixed(1)} ms`);
      const missed = [run.missedPage && `${run.missedPage} changes never shown in the page within 5 s`, run.missedKubectl && `${run.missedKubectl} never printed by kubectl`].filter(Boolean).join('; ');
      rows.push(
        makeRow({
          group: 'live',
          name: `change → /rollout shows it, ${subs} subscriber${subs > 1 ? 's' : ''}`,
          unit: 'ms',
          samples: run.page,
          budget: { max: budgetMax, on: 'p95', label: `p95 ≤ ${LIVE_RATIO} × kubectl (${budgetMax.toFixed(1)} ms)` },
          ...(pSum && k ? { note: `ratio p95 ${(pSum.p95 / k.p95).toFixed(2)} × kubectl, p50 ${(pSum.median / k.median).toFixed(2)} ×${missed ? `; ${missed}` : ''}` } : missed ? { note: missed } : {}),
          ...(run.missedPage ? { verdict: 'FAIL' as const } : {}),
        }),
        makeRow({ group: 'live', name: `change → kubectl get -w prints it (${subs} subscriber${subs > 1 ? 's' : ''})`, unit: 'ms', samples: run.kubectl }),
      );
      if (subs > 1) {
        rows.push(
          makeRow({
            group: 'live',
            name: `change → each of ${subs - 1} node SSE clients`,
            unit: 'ms',
            samples: run.extra,
            ...(run.missedExtra ? { note: `${run.missedExtra} deliveries missing` } : {}),
          }),
        );
      }
      detail[`subscribers${subs}`] = { page: summarize(run.page), kubectl: k, extra: summarize(run.extra), missedPage: run.missedPage, missedKubectl: run.missedKubectl, missedExtra: run.missedExtra };
    }
  } catch (err) {
    rows.push(missingRow('live', 'change → /rollout shows it', 'ms', `failed: ${(err as Error).message.split('\n')[0]}`));
  } finally {
    kubectl.stop();
    await page.close().catch(() => {});
    await extra?.closeAll().catch(() => {});
    await extra?.stop().catch(() => {});
  }
  return { rows, detail };
}
