// Past and current workflows: who started which, when, how it ended, how far it got.
import Link from 'next/link';
import type { WorkflowSummary } from '@/lib/workflows/types';
import { formatTime, KIND_LABEL } from './format';
import { StatusBadge } from './status-badge';

export function HistoryTable({ history }: { history: WorkflowSummary[] }) {
  if (!history.length) return <p data-testid="history-empty" className="text-sm text-slate-600">No workflow has run on this cluster yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table data-testid="history-table" className="w-full text-left text-sm">
        <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
          <tr>
            <th className="py-1 pr-3">Workflow</th>
            <th className="py-1 pr-3">Status</th>
            <th className="py-1 pr-3">Started by</th>
            <th className="py-1 pr-3">Started</th>
            <th className="py-1 pr-3">Finished</th>
            <th className="py-1 pr-3">Steps</th>
            <th className="py-1 pr-3">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {history.map((h) => (
            <tr key={h.id} data-testid="history-row" data-id={h.id} className="border-b border-slate-100 align-top">
              <th scope="row" className="py-1 pr-3 font-normal">
                <Link href={`/restart/run/${encodeURIComponent(h.id)}`} className="text-sky-800 underline">
                  {KIND_LABEL[h.kind]}
                </Link>
                <div className="font-mono text-xs text-slate-500">{h.id}</div>
              </th>
              <td className="py-1 pr-3">
                <StatusBadge status={h.status} />
              </td>
              <td className="py-1 pr-3">{h.initiator.username}</td>
              <td className="py-1 pr-3 text-xs">{formatTime(h.createdAt)}</td>
              <td className="py-1 pr-3 text-xs">{formatTime(h.finishedAt)}</td>
              <td className="py-1 pr-3">
                {h.done}/{h.steps}
              </td>
              <td className="py-1 pr-3 text-xs">{h.message ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
