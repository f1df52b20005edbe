// React hook: the cluster's clock (cluster-clock.ts), fed by /api/rollout/clock samples (a node
// heartbeat Lease) every 15 s and by timestamps the cluster writes while the page watches
// (addClusterSample), plus a "now" that ticks every second. Only client components import this.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { addSample, clusterNow, estimateClock, type ClockSample, type ClusterClock } from './cluster-clock';

export interface ClockSampleBody {
  serverNow: string;
  clusterNow: string | null;
}

export interface ClusterClockState {
  clock: ClusterClock;
  /** The cluster's time now (ms), re-rendered every tick; null until mounted (server render and hydration show no clock-dependent text). */
  now: number | null;
  /** Feed a timestamp the cluster has just written (seen as it happened). */
  addClusterSample: (clusterMs: number) => void;
}

export function useClusterClock(nodeNames: string[], initial?: ClockSampleBody | null, tickMs = 1000): ClusterClockState {
  const [samples, setSamples] = useState<ClockSample[]>(() =>
    // The page's server rendered moments ago, on (usually) the same clock as this browser.
    initial?.clusterNow ? [{ b: Date.parse(initial.serverNow), c: Date.parse(initial.clusterNow) }] : [],
  );
  const [browserNow, setBrowserNow] = useState<number | null>(null);
  const nodesKey = nodeNames.join(',');
  const failures = useRef(0);

  useEffect(() => {
    setBrowserNow(Date.now());
    const t = setInterval(() => setBrowserNow(Date.now()), tickMs);
    return () => clearInterval(t);
  }, [tickMs]);

  useEffect(() => {
    if (!nodesKey) return;
    let stopped = false;
    const q = new URLSearchParams(nodesKey.split(',').map((n) => ['node', n]));
    const once = async () => {
      const sent = Date.now();
      try {
        const res = await fetch(`/api/rollout/clock?${q.toString()}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (!res.ok) throw new Error(String(res.status));
        const body = (await res.json()) as ClockSampleBody;
        if (stopped) return;
        if (!body.clusterNow) {
          failures.current++;
          return;
        }
        failures.current = 0;
        const b = (sent + Date.now()) / 2;
        setSamples((s) => addSample(s, { b, c: Date.parse(body.clusterNow!) }));
      } catch {
        failures.current++;
      }
    };
    void once();
    const t = setInterval(() => {
      // A cluster without readable heartbeats will not grow one: stop asking after a few tries.
      if (failures.current < 3) void once();
    }, 15_000);
    return () => {
      stopped = true;
      clearInterval(t);
    };
  }, [nodesKey]);

  const addClusterSample = useCallback((c: number) => setSamples((s) => addSample(s, { b: Date.now(), c })), []);
  const clock = useMemo(() => estimateClock(samples), [samples]);
  return { clock, now: browserNow === null ? null : clusterNow(clock, browserNow), addClusterSample };
}
