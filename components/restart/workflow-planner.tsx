'use client';
// Plan → preflight → confirm → start, for one workflow kind. Changing an option asks the server for
// a new dry run (plan, preflight and the user's access review); the start button needs the current
// plan, no blocking finding, the access review passed and the plan's phrase typed exactly. A busy
// answer (another workflow runs) says which one and links to it.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';
import type { AccessCheck, NodeRestartOptions, Plan, PodRestartOptions, PreflightResult, WorkflowKind, WorkflowOptions, WorkflowState } from '@/lib/workflows/types';
import { AccessNote } from './access-note';
import { NodeOptions } from './node-options';
import { PlanImpact } from './plan-impact';
import { PlanSteps } from './plan-steps';
import { PodOptions } from './pod-options';
import { PreflightFindings } from './preflight-findings';
import { ProcedureWarning } from './procedure-warning';

export interface Inspection {
  plan: Plan;
  preflight: PreflightResult;
  access: AccessCheck;
}

/** Only what differs from the defaults the server fills in (debugImage etc. stay server-side). */
function optionsBody(kind: WorkflowKind, o: WorkflowOptions): Partial<WorkflowOptions> {
  if (kind === 'rolling-node-restart') {
    const n = o as NodeRestartOptions;
    return {
      ...(n.nodes ? { nodes: n.nodes } : {}),
      deleteEmptyDirData: n.deleteEmptyDirData,
      force: n.force,
      evictionRetrySeconds: n.evictionRetrySeconds,
      drainTimeoutSeconds: n.drainTimeoutSeconds,
      nodeReadyTimeoutSeconds: n.nodeReadyTimeoutSeconds,
      daemonSetReadyTimeoutSeconds: n.daemonSetReadyTimeoutSeconds,
    };
  }
  const p = o as PodRestartOptions;
  return {
    mode: p.mode,
    includePlatform: p.includePlatform,
    pauseBetweenNamespacesSeconds: p.pauseBetweenNamespacesSeconds,
    concurrency: p.concurrency,
    rolloutTimeoutSeconds: p.rolloutTimeoutSeconds,
    ...(p.includeNamespaces ? { includeNamespaces: p.includeNamespaces } : {}),
    ...(p.excludeNamespaces ? { excludeNamespaces: p.excludeNamespaces } : {}),
    ...(p.onlyStartedBefore ? { onlyStartedBefore: p.onlyStartedBefore } : {}),
  };
}

export function WorkflowPlanner({ kind, initial, username, allNodes, running }: { kind: WorkflowKind; initial: Inspection; username: string; allNodes: string[]; running: WorkflowState | null }) {
  const router = useRouter();
  const [options, setOptions] = useState<WorkflowOptions>(initial.plan.options);
  const [data, setData] = useState<Inspection>(initial);
  const [planFor, setPlanFor] = useState(JSON.stringify(optionsBody(kind, initial.plan.options)));
  const [loading, setLoading] = useState(false);
  const [planError, setPlanError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState('');
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<{ message: string; busy?: boolean } | null>(null);
  const want = JSON.stringify(optionsBody(kind, options));
  const seq = useRef(0);

  useEffect(() => {
    if (want === planFor) return;
    const invalid = Object.values(JSON.parse(want) as Record<string, unknown>).some((v) => typeof v === 'number' && !Number.isFinite(v));
    if (invalid) return;
    const my = ++seq.current;
    const t = setTimeout(async () => {
      setLoading(true);
      setPlanError(null);
      try {
        const r = await apiFetch<Inspection>(`/api/restart/plan?${new URLSearchParams({ kind, options: want }).toString()}`);
        if (my !== seq.current) return;
        if (r.ok) {
          setData(r.data);
          setPlanFor(want);
          setConfirm('');
        } else setPlanError(r.data.message ?? `The dry run failed (${r.status}).`);
      } catch {
        if (my === seq.current) setPlanError('The dashboard server could not be reached.');
      } finally {
        if (my === seq.current) setLoading(false);
      }
    }, 350);
    return () => clearTimeout(t);
  }, [want, planFor, kind]);

  const { plan, preflight, access } = data;
  const current = want === planFor && !loading;
  const canStart = access.allowed && !preflight.blocked && current && confirm.trim() === plan.confirmation && !starting && plan.steps.length > 0;

  async function start() {
    setStarting(true);
    setError(null);
    try {
      const r = await apiFetch<{ state: WorkflowState }>('/api/restart/start', { method: 'POST', body: { kind, options: JSON.parse(planFor), confirmation: confirm.trim() } });
      if (r.ok) {
        router.push(`/restart/run/${encodeURIComponent(r.data.state.id)}`);
        return;
      }
      setError({ message: r.data.message ?? `The start failed (${r.status}).`, busy: r.data.error === 'busy' });
    } catch {
      setError({ message: 'The dashboard server could not be reached.' });
    }
    setStarting(false);
  }

  return (
    <div className="space-y-6">
      {running && (
        <p role="status" data-testid="running-note" className="rounded-md border border-sky-300 bg-sky-50 p-3 text-sm text-sky-950">
          Workflow <code>{running.id}</code> is {running.status} (started by {running.initiator.username}); only one runs at a time.{' '}
          <Link href={`/restart/run/${encodeURIComponent(running.id)}`} className="font-medium underline">
            Follow it
          </Link>
          .
        </p>
      )}
      <ProcedureWarning warnings={plan.warnings} />
      {kind === 'rolling-node-restart' ? (
        <NodeOptions value={options as NodeRestartOptions} allNodes={allNodes} disabled={starting} onChange={setOptions} />
      ) : (
        <PodOptions value={options as PodRestartOptions} disabled={starting} onChange={setOptions} />
      )}
      <div data-testid="plan-state" data-current={current ? 'true' : 'false'} className="text-xs text-slate-500" aria-live="polite">
        {loading ? 'Asking the cluster for a new plan…' : current ? `Plan made ${new Date(plan.createdAt).toISOString().replace('T', ' ').slice(0, 19)} UTC from the cluster as it was then.` : 'The plan below is for other options; a new one is on its way.'}
      </div>
      {planError && (
        <p role="alert" data-testid="plan-error" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          {planError}
        </p>
      )}
      <div className={current ? 'space-y-6' : 'space-y-6 opacity-60'}>
        <PreflightFindings preflight={preflight} />
        <PlanImpact plan={plan} />
        <PlanSteps steps={plan.steps} />
      </div>
      <section aria-labelledby="confirm-title" data-testid="confirm" className="space-y-2 rounded-lg border border-red-200 bg-white p-4">
        <h2 id="confirm-title" className="text-lg font-semibold">
          Start
        </h2>
        <AccessNote access={access} username={username} />
        <p className="text-sm text-slate-700">
          The workflow runs in the background under the dashboard&apos;s identity, in your name ({username}); you can leave this page, pause, resume or abort it.
        </p>
        <label htmlFor="confirm-phrase" className="block text-sm font-medium">
          Type <code data-testid="confirm-phrase" className="rounded bg-slate-100 px-1">{plan.confirmation}</code> to confirm
        </label>
        <input
          id="confirm-phrase"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={confirm}
          disabled={!access.allowed || starting}
          onChange={(e) => setConfirm(e.target.value)}
          className="w-full max-w-sm rounded-md border border-slate-300 px-3 py-2 font-mono text-sm disabled:bg-slate-100"
        />
        <div>
          <button
            type="button"
            data-testid="start-button"
            onClick={start}
            disabled={!canStart}
            className="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:cursor-not-allowed disabled:bg-slate-300"
          >
            {starting ? 'Starting…' : kind === 'rolling-node-restart' ? `Start the rolling restart (${plan.nodes?.length ?? 0} nodes)` : 'Start restarting the pods'}
          </button>
        </div>
        {error && (
          <p role="alert" data-testid="start-error" data-busy={error.busy ? 'true' : 'false'} className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
            {error.busy ? 'Refused: another workflow is running. ' : ''}
            {error.message}
            {error.busy && (
              <>
                {' '}
                <Link href="/restart" className="font-medium underline">
                  See the running workflow
                </Link>
                .
              </>
            )}
          </p>
        )}
      </section>
    </div>
  );
}
