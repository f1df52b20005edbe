// The restart plan at scale, split in its two halves. lib/workflows computes it (planFor) from one
// snapshot of the cluster (nodes, pods, budgets, workloads, the KubeAPIServer); the bench times the
// same work in its own process — the snapshot read with paginated lists (limit 500 + continue, in
// parallel per resource as the engine does), then planFor for both workflows — beside the route's
// end-to-end figure (scale.ts), so a slow plan says whether reading or planning is the cause.
import https from 'node:https';
import type { BenchCluster } from './children';
import { KAS_PATH, kubeRequest, wallNow } from './kube';
import { normalizeOptions, planFor } from '../../lib/workflows/plan';
import type { ClusterSnapshot } from '../../lib/workflows/snapshot';

async function listAll(c: BenchCluster, agent: https.Agent, path: string): Promise<{ items: any[]; pages: number; ms: number }> {
  const t0 = wallNow();
  const items: any[] = [];
  let cont: string | undefined;
  let pages = 0;
  do {
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.get(
        `${c.url}${path}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
        { agent, headers: { Authorization: `Bearer ${c.adminToken}`, Accept: 'application/json' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`GET ${path}: HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
    });
    const doc = JSON.parse(body) as { items: any[]; metadata?: { continue?: string } };
    items.push(...doc.items);
    cont = doc.metadata?.continue || undefined;
    pages++;
  } while (cont && pages < 1_000);
  return { items, pages, ms: wallNow() - t0 };
}

export interface PlanTiming {
  snapshotMs: number;
  planPodsMs: number;
  planNodesMs: number;
  totalMs: number;
  pods: number;
  nodes: number;
  pages: number;
  podSteps: number;
  /** Per resource: wall time of its paginated list (they run in parallel), pages, items. */
  lists: Record<string, { ms: number; pages: number; items: number }>;
}

export async function timeRestartPlan(c: BenchCluster): Promise<PlanTiming> {
  const agent = new https.Agent({ keepAlive: true, ca: c.caPem, maxSockets: 8 });
  try {
    const t0 = wallNow();
    const paths = ['/api/v1/nodes', '/api/v1/pods', '/apis/policy/v1/poddisruptionbudgets', '/apis/apps/v1/deployments', '/apis/apps/v1/statefulsets', '/apis/apps/v1/replicasets', '/apis/apps/v1/daemonsets', '/api/v1/namespaces'];
    const [lists, kas] = await Promise.all([Promise.all(paths.map((p) => listAll(c, agent, p))), kubeRequest(c, 'GET', KAS_PATH)]);
    const [nodes, pods, pdbs, deployments, statefulSets, replicaSets, daemonSets, namespaces] = lists.map((l) => l.items);
    const snap: ClusterSnapshot = {
      nodes: nodes!,
      pods: pods!,
      pdbs: pdbs!,
      deployments: deployments!,
      statefulSets: statefulSets!,
      replicaSets: replicaSets!,
      daemonSets: daemonSets!,
      jobs: [],
      namespaces: namespaces!.map((n) => n.metadata?.name ?? ''),
      kubeApiServer: kas.status === 200 ? kas.json : null,
    };
    const t1 = wallNow();
    const ctx = { dashboardNamespace: 'bound-token-dashboard', createdAt: new Date().toISOString(), cutoff: null, openshift: snap.kubeApiServer !== null };
    const podPlan = planFor('restart-all-pods', snap, normalizeOptions('restart-all-pods', {}), ctx);
    const t2 = wallNow();
    planFor('rolling-node-restart', snap, normalizeOptions('rolling-node-restart', {}), ctx);
    const t3 = wallNow();
    const steps = podPlan.steps.length;
    return {
      snapshotMs: t1 - t0,
      planPodsMs: t2 - t1,
      planNodesMs: t3 - t2,
      totalMs: t3 - t0,
      pods: snap.pods.length,
      nodes: snap.nodes.length,
      pages: lists.reduce((s, l) => s + l.pages, 0),
      podSteps: steps,
      lists: Object.fromEntries(paths.map((p, i) => [p, { ms: Math.round(lists[i]!.ms), pages: lists[i]!.pages, items: lists[i]!.items.length }])),
    };
  } finally {
    agent.destroy();
  }
}
