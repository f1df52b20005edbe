// "Ask the cluster": a TokenReview through the dashboard, as the signed-in user. This explicit
// button is the only way a pasted token leaves the browser, and the notice beside it says so.
// The answer is shown as the cluster gave it, its error text verbatim.
import { useEffect, useState } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';
import { ReviewResult, type Review } from './review-result';

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'done'; review: Review } | { kind: 'failed'; message: string; hint?: string | undefined };

export function ReviewPanel({ token }: { token: string }) {
  const [audiences, setAudiences] = useState('');
  const [state, setState] = useState<State>({ kind: 'idle' });

  // An answer belongs to one token: a new paste clears it.
  useEffect(() => setState({ kind: 'idle' }), [token]);

  async function ask() {
    setState({ kind: 'busy' });
    const auds = audiences.split(/[,\s]+/).map((a) => a.trim()).filter(Boolean);
    const r = await apiFetch<Review>('/api/tokens/review', { method: 'POST', body: { token, ...(auds.length ? { audiences: auds } : {}) } }).catch(
      (e: unknown) => ({ ok: false, status: 0, data: { message: `The dashboard could not be reached: ${e instanceof Error ? e.message : String(e)}` } as Review & { message?: string; hint?: string } }),
    );
    if (!r.ok) {
      setState({ kind: 'failed', message: r.data.message ?? `The review failed (HTTP ${r.status}).`, hint: r.data.hint });
      return;
    }
    setState({ kind: 'done', review: r.data });
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="review-audiences" className="block text-sm font-medium text-slate-800">
            Audiences to check (optional)
          </label>
          <input
            id="review-audiences"
            value={audiences}
            onChange={(e) => setAudiences(e.target.value)}
            placeholder="empty = the API server's audiences"
            className="mt-1 w-72 rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-200"
          />
        </div>
        <button
          type="button"
          onClick={ask}
          disabled={!token || state.kind === 'busy'}
          aria-describedby="review-notice"
          className="rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 disabled:cursor-not-allowed disabled:bg-slate-400"
        >
          {state.kind === 'busy' ? 'Asking…' : 'Ask the cluster (TokenReview)'}
        </button>
        <p id="review-notice" className="max-w-md text-xs text-amber-900">
          This sends the token to the dashboard server, which passes it to the cluster&apos;s TokenReview API as you. It is the only way a
          pasted token leaves your browser; it is not stored or logged.
        </p>
      </div>

      <div aria-live="polite">
        {state.kind === 'failed' ? (
          <div role="alert" data-testid="review-failed" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
            <p className="font-semibold">{state.message}</p>
            {state.hint ? <p className="mt-1 text-xs">{state.hint}</p> : null}
          </div>
        ) : null}
        {state.kind === 'done' ? <ReviewResult review={state.review} /> : null}
      </div>
    </div>
  );
}
