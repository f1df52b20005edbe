// The shared page of /restart/nodes and /restart/pods: heading, then the first dry run, preflight and
// access review on the server (so the page is useful at once), then the client planner takes over.
import 'server-only';
import type { ReactNode } from 'react';
import Link from 'next/link';
import { ClusterProblem } from '@/components/layout/cluster-problem';
import { isActive } from '@/components/restart/format';
import { WorkflowPlanner, type Inspection } from '@/components/restart/workflow-planner';
import { redirectIfSessionRejected, requireSession } from '@/lib/auth/guard';
import { readDenied } from '@/lib/api/workflow-response';
import { getClusterStatus } from '@/lib/k8s';
import { getWorkflowEngine, type WorkflowKind, type WorkflowState } from '@/lib/workflows';

export function PlannerPage({ kind, path, title, intro }: { kind: WorkflowKind; path: string; title: string; intro: string }) {
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/restart" className="text-sky-800 underline">
            Restart
          </Link>{' '}
          /
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{intro}</p>
      </div>
      <PlannerBody kind={kind} path={path} />
    </div>
  );
}

async function PlannerBody({ kind, path }: { kind: WorkflowKind; path: string }): Promise<ReactNode> {
  const { session, kubeConfig } = await requireSession(path);
  const status = await getClusterStatus();
  if (!status.ok) return <ClusterProblem error={status.error} target={status.target} retryHref={path} />;
  let initial: Inspection;
  let running: WorkflowState | null = null;
  try {
    const engine = await getWorkflowEngine();
    const access = await engine.checkAccess(kind, undefined, kubeConfig, session.sid);
    // The plan is read with the dashboard's identity: show it only to users who may read what it lists.
    const unreadable = readDenied(access);
    if (unreadable.length) {
      return (
        <p role="note" data-testid="plan-forbidden" className="rounded-md border border-slate-300 bg-slate-50 p-3 text-sm text-slate-800">
          You ({session.username}) may not read what this plan lists: the cluster refused {unreadable.join(', ')}.
        </p>
      );
    }
    const [{ plan, preflight }, current] = await Promise.all([engine.inspect(kind), engine.current()]);
    initial = { plan, preflight, access };
    if (isActive(current)) running = current;
  } catch (err) {
    if (session.kind === 'token') await redirectIfSessionRejected(err, path);
    return (
      <p role="alert" data-testid="plan-error" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
        The plan could not be made: {err instanceof Error ? err.message : String(err)}
      </p>
    );
  }
  const allNodes = initial.plan.nodes?.map((n) => n.name) ?? [];
  return <WorkflowPlanner kind={kind} initial={initial} username={session.username} allNodes={allNodes} running={running} />;
}
