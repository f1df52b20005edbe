// Nodes for the overview: read page by page through client-node and reshaped into plain DTOs
// (strings, booleans, arrays) that can cross into client components.
import 'server-only';
import { CoreV1Api, type KubeConfig, type V1Node } from '@kubernetes/client-node';
import { apiClient, getConnection, requestOptions } from './connection';
import { toClusterError } from './errors';
import { listAllPages } from './paginate';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface NodeDto {
  name: string;
  /** From node-role.kubernetes.io/<role> labels (and the older kubernetes.io/role). */
  roles: string[];
  ready: ConditionStatus;
  unschedulable: boolean;
  kubeletVersion: string;
  internalIP: string | null;
  /** RFC 3339, or null when the server did not say. */
  creationTimestamp: string | null;
}

export interface NodeSummary {
  total: number;
  ready: number;
  notReady: number;
  unknown: number;
  unschedulable: number;
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_ORDER = ['control-plane', 'master', 'infra', 'worker'];

/** client-node gives Date objects from list calls but strings from watches; accept both. */
export function toIso(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (typeof v === 'string' && v) return v;
  return null;
}

export function nodeRoles(labels: Record<string, string> | undefined): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  const rank = (r: string) => {
    const i = ROLE_ORDER.indexOf(r);
    return i === -1 ? ROLE_ORDER.length : i;
  };
  return [...roles].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function nodeToDto(node: V1Node): NodeDto {
  const readyCond = node.status?.conditions?.find((c) => c.type === 'Ready');
  const ready: ConditionStatus =
    readyCond?.status === 'True' || readyCond?.status === 'False' ? readyCond.status : 'Unknown';
  return {
    name: node.metadata?.name ?? '',
    roles: nodeRoles(node.metadata?.labels),
    ready,
    unschedulable: Boolean(node.spec?.unschedulable),
    kubeletVersion: node.status?.nodeInfo?.kubeletVersion ?? '',
    internalIP: node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? null,
    creationTimestamp: toIso(node.metadata?.creationTimestamp),
  };
}

/** Control-plane nodes first, then by name, so the table reads like `oc get nodes`. */
export function sortNodes(nodes: NodeDto[]): NodeDto[] {
  const cp = (n: NodeDto) => (n.roles.includes('control-plane') || n.roles.includes('master') ? 0 : 1);
  return [...nodes].sort((a, b) => cp(a) - cp(b) || a.name.localeCompare(b.name));
}

export function summarizeNodes(nodes: NodeDto[]): NodeSummary {
  return {
    total: nodes.length,
    ready: nodes.filter((n) => n.ready === 'True').length,
    notReady: nodes.filter((n) => n.ready === 'False').length,
    unknown: nodes.filter((n) => n.ready === 'Unknown').length,
    unschedulable: nodes.filter((n) => n.unschedulable).length,
  };
}

/** All nodes, paginated (limit 500 + continue). Throws ClusterError. */
export async function listNodes(opts: { kubeConfig?: KubeConfig; pageSize?: number } = {}): Promise<NodeDto[]> {
  let server: string | undefined;
  try {
    const kc = opts.kubeConfig ?? getConnection().kubeConfig;
    server = kc.getCurrentCluster()?.server;
    const core = apiClient(CoreV1Api, kc);
    const { items } = await listAllPages(
      (page) => core.listNode(page, requestOptions()),
      opts.pageSize ? { pageSize: opts.pageSize } : {},
    );
    return sortNodes(items.map(nodeToDto));
  } catch (err) {
    throw toClusterError(err, { server, action: 'list nodes' });
  }
}
