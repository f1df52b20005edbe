// The workflow state machine, pure: running ⇄ paused → succeeded | failed | aborted, a cursor
// over the steps, and the audit log. Every change returns a new state (the engine persists it).
import type { Initiator, LogEntry, Plan, StepRecord, WorkflowState, WorkflowStatus, WorkflowSummary } from './types';

export const ACTIVE: ReadonlySet<WorkflowStatus> = new Set(['running', 'paused']);
export const isActive = (s: Pick<WorkflowState, 'status'> | null | undefined): boolean => !!s && ACTIVE.has(s.status);

const LOG_MAX = 200;

function withLog(s: WorkflowState, entry: LogEntry): WorkflowState {
  const log = [...s.log, entry];
  return { ...s, log: log.length > LOG_MAX ? log.slice(log.length - LOG_MAX) : log };
}

export function createState(plan: Plan, p: { id: string; initiator: Initiator; now: string; stamp: string; cutoff?: string }): WorkflowState {
  const s: WorkflowState = {
    id: p.id,
    kind: plan.kind,
    status: 'running',
    initiator: p.initiator,
    options: plan.options,
    createdAt: p.now,
    updatedAt: p.now,
    cursor: 0,
    steps: plan.steps.map((x) => ({ ...x, status: 'pending' as const })),
    log: [{ at: p.now, by: p.initiator.username, message: `started (${plan.steps.length} steps; confirmed "${plan.confirmation}")` }],
    stamp: p.stamp,
  };
  if (p.cutoff) s.cutoff = p.cutoff;
  return s;
}

export class StateError extends Error {}

export function updateStep(s: WorkflowState, index: number, patch: Partial<StepRecord>, now: string): WorkflowState {
  const steps = s.steps.slice();
  const cur = steps[index];
  if (!cur) throw new StateError(`no step ${index}`);
  steps[index] = { ...cur, ...patch, ...(patch.data ? { data: { ...(cur.data ?? {}), ...patch.data } } : {}) };
  return { ...s, steps, updatedAt: now };
}

export function startStep(s: WorkflowState, index: number, now: string): WorkflowState {
  const cur = s.steps[index];
  if (!cur) throw new StateError(`no step ${index}`);
  // A step resumed after a restart keeps its first start time (timeouts count from it).
  return updateStep({ ...s, cursor: index }, index, { status: 'running', ...(cur.startedAt ? {} : { startedAt: now }) }, now);
}

export function finishStep(s: WorkflowState, index: number, outcome: 'done' | 'skipped', message: string, now: string): WorkflowState {
  const next = updateStep(s, index, { status: outcome, message, finishedAt: now }, now);
  return { ...next, cursor: index + 1 };
}

export function failStep(s: WorkflowState, index: number, message: string, now: string): WorkflowState {
  const cur = s.steps[index];
  const next = updateStep(s, index, { status: 'failed', message, finishedAt: now }, now);
  return withLog({ ...next, status: 'failed', message: `${cur?.title ?? 'step'}: ${message}`, finishedAt: now, requested: undefined }, { at: now, by: 'engine', message: `failed at "${cur?.title}": ${message}`, stepId: cur?.id });
}

export function requestControl(s: WorkflowState, action: 'pause' | 'abort', by: string, now: string): WorkflowState {
  if (!isActive(s)) throw new StateError(`the workflow is ${s.status}`);
  if (action === 'pause' && s.status === 'paused') return s;
  return withLog({ ...s, requested: { action, by, at: now }, updatedAt: now }, { at: now, by, message: `${action} requested` });
}

export function applyPause(s: WorkflowState, now: string): WorkflowState {
  const by = s.requested?.by ?? 'engine';
  return withLog({ ...s, status: 'paused', requested: undefined, updatedAt: now }, { at: now, by, message: `paused before "${s.steps[s.cursor]?.title ?? 'the end'}"` });
}

export function resumeState(s: WorkflowState, by: string, now: string): WorkflowState {
  if (s.status !== 'paused') throw new StateError(`the workflow is ${s.status}, not paused`);
  return withLog({ ...s, status: 'running', requested: undefined, updatedAt: now }, { at: now, by, message: 'resumed' });
}

export function applyAbort(s: WorkflowState, now: string, leftBehind: string): WorkflowState {
  const by = s.requested?.by ?? 'engine';
  const steps = s.steps.map((x) => (x.status === 'running' ? { ...x, status: 'aborted' as const, finishedAt: now, message: 'aborted' } : x));
  const message = `aborted by ${by}${leftBehind ? `; ${leftBehind}` : ''}`;
  return withLog({ ...s, steps, status: 'aborted', requested: undefined, updatedAt: now, finishedAt: now, message }, { at: now, by, message });
}

export function complete(s: WorkflowState, now: string): WorkflowState {
  return withLog({ ...s, status: 'succeeded', updatedAt: now, finishedAt: now, requested: undefined, message: 'all steps done' }, { at: now, by: 'engine', message: 'succeeded' });
}

export function addLog(s: WorkflowState, by: string, message: string, now: string, stepId?: string): WorkflowState {
  return withLog({ ...s, updatedAt: now }, { at: now, by, message, ...(stepId ? { stepId } : {}) });
}

export function summarize(s: WorkflowState): WorkflowSummary {
  const out: WorkflowSummary = {
    id: s.id,
    kind: s.kind,
    status: s.status,
    initiator: s.initiator,
    createdAt: s.createdAt,
    steps: s.steps.length,
    done: s.steps.filter((x) => x.status === 'done' || x.status === 'skipped').length,
  };
  if (s.finishedAt) out.finishedAt = s.finishedAt;
  if (s.message) out.message = s.message;
  return out;
}

/** Log entries of both, in time order, without duplicates (a control request written by another process). */
export function mergeLogs(a: LogEntry[], b: LogEntry[]): LogEntry[] {
  const seen = new Set<string>();
  const out: LogEntry[] = [];
  for (const e of [...a, ...b].sort((x, y) => x.at.localeCompare(y.at))) {
    const k = `${e.at}|${e.by}|${e.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out.length > LOG_MAX ? out.slice(out.length - LOG_MAX) : out;
}
