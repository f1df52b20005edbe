'use client';
// The live /rollout view: subscribes to /api/rollout/events (lib/live; polling when the user may
// list but not watch), keeps what it saw change (history.ts) on the cluster's clock, and renders the
// summary, the procedure's output, the stuck hint, the done banner, the node rows and the chart.
// Until the stream is live, or once it drops, the data is labelled and dimmed, never shown as live.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { RolloutDto } from '@/lib/k8s/rollout';
import { connectLive, type LiveClient, type LiveView } from '@/lib/live/client';
import { CompleteBanner } from './complete-banner';
import { ConditionsList } from './conditions-list';
import { ConnectionStatus } from './connection-status';
import { formatDuration } from './format';
import { browserAt, clusterNow, sameClock, type ClusterClock } from './cluster-clock';
import { advanceHistory, detectStuck, initHistory, rebaseHistory, type RolloutHistory } from './history';
import { ProcedureOutput } from './procedure-output';
import { RevisionChart } from './revision-chart';
import { RolloutNodeTable } from './rollout-node-table';
import { RolloutSummary } from './rollout-summary';
import { StuckHint } from './stuck-hint';
import { StuckThresholdInput } from './stuck-threshold-input';
import { useClusterClock, type ClockSampleBody } from './use-cluster-clock';

const STUCK_KEY = 'btd.rollout.stuckMinutes';
const noSubscribe = () => () => {};

function useLive<T>(url: string): LiveView<T> | null {
  const [client, setClient] = useState<LiveClient<T> | null>(null);
  useEffect(() => {
    const c = connectLive<T>(url, { pollMs: 2_000 });
    setClient(c);
    return () => c.close();
  }, [url]);
  return useSyncExternalStore(client?.subscribe ?? noSubscribe, () => client?.getView() ?? null, () => null);
}

/** Cluster-written timestamps that differ between two DTOs: each was written just now (clock samples). */
function freshTimestamps(prev: RolloutDto, next: RolloutDto): number[] {
  const out: string[] = [];
  for (const [t, c] of Object.entries(next.conditions)) {
    const p = prev.conditions[t as keyof RolloutDto['conditions']];
    if (c?.lastTransitionTime && c.lastTransitionTime !== p?.lastTransitionTime) out.push(c.lastTransitionTime);
  }
  for (const n of next.nodes) {
    const p = prev.nodes.find((x) => x.nodeName === n.nodeName);
    if (n.lastFailedTime && n.lastFailedTime !== p?.lastFailedTime) out.push(n.lastFailedTime);
  }
  return out.map((s) => Date.parse(s)).filter((x) => Number.isFinite(x));
}

export function RolloutLive({ initial, initialClock, command }: { initial: RolloutDto; initialClock: ClockSampleBody | null; command: string }) {
  const view = useLive<RolloutDto>('/api/rollout/events');
  const state = view?.state ?? 'connecting';
  const streamed = view?.loaded ? (view.data.get('cluster') ?? view.data.values().next().value) : undefined;
  const dto: RolloutDto = streamed ?? initial;
  const fresh = state === 'live' || state === 'polling';

  const nodeNames = useMemo(() => dto.nodes.map((n) => n.nodeName), [dto.nodes]);
  const { clock, now, addClusterSample } = useClusterClock(nodeNames, initialClock);

  const [minutes, setMinutes] = useState(15);
  useEffect(() => {
    const v = Number(window.localStorage.getItem(STUCK_KEY));
    if (Number.isFinite(v) && v >= 1 && v <= 1440) setMinutes(v);
  }, []);
  const changeMinutes = (m: number) => {
    setMinutes(m);
    window.localStorage.setItem(STUCK_KEY, String(m));
  };

  // History advances when a new DTO arrives, stamped on the clock estimate the history uses; a
  // better estimate later re-stamps what the page saw, so the chart and durations stay on one clock.
  const clockRef = useRef<ClusterClock>(clock);
  const [history, setHistory] = useState<RolloutHistory | null>(null);
  const lastDto = useRef<RolloutDto | null>(null);
  useEffect(() => {
    const prev = lastDto.current;
    lastDto.current = dto;
    if (prev && prev !== dto && state === 'live') for (const c of freshTimestamps(prev, dto)) addClusterSample(c);
    const at = clusterNow(clockRef.current, Date.now());
    setHistory((h) => (h ? advanceHistory(h, dto, at) : initHistory(dto, at)));
  }, [dto, state, addClusterSample]);
  useEffect(() => {
    const old = clockRef.current;
    if (sameClock(old, clock)) return;
    clockRef.current = clock;
    setHistory((h) => (h ? rebaseHistory(h, (t) => clusterNow(clock, browserAt(old, t))) : h));
  }, [clock]);

  const verdict = useMemo(() => (now === null ? null : detectStuck(dto, history, now, minutes * 60_000, formatDuration)), [dto, history, now, minutes]);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <ConnectionStatus state={state} staleSince={view?.staleSince ?? null} error={view?.error} updatedAt={view?.updatedAt} />
        {!clock.identity && (
          <span data-testid="cluster-clock-note" className="text-xs text-slate-500">
            Durations use the cluster&apos;s clock{clock.rate !== 1 ? `, which runs ${clock.rate >= 10 ? Math.round(clock.rate) : clock.rate.toFixed(1)}× as fast as this browser's (a sped-up demo cluster)` : ''}.
          </span>
        )}
      </div>
      <div data-testid="rollout-data" data-fresh={fresh ? 'true' : 'false'} className={fresh ? 'space-y-6' : 'space-y-6 opacity-60'} aria-busy={!fresh}>
        <RolloutSummary dto={dto} />
        {verdict?.stuck && <StuckHint dto={dto} verdict={verdict} />}
        {dto.complete && <CompleteBanner dto={dto} now={now} />}
        <ProcedureOutput dto={dto} command={command} />
        <section aria-labelledby="nodes-title" className="space-y-3">
          <h2 id="nodes-title" className="text-lg font-semibold">
            Nodes
          </h2>
          <RolloutNodeTable dto={dto} tracks={history?.nodes ?? {}} now={now} />
        </section>
        {history && now !== null && <RevisionChart dto={dto} history={history} now={now} />}
        <ConditionsList dto={dto} />
      </div>
      <StuckThresholdInput minutes={minutes} onChange={changeMinutes} />
    </div>
  );
}
