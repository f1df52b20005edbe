// A row per control-plane node: current and target revision, progress, time in its state (exact
// when this page saw it change, "≥" when it was already so), and the last failure as recorded.
import type { RolloutDto, RolloutNode } from '@/lib/k8s/rollout';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { formatDuration, formatUtc } from './format';
import type { NodeTrack } from './history';
import { NodeProgress } from './node-progress';

const PHASE: Record<RolloutNode['phase'], { text: string; tone: BadgeTone }> = {
  'at-latest': { text: 'at latest', tone: 'green' },
  installing: { text: 'installing', tone: 'blue' },
  failing: { text: 'failing', tone: 'red' },
  waiting: { text: 'waiting', tone: 'neutral' },
};

function LastFailure({ n, now }: { n: RolloutNode; now: number | null }) {
  if (!n.lastFailedRevision && !n.lastFailedReason) return <span className="text-slate-400">none</span>;
  const at = n.lastFailedTime ? Date.parse(n.lastFailedTime) : null;
  return (
    <div data-testid="node-last-failure" className={n.failureOpen ? 'text-red-800' : 'text-slate-500'}>
      <div>
        revision {n.lastFailedRevision}
        {n.lastFailedReason && <> · {n.lastFailedReason}</>} · {n.lastFailedCount}×{!n.failureOpen && ' (resolved)'}
      </div>
      {at !== null && (
        <div className="text-xs">
          <time dateTime={n.lastFailedTime!}>{formatUtc(at)}</time>
          {now !== null && <> ({formatDuration(now - at)} ago)</>}
        </div>
      )}
      {n.lastFailedRevisionErrors.length > 0 && (
        <pre className="mt-1 max-w-md whitespace-pre-wrap break-words rounded bg-red-50 px-2 py-1 text-xs text-red-900">{n.lastFailedRevisionErrors.join('\n')}</pre>
      )}
    </div>
  );
}

export function RolloutNodeTable({ dto, tracks, now }: { dto: RolloutDto; tracks: Record<string, NodeTrack>; now: number | null }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table data-testid="rollout-node-table" className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="px-4 py-3 text-left text-sm text-slate-600">Control-plane nodes (status.nodeStatuses)</caption>
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-2">Node</th>
            <th scope="col" className="px-4 py-2">Current</th>
            <th scope="col" className="px-4 py-2">Target</th>
            <th scope="col" className="px-4 py-2">Progress</th>
            <th scope="col" className="px-4 py-2">In this state</th>
            <th scope="col" className="px-4 py-2">Last failure</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {dto.nodes.map((n) => {
            const t = tracks[n.nodeName];
            return (
              <tr key={n.nodeName} data-testid="rollout-node-row" data-node={n.nodeName} data-phase={n.phase} className="align-top">
                <th scope="row" className="whitespace-nowrap px-4 py-2 text-left font-medium text-slate-900">
                  {n.nodeName}
                </th>
                <td data-testid="node-current" className="px-4 py-2 tabular-nums">
                  {n.currentRevision}
                </td>
                <td data-testid="node-target" className="px-4 py-2 tabular-nums">
                  {n.targetRevision ? n.targetRevision : <span className="text-slate-400" title="targetRevision is 0: no installer is moving this node">—</span>}
                </td>
                <td className="px-4 py-2">
                  <div className="flex items-center gap-2">
                    <NodeProgress node={n} />
                    <Badge tone={PHASE[n.phase].tone}>{PHASE[n.phase].text}</Badge>
                  </div>
                </td>
                <td data-testid="node-time-in-state" className="whitespace-nowrap px-4 py-2 tabular-nums text-slate-700">
                  {t && now !== null ? (
                    <span title={t.exact ? 'seen changing by this page' : 'already in this state when first seen: at least this long'}>
                      {t.exact ? '' : '≥ '}
                      {formatDuration(now - t.since)}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="px-4 py-2">
                  <LastFailure n={n} now={now} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
