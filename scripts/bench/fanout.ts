// Fan-out: N SSE subscribers of /api/rollout/events (node clients in a child process): the Next
// server's extra memory (RSS) and CPU (utime+stime from /proc) to hold them idle and to deliver
// changes to all of them, and the upstream watches on the demo cluster, which must stay one per
// resource however many browsers subscribe.
import { startSseClients } from './children';
import type { Env } from './env';
import { runChanges } from './live-latency';
import { nextPids, sumCpuMs, sumRss } from './proc';
import { makeRow, missingRow, type Row } from './table';

const MB = 1024 * 1024;

export async function fanout(env: Env, opts: { clients: number; changes: number; deadlineMs: number }, log: (s: string) => void): Promise<{ rows: Row[]; detail: unknown }> {
  const deadline = Date.now() + opts.deadlineMs;
  const pids = nextPids();
  if (!pids.length) return { rows: [missingRow('fanout', 'Next server', '-', 'could not find the Next process under the bench')], detail: {} };
  const clients = await startSseClients();
  try {
    // Settle: whatever earlier measurements left behind.
    await new Promise((r) => setTimeout(r, 1_500));
    // Upstream watches, sampled at every step: a second watch for the same resource at any moment counts.
    const watchSamples: Record<string, number>[] = [];
    const sampleWatches = async () => watchSamples.push((await env.cluster.stats()).watchesByResource);
    await sampleWatches();
    const rss0 = sumRss(pids);
    const cpu0 = sumCpuMs(pids);
    const t0 = Date.now();
    const o = await clients.open(`${env.url}/api/rollout/events`, env.cookie, opts.clients);
    log(`fan-out: ${o.connected}/${opts.clients} SSE clients connected in ${Math.round(o.ms)} ms (${o.failed} failed)`);
    const cpuConnect = sumCpuMs(pids) - cpu0;
    await sampleWatches();
    // Idle: the streams' keep-alive pings only.
    const idleMs = 5_000;
    await new Promise((r) => setTimeout(r, 2_000));
    const cpuIdle0 = sumCpuMs(pids);
    await new Promise((r) => setTimeout(r, idleMs));
    const cpuIdle = sumCpuMs(pids) - cpuIdle0;
    const rss1 = sumRss(pids);
    await sampleWatches();
    // Changes delivered to every client.
    const cpuC0 = sumCpuMs(pids);
    const tc0 = Date.now();
    const run = await runChanges(env, null, null, clients, opts.clients, opts.changes, 'fan', deadline);
    const changeWall = Date.now() - tc0;
    const cpuChanges = sumCpuMs(pids) - cpuC0;
    const rss2 = sumRss(pids);
    await sampleWatches();
    const stats2 = await env.cluster.stats();
    const maxWatches = Math.max(0, ...watchSamples.flatMap((w) => Object.values(w)));
    log(`fan-out: +${((rss1 - rss0) / MB).toFixed(1)} MB RSS, connect ${cpuConnect} ms CPU, idle ${cpuIdle} ms CPU/${idleMs} ms, changes ${cpuChanges} ms CPU for ${opts.changes}; watches ${JSON.stringify(stats2.watchesByResource)}`);
    const n = opts.clients;
    const rows: Row[] = [
      makeRow({ group: 'fanout', name: `${n} SSE clients connected`, unit: 'clients', samples: [o.connected], budget: { max: Infinity, on: 'max', label: `= ${n}` }, verdict: o.connected === n ? 'PASS' : 'FAIL' }),
      makeRow({ group: 'fanout', name: `Next RSS, extra with ${n} clients`, unit: 'MB', samples: [(rss1 - rss0) / MB], note: `before ${(rss0 / MB).toFixed(0)} MB, with clients ${(rss1 / MB).toFixed(0)} MB, after changes ${(rss2 / MB).toFixed(0)} MB` }),
      makeRow({ group: 'fanout', name: `Next CPU to accept ${n} clients`, unit: 'ms', samples: [cpuConnect], note: `over ${Math.round(Date.now() - t0)} ms wall` }),
      makeRow({ group: 'fanout', name: `Next CPU idle with ${n} clients`, unit: '% of a core', samples: [(cpuIdle / idleMs) * 100] }),
      makeRow({ group: 'fanout', name: `Next CPU per change to ${n} clients`, unit: 'ms', samples: [run.extra.length || run.missedExtra ? cpuChanges / Math.max(1, opts.changes) : NaN], note: `${cpuChanges} ms over ${opts.changes} changes in ${changeWall} ms wall` }),
      makeRow({ group: 'fanout', name: `change → each of ${n} clients`, unit: 'ms', samples: run.extra, ...(run.missedExtra ? { note: `${run.missedExtra} deliveries missing`, verdict: 'FAIL' as const } : {}) }),
      makeRow({
        group: 'fanout',
        name: 'upstream watches per resource (max)',
        unit: 'watches',
        samples: [maxWatches],
        budget: { max: 1, on: 'max', label: '≤ 1 per resource' },
        note: `watches by resource at each step (before, connected, idle, after changes): ${watchSamples.map((w) => JSON.stringify(w)).join(' ')}`,
      }),
    ];
    return { rows, detail: { rss0, rss1, rss2, cpuConnect, cpuIdle, idleMs, cpuChanges, changes: opts.changes, watches: watchSamples, deliveries: run.extra.length, missed: run.missedExtra } };
  } finally {
    await clients.closeAll().catch(() => {});
    await clients.stop().catch(() => {});
  }
}
