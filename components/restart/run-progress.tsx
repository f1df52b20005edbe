// A workflow's steps grouped by node (cordon → drain → reboot → Ready → uncordon → DaemonSets) or by
// namespace, each with its status, times, the latest progress message (e.g. "3 pods left") and the
// command it stands for. The group being worked on is highlighted.
import type { StepRecord, WorkflowState } from '@/lib/workflows/types';
import { ACTION_SHORT, formatTime } from './format';
import { StatusBadge } from './status-badge';

const DOT: Record<StepRecord['status'], string> = {
  pending: 'bg-slate-200 text-slate-600',
  running: 'bg-sky-600 text-white animate-pulse',
  done: 'bg-emerald-600 text-white',
  skipped: 'bg-slate-400 text-white',
  failed: 'bg-red-600 text-white',
  aborted: 'bg-red-300 text-red-950',
};

export function RunProgress({ state }: { state: WorkflowState }) {
  const groups: { name: string; steps: { step: StepRecord; index: number }[] }[] = [];
  state.steps.forEach((step, index) => {
    const last = groups[groups.length - 1];
    if (last && last.name === step.group) last.steps.push({ step, index });
    else groups.push({ name: step.group, steps: [{ step, index }] });
  });
  const nodes = state.kind === 'rolling-node-restart';
  return (
    <ol data-testid="run-groups" className="space-y-2">
      {groups.map((g) => {
        const statuses = g.steps.map((s) => s.step.status);
        const status = statuses.includes('failed')
          ? 'failed'
          : statuses.includes('running')
            ? 'running'
            : statuses.every((s) => s === 'done' || s === 'skipped')
              ? 'done'
              : statuses.includes('aborted')
                ? 'aborted'
                : 'pending';
        const active = g.steps.find((s) => s.step.status === 'running' || s.step.status === 'failed') ?? null;
        return (
          <li
            key={g.name}
            data-testid="run-group"
            data-group={g.name}
            data-status={status}
            className={`rounded-md border p-3 text-sm ${status === 'running' ? 'border-sky-400 bg-sky-50' : status === 'failed' ? 'border-red-400 bg-red-50' : 'border-slate-200 bg-white'}`}
          >
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-mono font-medium">{g.name}</span>
              <span className="text-xs text-slate-500">{nodes ? 'node' : 'namespace'}</span>
              <StatusBadge status={status} testId="group-status" />
              {nodes && (
                <ol className="flex flex-wrap items-center gap-1 text-xs" aria-label={`Steps on ${g.name}`}>
                  {g.steps.map(({ step }, i) => (
                    <li key={step.id} data-testid="run-step" data-step={step.id} data-status={step.status} className="flex items-center gap-1">
                      {i > 0 && <span aria-hidden="true" className="text-slate-400">→</span>}
                      <span title={`${step.title}: ${step.status}${step.message ? ` — ${step.message}` : ''}`} className={`rounded px-1.5 py-0.5 ${DOT[step.status]}`}>
                        {ACTION_SHORT[step.action]}
                        <span className="sr-only"> {step.status}</span>
                      </span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
            {!nodes &&
              g.steps
                .filter(({ step }) => step !== active?.step)
                .map(({ step }) => (
                <div key={step.id} data-testid="run-step" data-step={step.id} data-status={step.status} className="mt-1 text-xs text-slate-700">
                  {step.title}
                  {step.message ? <span className="text-slate-500"> — {step.message}</span> : null}
                </div>
              ))}
            {active && (
              <div className="mt-2 space-y-1 text-xs">
                <div data-testid="active-step">
                  <span className="font-medium">{active.step.title}</span>
                  {active.step.startedAt && <span className="text-slate-500"> · since {formatTime(active.step.startedAt)}</span>}
                </div>
                {active.step.message && (
                  <div data-testid="step-message" className={active.step.status === 'failed' ? 'font-medium text-red-800' : 'text-slate-700'}>
                    {active.step.message}
                  </div>
                )}
                <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-2 font-mono text-slate-100">
                  <code>$ {active.step.command.split('\n')[0]}</code>
                </pre>
              </div>
            )}
            {nodes && status === 'done' && (
              <div className="mt-1 text-xs text-slate-500">
                Done {formatTime(g.steps[g.steps.length - 1]?.step.finishedAt)}
                {g.steps.find((s) => s.step.action === 'wait-node-ready')?.step.message ? ` — ${g.steps.find((s) => s.step.action === 'wait-node-ready')!.step.message}` : ''}
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
