// Pause, resume and abort for a running workflow. Each acts at the next safe point (a step in
// flight finishes its API call); disabled, with the reason, for a user who may not run it.
import type { WorkflowState } from '@/lib/workflows/types';

export function RunControls({ state, canControl, busy, onAction }: { state: WorkflowState; canControl: boolean; busy: string | null; onAction: (a: 'pause' | 'resume' | 'abort') => void }) {
  const paused = state.status === 'paused' || state.requested?.action === 'pause';
  const aborting = state.requested?.action === 'abort';
  const base = 'rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:bg-slate-300 disabled:text-white';
  return (
    <div data-testid="run-controls" className="flex flex-wrap items-center gap-2">
      {paused ? (
        <button type="button" data-testid="resume-button" disabled={!canControl || busy !== null || aborting} onClick={() => onAction('resume')} className={`${base} bg-sky-700 text-white hover:bg-sky-600`}>
          {busy === 'resume' ? 'Resuming…' : 'Resume'}
        </button>
      ) : (
        <button type="button" data-testid="pause-button" disabled={!canControl || busy !== null || aborting} onClick={() => onAction('pause')} className={`${base} bg-slate-700 text-white hover:bg-slate-600`}>
          {busy === 'pause' ? 'Pausing…' : 'Pause after this step'}
        </button>
      )}
      <button type="button" data-testid="abort-button" disabled={!canControl || busy !== null || aborting} onClick={() => onAction('abort')} className={`${base} bg-red-700 text-white hover:bg-red-600`}>
        {aborting ? 'Aborting…' : busy === 'abort' ? 'Aborting…' : 'Abort'}
      </button>
      {state.requested && (
        <span data-testid="requested" className="text-xs text-slate-600">
          {state.requested.action} asked by {state.requested.by}: applied at the next safe point
        </span>
      )}
    </div>
  );
}
