// What a step executor gets from the engine: the cluster, the Event recorder, its own record (with
// the data it remembered before a restart), a way to remember more *before* doing harm, abortable
// sleeps and progress messages. Steps throw StepFailure to stop the workflow with a clear message.
import 'server-only';
import type { EventRecorder } from './events';
import type { Kube } from './kube';
import type { StepRecord, WorkflowState } from './types';

export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}

/** Thrown out of waits when the run is aborted (by a user) or dropped (process stop, lease lost). */
export class RunInterrupted extends Error {
  constructor(readonly why: 'abort' | 'crash') {
    super(why === 'abort' ? 'aborted' : 'the run was stopped');
    this.name = 'RunInterrupted';
  }
}

export interface StepResult {
  outcome: 'done' | 'skipped';
  message: string;
}

export interface StepContext {
  kube: Kube;
  events: EventRecorder;
  workflowId: string;
  state: () => WorkflowState;
  /** The step as stored now (data included). */
  step: () => StepRecord;
  /** Another step's record by id (e.g. the cordon step's wasCordoned). */
  stepById: (id: string) => StepRecord | undefined;
  /** Persists data on this step before continuing: call it before any action that must not repeat. */
  remember: (data: Record<string, unknown>) => Promise<void>;
  progress: (message: string) => void;
  /** Sleeps; throws RunInterrupted when aborted or stopped meanwhile. */
  sleep: (ms: number) => Promise<void>;
  /** Throws RunInterrupted when aborted or stopped. */
  checkpoint: () => void;
  pollMs: number;
  dashboardNamespace: string;
}

/**
 * A refusal the cluster will repeat (4xx other than 408/409/429) becomes a StepFailure with the
 * message; anything transient (5xx, 429, timeouts, network) is rethrown so the engine retries the step.
 */
export function failUnlessTransient(err: unknown, message: (why: string) => string, status: number | undefined, why: string): never {
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429) throw new StepFailure(message(why));
  throw err;
}

/** Runs fn over items with at most `limit` at a time; the first error is rethrown after all settle. */
export async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let firstError: unknown;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        firstError ??= err;
        if (err instanceof RunInterrupted) return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (firstError !== undefined) throw firstError;
}

/** Polls `check` until it returns a value, sleeping pollMs between tries; transient errors are retried until the deadline. */
export async function pollUntil<T>(ctx: StepContext, deadlineMs: number, check: () => Promise<T | undefined>, onTimeout: (lastError?: unknown) => string): Promise<T> {
  let lastError: unknown;
  for (;;) {
    ctx.checkpoint();
    try {
      const v = await check();
      if (v !== undefined) return v;
      lastError = undefined;
    } catch (err) {
      if (err instanceof StepFailure || err instanceof RunInterrupted) throw err;
      lastError = err;
    }
    if (Date.now() >= deadlineMs) throw new StepFailure(onTimeout(lastError));
    await ctx.sleep(Math.min(ctx.pollMs, Math.max(1, deadlineMs - Date.now())));
  }
}

/** Deadline of a step: its first start (kept across restarts) plus the timeout. */
export function deadlineOf(step: StepRecord, timeoutSeconds: number): number {
  const start = step.startedAt ? Date.parse(step.startedAt) : Date.now();
  return (Number.isNaN(start) ? Date.now() : start) + timeoutSeconds * 1000;
}
