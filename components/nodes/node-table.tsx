// The nodes table of the overview (server component: static markup, no client JS).
import type { NodeDto } from '@/lib/k8s/nodes';
import { Badge } from '@/components/ui/badge';
import { formatAge } from './age';
import { ReadyBadge } from './ready-badge';

export function NodeTable({ nodes, nowMs, caption }: { nodes: NodeDto[]; nowMs: number; caption: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table data-testid="node-table" className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="px-4 py-3 text-left text-sm text-slate-600">{caption}</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Name</th>
            <th scope="col" className="px-4 py-2">Roles</th>
            <th scope="col" className="px-4 py-2">Status</th>
            <th scope="col" className="px-4 py-2">Scheduling</th>
            <th scope="col" className="px-4 py-2">Kubelet</th>
            <th scope="col" className="px-4 py-2">Internal IP</th>
            <th scope="col" className="px-4 py-2">Age</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {nodes.length === 0 && (
            <tr>
              <td colSpan={7} className="px-4 py-6 text-center text-slate-500">
                The cluster has no nodes.
              </td>
            </tr>
          )}
          {nodes.map((n) => (
            <tr key={n.name} data-testid="node-row" data-node={n.name} className="hover:bg-slate-50">
              <th scope="row" className="whitespace-nowrap px-4 py-2 text-left font-medium text-slate-900">
                {n.name}
              </th>
              <td data-testid="node-roles" className="whitespace-nowrap px-4 py-2 text-slate-700">
                {n.roles.length ? n.roles.join(', ') : <span className="text-slate-400">&lt;none&gt;</span>}
              </td>
              <td data-testid="node-ready" className="px-4 py-2">
                <ReadyBadge ready={n.ready} />
              </td>
              <td className="px-4 py-2">
                {n.unschedulable ? <Badge tone="amber">SchedulingDisabled</Badge> : <span className="text-slate-600">Schedulable</span>}
              </td>
              <td className="whitespace-nowrap px-4 py-2 font-mono text-xs text-slate-700">{n.kubeletVersion || '—'}</td>
              <td className="whitespace-nowrap px-4 py-2 font-mono text-xs text-slate-700">{n.internalIP ?? '—'}</td>
              <td className="whitespace-nowrap px-4 py-2 tabular-nums text-slate-700">
                {n.creationTimestamp ? (
                  <time dateTime={n.creationTimestamp} title={n.creationTimestamp}>
                    {formatAge(n.creationTimestamp, nowMs)}
                  </time>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
