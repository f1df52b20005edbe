// The bench's demo cluster, in its own process (forked by scripts/bench/cluster.ts), so the
// cluster's event loop is not the one that timestamps kubectl's output or drives the browser.
// It counts every API request by kind (list with/without limit, continue pages, watches, other)
// through the server's middleware hook and answers stats over IPC.
import { startDemoCluster, type DemoCluster } from '../../sim/index';

export interface ClusterChildStart {
  t: 'start';
  dataDir: string;
  nodes?: number;
  namespaces?: number;
  podsPerNamespace?: number;
  speed?: number;
}

export interface RequestCounts {
  total: number;
  /** GET collection without watch, with a limit. */
  listsPaginated: number;
  /** GET collection with a continue token. */
  continuePages: number;
  /** GET collection without watch and without limit: an unbounded list. */
  listsUnbounded: number;
  watches: number;
  other: number;
  /** "GET /api/v1/pods?limit" style keys (query names only, never values). */
  byPath: Record<string, number>;
}

export interface ClusterStats {
  requests: number;
  watchesOpen: number;
  watchesByResource: Record<string, number>;
  counts: RequestCounts;
  rssBytes: number;
}

function emptyCounts(): RequestCounts {
  return { total: 0, listsPaginated: 0, continuePages: 0, listsUnbounded: 0, watches: 0, other: 0, byPath: {} };
}

async function main() {
  let cluster: DemoCluster | undefined;
  let counts = emptyCounts();
  process.on('message', async (m: { t: string; id?: number } & Partial<ClusterChildStart>) => {
    try {
      if (m.t === 'start') {
        const t0 = Date.now();
        cluster = await startDemoCluster({
          dataDir: m.dataDir!,
          port: 0,
          quiet: true,
          speed: m.speed ?? 1,
          ...(m.nodes !== undefined ? { nodes: m.nodes } : {}),
          ...(m.namespaces !== undefined ? { namespaces: m.namespaces } : {}),
          ...(m.podsPerNamespace !== undefined ? { podsPerNamespace: m.podsPerNamespace } : {}),
        });
        cluster.server.use(async (ctx, next) => {
          counts.total++;
          const q = ctx.query;
          const watch = q.get('watch') === 'true' || q.get('watch') === '1';
          const collection = ctx.method === 'GET' && ctx.resource && !ctx.name && !ctx.subresource;
          if (watch) counts.watches++;
          else if (collection && q.has('continue')) counts.continuePages++;
          else if (collection && q.has('limit')) counts.listsPaginated++;
          else if (collection) counts.listsUnbounded++;
          else counts.other++;
          const keys = [...new Set([...q.keys()].filter((k) => ['limit', 'continue', 'watch', 'labelSelector', 'fieldSelector'].includes(k)))].sort();
          const key = `${ctx.method} ${ctx.path}${keys.length ? `?${keys.join('&')}` : ''}`;
          counts.byPath[key] = (counts.byPath[key] ?? 0) + 1;
          await next();
        });
        process.send!({
          t: 'started',
          startMs: Date.now() - t0,
          url: cluster.url,
          kubeconfigPath: cluster.kubeconfigPath,
          adminToken: cluster.adminToken,
          caPem: cluster.caPem,
          dataDir: cluster.dataDir,
        });
      } else if (m.t === 'stats' && cluster) {
        const s = cluster.server.stats;
        const stats: ClusterStats = {
          requests: s.requests,
          watchesOpen: s.watchesOpen,
          watchesByResource: Object.fromEntries(s.watchesByResource),
          counts,
          rssBytes: process.memoryUsage().rss,
        };
        process.send!({ t: 'stats', id: m.id, stats });
      } else if (m.t === 'resetCounts') {
        counts = emptyCounts();
        process.send!({ t: 'reset', id: m.id });
      } else if (m.t === 'stop') {
        await cluster?.close();
        process.exit(0);
      }
    } catch (err) {
      process.send!({ t: 'error', id: m.id, message: (err as Error).stack ?? String(err) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ t: 'ready' });
}

void main();
