'use client';
// One workflow run, followed live over /api/restart/events (EventSource): the whole state on every
// (re)connect, then step, progress and log events. Says honestly whether it is live, reconnecting
// or stale since when; a finished run is shown as recorded, without a stream. Pause, resume and
// abort go through /api/restart/control/* with the CSRF token.
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';
import { ConnectionStatus } from '@/components/rollout/connection-status';
import type { ClientStateName } from '@/lib/live/client';
import type { WorkflowEvent, WorkflowState } from '@/lib/workflows/types';
import { applyEvent } from './apply-event';
import { formatTime, isActive, KIND_LABEL } from './format';
import { RunControls } from './run-controls';
import { RunProgress } from './run-progress';
import { StatusBadge } from './status-badge';

const STALE_AFTER_MS = 10_000;
/** The server pings every 5 s; this long without a word means the stream is dead. */
const SILENT_MS = 15_000;

export function RunLive({ initial, canControl, deniedReason }: { initial: WorkflowState; canControl: boolean; deniedReason: string | null }) {
  const [state, setState] = useState<WorkflowState>(initial);
  const [conn, setConn] = useState<ClientStateName>('connecting');
  const [staleSince, setStaleSince] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const active = isActive(state);

  useEffect(() => {
    if (!active) return;
    let es: EventSource | null = null;
    let closed = false;
    let staleTimer: ReturnType<typeof setTimeout> | undefined;
    let reopenTimer: ReturnType<typeof setTimeout> | undefined;
    const down = () => {
      setConn((c) => (c === 'stale' ? c : 'reconnecting'));
      setStaleSince((x) => x ?? new Date().toISOString());
      if (!staleTimer) staleTimer = setTimeout(() => setConn('stale'), STALE_AFTER_MS);
    };
    let lastHeard = Date.now();
    // A stream that stays open but carries nothing (not even the 5 s ping) is dead: reopen it.
    const watchdog = setInterval(() => {
      if (Date.now() - lastHeard > SILENT_MS && es && es.readyState !== EventSource.CLOSED) {
        es.close();
        down();
        lastHeard = Date.now();
        open();
      }
    }, 2_000);
    const open = () => {
      es = new EventSource('/api/restart/events');
      es.addEventListener('ping', () => (lastHeard = Date.now()));
      es.onopen = () => {
        lastHeard = Date.now();
        clearTimeout(staleTimer);
        staleTimer = undefined;
        setConn('live');
        setStaleSince(null);
      };
      es.onerror = () => {
        if (closed) return;
        down();
        // A closed EventSource (an HTTP error, not a dropped connection) does not retry by itself.
        if (es && es.readyState === EventSource.CLOSED) {
          es.close();
          reopenTimer = setTimeout(open, 3_000);
        }
      };
      for (const type of ['state', 'step', 'progress', 'log']) {
        es.addEventListener(type, (e) => {
          try {
            lastHeard = Date.now();
            const ev = JSON.parse((e as MessageEvent<string>).data) as WorkflowEvent;
            setState((s) => applyEvent(s, ev, initial.id) ?? s);
          } catch {
            /* a malformed event is skipped; the next state event carries everything */
          }
        });
      }
    };
    open();
    return () => {
      closed = true;
      clearInterval(watchdog);
      clearTimeout(staleTimer);
      clearTimeout(reopenTimer);
      es?.close();
    };
  }, [active, initial.id]);

  async function act(action: 'pause' | 'resume' | 'abort') {
    if (action === 'abort' && !window.confirm(`Abort ${KIND_LABEL[state.kind].toLowerCase()} ${state.id}? It stops at the next safe point; what is done stays done.`)) return;
    setBusy(action);
    setError(null);
    try {
      const r = await apiFetch<{ state: WorkflowState }>(`/api/restart/control/${action}`, { method: 'POST', body: { id: state.id } });
      if (r.ok) setState((s) => (r.data.state.id === s.id && r.data.state.updatedAt >= s.updatedAt ? r.data.state : s));
      else setError(r.data.message ?? `The ${action} failed (${r.status}).`);
    } catch {
      setError('The dashboard server could not be reached.');
    } finally {
      setBusy(null);
    }
  }

  const done = state.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;
  const total = state.steps.length;
  const pct = total ? Math.round((done / total) * 100) : 100;
  const current = state.steps[Math.min(state.cursor, total - 1)];

  return (
    <div data-testid="run" data-id={state.id} data-status={state.status} className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-lg font-semibold">{KIND_LABEL[state.kind]}</span>
          <StatusBadge status={state.status} testId="run-status" />
          <code className="text-xs text-slate-500">{state.id}</code>
        </div>
        {active ? (
          <ConnectionStatus state={conn} staleSince={staleSince} />
        ) : (
          <span data-testid="live-state" className="text-sm text-slate-600">
            Finished {formatTime(state.finishedAt)}: as recorded in the cluster.
          </span>
        )}
      </div>
      <p className="text-sm text-slate-600">
        Started {formatTime(state.createdAt)} by <strong>{state.initiator.username}</strong>
        {state.runner && active ? <> · run by dashboard process {state.runner}</> : null}
      </p>
      <div>
        <div className="flex justify-between text-xs text-slate-600">
          <span data-testid="run-counts">
            {done} of {total} steps done
          </span>
          {active && current && <span data-testid="run-current">Now: {current.title}</span>}
        </div>
        <div className="mt-1 h-2 w-full overflow-hidden rounded bg-slate-200" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label="Steps done">
          <div className={`h-2 ${state.status === 'failed' || state.status === 'aborted' ? 'bg-red-500' : 'bg-emerald-500'}`} style={{ width: `${pct}%` }} />
        </div>
      </div>
      {state.message && (
        <p role={state.status === 'failed' ? 'alert' : 'status'} data-testid="run-message" className={`rounded-md border p-3 text-sm ${state.status === 'succeeded' ? 'border-emerald-300 bg-emerald-50 text-emerald-950' : state.status === 'running' || state.status === 'paused' ? 'border-sky-300 bg-sky-50' : 'border-red-300 bg-red-50 text-red-900'}`}>
          {state.message}
        </p>
      )}
      {state.status === 'succeeded' && !state.message && (
        <p role="status" data-testid="run-message" className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-950">
          Done: every step finished.
        </p>
      )}
      {active && (
        <div className="space-y-1">
          <RunControls state={state} canControl={canControl} busy={busy} onAction={act} />
          {!canControl && deniedReason && (
            <p data-testid="control-denied" className="text-xs text-slate-600">
              {deniedReason}
            </p>
          )}
          {error && (
            <p role="alert" data-testid="control-error" className="text-sm text-red-800">
              {error}
            </p>
          )}
        </div>
      )}
      <RunProgress state={state} />
      <details data-testid="run-log" className="text-sm">
        <summary className="cursor-pointer font-medium">Audit log ({state.log.length})</summary>
        <ul className="mt-1 space-y-0.5 font-mono text-xs">
          {state.log.map((l, i) => (
            <li key={i}>
              {formatTime(l.at)} · {l.by}: {l.message}
            </li>
          ))}
        </ul>
      </details>
      <p className="text-xs text-slate-500">
        Every action is also a Kubernetes Event: <code>oc get events -A --field-selector source=bound-token-dashboard</code>. <Link href="/restart/history" className="underline">All workflows</Link>
      </p>
    </div>
  );
}
