// The overview's one-line card while a restart workflow runs (or is paused): what, who, how far, a link.
import Link from 'next/link';
import type { WorkflowState } from '@/lib/workflows/types';
import { KIND_LABEL } from './format';
import { StatusBadge } from './status-badge';

export function OverviewWorkflow({ state }: { state: WorkflowState }) {
  const done = state.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  return (
    <section data-testid="overview-workflow" className="flex flex-wrap items-center gap-2 rounded-lg border border-sky-300 bg-sky-50 p-3 text-sm text-sky-950">
      <StatusBadge status={state.status} />
      <span>
        {KIND_LABEL[state.kind]} started by {state.initiator.username}: {done} of {state.steps.length} steps done.
      </span>
      <Link href={`/restart/run/${encodeURIComponent(state.id)}`} className="font-medium underline">
        Follow it
      </Link>
    </section>
  );
}
