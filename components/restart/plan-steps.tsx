// The plan's steps in order, each with the command a human would type to do the same.
import type { StepRecord } from '@/lib/workflows/types';

export function PlanSteps({ steps }: { steps: StepRecord[] }) {
  return (
    <section aria-labelledby="steps-title" data-testid="plan-steps" className="space-y-2">
      <h2 id="steps-title" className="text-lg font-semibold">
        Steps and the equivalent commands ({steps.length})
      </h2>
      <ol className="max-h-[28rem] space-y-2 overflow-y-auto pr-1 text-sm">
        {steps.map((s, i) => (
          <li key={s.id} data-testid="plan-step" data-step={s.id}>
            <div>
              <span className="text-slate-500">{i + 1}.</span> {s.title}
            </div>
            <pre data-testid="step-command" className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-2 font-mono text-xs text-slate-100">
              <code>{s.command.split('\n').map((l) => (l.startsWith('#') ? l : `$ ${l}`)).join('\n')}</code>
            </pre>
          </li>
        ))}
      </ol>
    </section>
  );
}
