// /restart/run/<id>: one workflow — live while it runs (progress per node or namespace, pause,
// resume, abort for users who may run it), as recorded once it finished, with its options.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { missingVerbs } from '@/components/restart/access-note';
import { isActive } from '@/components/restart/format';
import { RunLive } from '@/components/restart/run-live';
import { requireSession } from '@/lib/auth/guard';
import { getWorkflowEngine, type WorkflowState } from '@/lib/workflows';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Restart workflow' };

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { session, kubeConfig } = await requireSession(`/restart/run/${encodeURIComponent(id)}`);
  const engine = await getWorkflowEngine();
  const state: WorkflowState | null = await engine.get(id);
  if (!state) notFound();
  let canControl = false;
  let deniedReason: string | null = null;
  if (isActive(state)) {
    try {
      const access = await engine.checkAccess(state.kind, state.options, kubeConfig, session.sid);
      canControl = access.allowed;
      if (!access.allowed) deniedReason = `You (${session.username}) may watch but not pause, resume or abort it: the cluster refused ${missingVerbs(access).join(', ')}.`;
    } catch (err) {
      deniedReason = `The cluster could not say whether you may control it: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/restart" className="text-sky-800 underline">
            Restart
          </Link>{' '}
          /{' '}
          <Link href="/restart/history" className="text-sky-800 underline">
            History
          </Link>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">Workflow {state.id}</h1>
      </div>
      <RunLive initial={state} canControl={canControl} deniedReason={deniedReason} />
      <details className="text-sm">
        <summary className="cursor-pointer font-medium">Options</summary>
        <pre data-testid="run-options" className="mt-1 overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs">
          {JSON.stringify(state.options, null, 2)}
        </pre>
      </details>
    </div>
  );
}
