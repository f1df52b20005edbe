// Folds one workflow event from the SSE stream into the state the run page shows (pure): a `state`
// event of this workflow replaces everything, `step`/`progress`/`log` patch it; events of another
// workflow are ignored.
import type { LogEntry, WorkflowEvent, WorkflowState } from '@/lib/workflows/types';

export function applyEvent(s: WorkflowState | null, ev: WorkflowEvent, id: string): WorkflowState | null {
  if (ev.type === 'state') return ev.state.id === id ? ev.state : s;
  if (!s || ev.workflowId !== s.id) return s;
  if (ev.type === 'step') {
    const steps = s.steps.slice();
    steps[ev.index] = ev.step;
    return { ...s, steps, cursor: ev.step.status === 'running' ? ev.index : s.cursor };
  }
  if (ev.type === 'progress') return { ...s, steps: s.steps.map((x) => (x.id === ev.stepId ? { ...x, message: ev.message } : x)) };
  if (ev.type === 'log') return { ...s, log: [...s.log, ev.entry as LogEntry] };
  return s;
}
