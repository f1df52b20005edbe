// Overview card: the kube-apiserver rollout in one glance ("2 of 3 nodes at revision 12", the
// NodeInstallerProgressing reason and message as written) with a way to /rollout.
import Link from 'next/link';
import type { RolloutDto } from '@/lib/k8s/rollout';
import { Badge } from '@/components/ui/badge';

export function OverviewRollout({ dto }: { dto: RolloutDto }) {
  const p = dto.conditions.NodeInstallerProgressing;
  const failing = dto.nodes.filter((n) => n.failureOpen);
  return (
    <section aria-labelledby="ov-rollout-title" data-testid="overview-rollout" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex items-center justify-between gap-2">
        <h2 id="ov-rollout-title" className="text-lg font-semibold">
          kube-apiserver rollout
        </h2>
        {dto.complete ? <Badge tone="green">complete</Badge> : <Badge tone="blue">rolling out</Badge>}
      </div>
      <p data-testid="overview-rollout-summary" className="text-xl font-semibold">
        {dto.summary}
      </p>
      {p && (
        <p className="text-sm text-slate-700">
          NodeInstallerProgressing {p.status}, reason <code>{p.reason || '(empty reason)'}</code>: <span className="font-mono text-xs">{p.message}</span>
        </p>
      )}
      {failing.length > 0 && (
        <p className="text-sm text-red-800">
          {failing.map((n) => `${n.nodeName} failed revision ${n.lastFailedRevision} (${n.lastFailedCount}×)`).join('; ')}
        </p>
      )}
      <Link href="/rollout" className="inline-block text-sm font-medium text-sky-700 hover:underline">
        Follow the rollout live →
      </Link>
    </section>
  );
}
