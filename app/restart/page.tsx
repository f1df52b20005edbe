// /restart: after an issuer change every workload must get a new token. Choose one of the two ways
// the procedure gives (rolling node restart, restarting all pods, the latter with a safer default),
// see the running or last workflow, and the history.
import type { Metadata } from 'next';
import Link from 'next/link';
import { ClusterProblem } from '@/components/layout/cluster-problem';
import { formatTime, isActive, KIND_LABEL } from '@/components/restart/format';
import { OverviewWorkflow } from '@/components/restart/overview-workflow';
import { StatusBadge } from '@/components/restart/status-badge';
import { requireSession } from '@/lib/auth/guard';
import { getClusterStatus } from '@/lib/k8s';
import { getWorkflowEngine, PROCEDURE_WARNINGS, type WorkflowState } from '@/lib/workflows';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Restart' };

export default async function RestartPage() {
  await requireSession('/restart');
  const status = await getClusterStatus();
  if (!status.ok) return <ClusterProblem error={status.error} target={status.target} retryHref="/restart" />;
  let current: WorkflowState | null = null;
  let problem: string | null = null;
  try {
    current = await (await getWorkflowEngine()).current();
  } catch (err) {
    problem = `The workflow state could not be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Restart workloads</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          After the service account issuer changed and the new kube-apiserver revision rolled out, the previous issuer stays trusted only for a while (24 hours). Pods get a token of the
          new issuer when they start again. The procedure offers two ways; both run here as a workflow: planned, checked, confirmed, one at a time, resumable, and visible step by step.
        </p>
      </div>
      {problem && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          {problem}
        </p>
      )}
      {current && isActive(current) && <OverviewWorkflow state={current} />}
      <div className="grid gap-4 lg:grid-cols-2">
        <section data-testid="choose-pods" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 className="text-lg font-semibold">
            <Link href="/restart/pods" className="text-sky-800 underline">
              {KIND_LABEL['restart-all-pods']}
            </Link>
          </h2>
          <p className="text-sm text-slate-700">
            Recommended. By default a rollout restart of every Deployment, StatefulSet and DaemonSet, namespace by namespace, so replicas keep serving; pods nobody would recreate are listed
            for you, not deleted. The procedure&apos;s delete-everything loop is available as an option, with its warning:
          </p>
          <p className="rounded-md border-l-4 border-red-600 bg-red-50 p-2 text-xs text-red-950">WARNING: {PROCEDURE_WARNINGS.restartAllPods}</p>
        </section>
        <section data-testid="choose-nodes" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h2 className="text-lg font-semibold">
            <Link href="/restart/nodes" className="text-sky-800 underline">
              {KIND_LABEL['rolling-node-restart']}
            </Link>
          </h2>
          <p className="text-sm text-slate-700">
            One node at a time, workers first, control plane last: cordon, drain through the Eviction API (respecting PodDisruptionBudgets), reboot, wait until Ready, uncordon.
          </p>
          <p className="rounded-md border-l-4 border-red-600 bg-red-50 p-2 text-xs text-red-950">WARNING: {PROCEDURE_WARNINGS.rollingNodeRestart}</p>
        </section>
      </div>
      <section aria-labelledby="last-title" className="space-y-2">
        <h2 id="last-title" className="text-lg font-semibold">
          {current && isActive(current) ? 'Running now' : 'Last workflow'}
        </h2>
        {current ? (
          <p data-testid="last-workflow" className="flex flex-wrap items-center gap-2 text-sm">
            <Link href={`/restart/run/${encodeURIComponent(current.id)}`} className="text-sky-800 underline">
              {KIND_LABEL[current.kind]} {current.id}
            </Link>
            <StatusBadge status={current.status} />
            <span className="text-slate-600">
              started {formatTime(current.createdAt)} by {current.initiator.username}
            </span>
          </p>
        ) : (
          <p className="text-sm text-slate-600">None has run on this cluster yet.</p>
        )}
        <p className="text-sm">
          <Link href="/restart/history" className="text-sky-800 underline">
            History of all workflows
          </Link>
        </p>
      </section>
    </div>
  );
}
