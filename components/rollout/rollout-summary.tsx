// The headline: "2 of 3 nodes at revision 12", an overall progress bar, and the revision text as
// the cluster wrote it, parsed into its clauses.
import type { RolloutDto } from '@/lib/k8s/rollout';
import { Badge } from '@/components/ui/badge';

export function RolloutSummary({ dto }: { dto: RolloutDto }) {
  const total = dto.nodes.length;
  const pct = total ? Math.round((dto.nodesAtLatest / total) * 100) : 0;
  const p = dto.conditions.NodeInstallerProgressing;
  return (
    <section aria-labelledby="summary-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="summary-title" data-testid="rollout-summary" className="text-xl font-semibold">
          {dto.summary}
        </h2>
        {dto.complete ? <Badge tone="green">rollout complete</Badge> : <Badge tone="blue">rolling out</Badge>}
        <span className="text-sm text-slate-600">
          latest available revision <strong data-testid="latest-revision">{dto.latestAvailableRevision}</strong>
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Nodes at the latest revision"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={dto.nodesAtLatest}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full rounded-full ${dto.complete ? 'bg-emerald-500' : 'bg-sky-500'} transition-all`} style={{ width: `${pct}%` }} />
      </div>
      {p && (
        <p className="text-sm text-slate-700">
          NodeInstallerProgressing is <strong data-testid="progressing-status">{p.status}</strong>:{' '}
          {dto.revisionText.parts.length > 0 ? (
            <span data-testid="revision-clauses">
              {dto.revisionText.parts.map((part, i) => (
                <span key={i}>
                  {i > 0 && '; '}
                  <span className={part.revision === dto.latestAvailableRevision ? 'font-semibold text-emerald-800' : ''}>{part.text}</span>
                </span>
              ))}
            </span>
          ) : (
            <span>{p.message || '(no message)'}</span>
          )}
          {!dto.revisionText.recognized && p.message && <span className="ml-1 text-xs text-amber-700">(wording not recognised; shown as written)</span>}
        </p>
      )}
    </section>
  );
}
