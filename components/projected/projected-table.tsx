'use client';
// The pods that mount projected service account tokens, a screenful at a time: the server reads
// pods in pages of 500 and stops after ~100 rows, "Show more" continues from its continue token,
// so a cluster of 100,000 pods is never read or rendered at once. A toggle adds the auto-injected
// kube-api-access volumes (hidden by default, counted). Reloads after a pod is created here.
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';
import type { ProjectedPage, ProjectedTokenDto } from '@/lib/k8s/projected';
import { IssuerNote } from './issuer-note';
import { PROJECTED_CREATED_EVENT } from './events';
import { TokenRow } from './token-row';

/** Rows kept on screen at most; beyond this "Show more" stops and asks to filter instead. */
export const MAX_ROWS = 2000;

interface TableState {
  rows: ProjectedTokenDto[];
  autoInjected: number;
  podsScanned: number;
  continue: string | null;
  issuer: ProjectedPage['issuer'];
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

const fromPage = (p: ProjectedPage): TableState => ({ rows: p.items, autoInjected: p.autoInjectedCount, podsScanned: p.podsScanned, continue: p.continue, issuer: p.issuer });

export function ProjectedTable({ initial, initialError }: { initial: ProjectedPage | null; initialError: string | null }) {
  const [state, setState] = useState<TableState | null>(initial ? fromPage(initial) : null);
  const [includeAuto, setIncludeAuto] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(initialError);
  const [note, setNote] = useState<string | null>(null);
  const seq = useRef(0);

  const load = useCallback(async (opts: { more: boolean; auto: boolean; from?: string | null }) => {
    const my = ++seq.current;
    setLoading(true);
    setError(null);
    const q = new URLSearchParams({ view: 'tokens', auto: opts.auto ? '1' : '0' });
    if (opts.more && opts.from) q.set('continue', opts.from);
    const r = await apiFetch<ProjectedPage>(`/api/projected?${q}`);
    if (my !== seq.current) return;
    setLoading(false);
    if (!r.ok) {
      setError(r.data.message ?? `Could not list pods (${r.status}).`);
      return;
    }
    const page = r.data;
    if (page.restarted) setNote('The list changed too much while paging (its continue token expired): it was read again from the start.');
    else setNote(null);
    setState((s) =>
      opts.more && s && !page.restarted
        ? { rows: [...s.rows, ...page.items], autoInjected: s.autoInjected + page.autoInjectedCount, podsScanned: s.podsScanned + page.podsScanned, continue: page.continue, issuer: page.issuer }
        : fromPage(page),
    );
  }, []);

  useEffect(() => {
    const onCreated = () => void load({ more: false, auto: includeAuto });
    window.addEventListener(PROJECTED_CREATED_EVENT, onCreated);
    return () => window.removeEventListener(PROJECTED_CREATED_EVENT, onCreated);
  }, [load, includeAuto]);

  const rows = state?.rows ?? [];
  const full = rows.length >= MAX_ROWS;

  return (
    <div className="space-y-3">
      {state && <IssuerNote issuer={state.issuer} />}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            data-testid="include-auto"
            checked={includeAuto}
            onChange={(e) => {
              setIncludeAuto(e.target.checked);
              void load({ more: false, auto: e.target.checked });
            }}
            className="h-4 w-4"
          />
          Include the auto-injected kube-api-access volumes
        </label>
        <button
          type="button"
          onClick={() => void load({ more: false, auto: includeAuto })}
          disabled={loading}
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-50 disabled:opacity-50"
        >
          Refresh
        </button>
      </div>
      {error && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
          {error}
        </p>
      )}
      {note && <p className="text-sm text-amber-900">{note}</p>}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table data-testid="projected-table" aria-busy={loading} className="min-w-full divide-y divide-slate-200 text-sm">
          <caption data-testid="projected-caption" className="px-4 py-3 text-left text-sm text-slate-600">
            {state
              ? `${plural(rows.length, includeAuto ? 'projected token volume' : 'custom projected token volume')} in ${plural(state.podsScanned, 'pod')} scanned` +
                (includeAuto ? '' : `; ${plural(state.autoInjected, 'auto-injected kube-api-access volume')} not shown`) +
                (state.continue ? '; more pods to scan' : '')
              : 'Pods with projected service account tokens'}
          </caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">Pod</th>
              <th scope="col" className="px-3 py-2">Service account</th>
              <th scope="col" className="px-3 py-2">Volume</th>
              <th scope="col" className="px-3 py-2">Audience</th>
              <th scope="col" className="px-3 py-2">Lifetime</th>
              <th scope="col" className="px-3 py-2">Token file</th>
              <th scope="col" className="px-3 py-2">Pod age</th>
              <th scope="col" className="px-3 py-2">Started before issuer change</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {state && rows.length === 0 && (
              <tr>
                <td colSpan={8} className="px-4 py-6 text-center text-slate-500">
                  {state.continue ? 'None in the pods scanned so far.' : 'No pod mounts a custom projected service account token.'}
                </td>
              </tr>
            )}
            {rows.map((t) => (
              <TokenRow key={`${t.namespace}/${t.pod}/${t.volume}`} t={t} />
            ))}
          </tbody>
        </table>
      </div>
      {state?.continue && (
        <div className="flex items-center gap-3">
          <button
            type="button"
            data-testid="show-more"
            onClick={() => void load({ more: true, auto: includeAuto, from: state.continue })}
            disabled={loading || full}
            className="rounded-md bg-slate-800 px-3 py-1.5 text-sm font-semibold text-white hover:bg-slate-900 disabled:opacity-50"
          >
            {loading ? 'Loading…' : 'Show more'}
          </button>
          {full && <span className="text-sm text-slate-600">{MAX_ROWS} rows shown: that is as many as this page keeps.</span>}
        </div>
      )}
    </div>
  );
}
