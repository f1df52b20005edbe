'use client';
// The issuers the API server trusts (KubeAPIServer status.serviceAccountIssuers): the active one
// and the previous ones with a live countdown to their expiry. Polls /api/issuer so it follows the
// operator (a change shows up seconds after it is applied) and samples the cluster's clock.
import { useEffect, useMemo, useState } from 'react';
import { addSample, estimateClock, type ClockSample } from '@/components/rollout/cluster-clock';
import type { IssuerState } from '@/lib/k8s/issuer';
import { Countdown } from './countdown';
import { formatUtc } from './format';

const POLL_MS = 3_000;
const FIRST_POLL_MS = 2_100;

type Props = Pick<IssuerState, 'trusted' | 'clock' | 'apiAudiences'>;

function sampleOf(clock: IssuerState['clock'], browserMs: number): ClockSample | null {
  if (!clock.clusterNow) return null;
  return { b: browserMs, c: Date.parse(clock.clusterNow) };
}

export function TrustedIssuers({ initial }: { initial: Props }) {
  const [state, setState] = useState<Props>(initial);
  const [samples, setSamples] = useState<ClockSample[]>(() => {
    const s = sampleOf(initial.clock, Date.parse(initial.clock.serverNow));
    return s ? [s] : [];
  });
  const [stale, setStale] = useState(false);

  // A server re-render (router.refresh after a change) brings fresh data and a fresh clock sample.
  useEffect(() => {
    setState(initial);
    const s = sampleOf(initial.clock, Date.parse(initial.clock.serverNow));
    if (s) setSamples((prev) => (prev.some((p) => p.b === s.b) ? prev : addSample(prev, s).sort((a, b) => a.b - b.b)));
  }, [initial]);

  useEffect(() => {
    let stop = false;
    const tick = async () => {
      try {
        const res = await fetch('/api/issuer', { cache: 'no-store', headers: { Accept: 'application/json' } });
        if (!res.ok) throw new Error(String(res.status));
        const next = (await res.json()) as IssuerState;
        if (stop) return;
        setState({ trusted: next.trusted, clock: next.clock, apiAudiences: next.apiAudiences });
        const s = sampleOf(next.clock, Date.now());
        if (s) setSamples((prev) => addSample(prev, s));
        setStale(false);
      } catch {
        if (!stop) setStale(true);
      }
    };
    // The first poll comes soon, so the cluster's clock rate is known within a couple of seconds.
    const first = setTimeout(tick, FIRST_POLL_MS);
    const t = setInterval(tick, POLL_MS);
    return () => {
      stop = true;
      clearTimeout(first);
      clearInterval(t);
    };
  }, []);

  // A cluster whose clock is not the browser's: no countdown until its rate is measured (two
  // samples 2 s apart), rather than one that runs at the wrong speed.
  const clock = useMemo(() => {
    const c = estimateClock(samples);
    const span = samples.length > 1 ? samples[samples.length - 1]!.b - samples[0]!.b : 0;
    return c.identity || span >= 2_000 ? c : null;
  }, [samples]);
  const active = state.trusted.filter((i) => !i.expirationTime);
  const previous = state.trusted.filter((i) => i.expirationTime).sort((a, b) => Date.parse(a.expirationTime!) - Date.parse(b.expirationTime!));

  return (
    <div className="space-y-4">
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table data-testid="trusted-issuers" className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="px-4 py-3 text-left text-sm text-slate-600">
            {state.trusted.length === 0
              ? 'The KubeAPIServer status lists no issuers.'
              : `${state.trusted.length} trusted ${state.trusted.length === 1 ? 'issuer' : 'issuers'} (KubeAPIServer status.serviceAccountIssuers), at most 10 at a time`}
            {stale && <span className="ml-2 text-amber-800">· not updating (the last refresh failed)</span>}
            {clock && !clock.identity && <span className="ml-2 text-slate-500">· countdowns in the cluster’s clock{clock.rate !== 1 ? ` (runs ${Math.round(clock.rate)}× faster)` : ''}</span>}
          </caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-2">Issuer</th>
              <th scope="col" className="px-4 py-2">Role</th>
              <th scope="col" className="px-4 py-2">Trusted until</th>
              <th scope="col" className="px-4 py-2">Time left</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {active.map((i) => (
              <tr key={`a-${i.name}`} data-testid="trusted-issuer" data-role="active">
                <th scope="row" className="break-all px-4 py-2 text-left font-mono text-xs font-medium text-slate-900">{i.name}</th>
                <td className="px-4 py-2 text-emerald-800">Active: signs new tokens</td>
                <td className="px-4 py-2 text-slate-500">no expiry</td>
                <td className="px-4 py-2 text-slate-500">—</td>
              </tr>
            ))}
            {previous.map((i) => (
              <tr key={`p-${i.name}`} data-testid="trusted-issuer" data-role="previous" data-issuer={i.name}>
                <th scope="row" className="break-all px-4 py-2 text-left font-mono text-xs font-medium text-slate-900">{i.name}</th>
                <td className="px-4 py-2 text-amber-900">Previous: still accepted</td>
                <td className="whitespace-nowrap px-4 py-2 font-mono text-xs text-slate-700">
                  <time dateTime={i.expirationTime!}>{formatUtc(i.expirationTime!)}</time>
                </td>
                <td className="whitespace-nowrap px-4 py-2">
                  {clock ? <Countdown expiresAt={i.expirationTime!} clock={clock} /> : <span className="text-slate-500" data-testid="issuer-countdown-pending">measuring the cluster’s clock…</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div data-testid="api-audiences" className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
        <h3 className="font-semibold">API audiences</h3>
        <p className="mt-1 text-slate-600">
          The kube-apiserver accepts tokens whose audience is one of these (<code>--api-audiences</code>, the same list as the trusted issuers, active first).
        </p>
        <ol className="mt-2 list-decimal space-y-1 pl-6 font-mono text-xs">
          {state.apiAudiences.map((a) => (
            <li key={a} className="break-all">{a}</li>
          ))}
        </ol>
      </div>
    </div>
  );
}
