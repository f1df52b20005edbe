// /restart/history: every restart workflow the cluster remembers (the history ConfigMap), newest first.
import type { Metadata } from 'next';
import Link from 'next/link';
import { HistoryTable } from '@/components/restart/history-table';
import { requireSession } from '@/lib/auth/guard';
import { getWorkflowEngine, type WorkflowSummary } from '@/lib/workflows';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Restart history' };

export default async function HistoryPage() {
  await requireSession('/restart/history');
  let history: WorkflowSummary[] | null = null;
  let problem: string | null = null;
  try {
    history = await (await getWorkflowEngine()).history();
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/restart" className="text-sky-800 underline">
            Restart
          </Link>{' '}
          /
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">Workflow history</h1>
        <p className="mt-1 text-sm text-slate-600">Who started which workflow, with which options, and how each step went. Kept in the cluster, so every dashboard replica shows the same.</p>
      </div>
      {problem && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          The history could not be read: {problem}
        </p>
      )}
      {history && <HistoryTable history={history} />}
    </div>
  );
}
