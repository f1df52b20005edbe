// The cluster's clock as seen from the browser. The KubeAPIServer's timestamps (lastTransitionTime,
// expirationTime, lastFailedTime) are in the cluster's clock; durations and countdowns must be
// measured in it too. Samples pair a browser time with a cluster time (a node heartbeat, or a
// timestamp the cluster just wrote); from them we get an offset and, on a sped-up demo cluster, a
// rate. A cluster within a minute of the browser at rate ~1 is treated as the same clock.
export interface ClockSample {
  /** Browser time (ms) when the sample was taken. */
  b: number;
  /** Cluster time (ms) at that moment (a lower bound: the cluster wrote it a little earlier). */
  c: number;
}

export interface ClusterClock {
  offsetMs: number;
  rate: number;
  /** True when we trust the browser's own clock (no samples, or in step). */
  identity: boolean;
}

export const IDENTITY_CLOCK: ClusterClock = { offsetMs: 0, rate: 1, identity: true };

const MAX_SAMPLES = 20;

export function addSample(samples: readonly ClockSample[], s: ClockSample): ClockSample[] {
  if (!Number.isFinite(s.b) || !Number.isFinite(s.c)) return [...samples];
  return [...samples, s].slice(-MAX_SAMPLES);
}

/** Offset from the newest sample; rate from the oldest and newest samples at least 2 s apart. */
export function estimateClock(samples: readonly ClockSample[]): ClusterClock {
  const last = samples.at(-1);
  if (!last) return IDENTITY_CLOCK;
  let rate = 1;
  const first = samples.find((s) => last.b - s.b >= 2_000);
  if (first) {
    const r = (last.c - first.c) / (last.b - first.b);
    if (Number.isFinite(r) && r > 0) rate = Math.min(10_000, Math.max(0.01, r));
  }
  if (Math.abs(rate - 1) < 0.2) rate = 1;
  const offsetMs = last.c - last.b;
  if (rate === 1 && Math.abs(offsetMs) < 60_000) return IDENTITY_CLOCK;
  // Keep the newest sample exact: cluster(b) = last.c + (b - last.b) * rate.
  return { offsetMs: last.c - last.b * rate, rate, identity: false };
}

/** The cluster's time at browser time `browserMs`. */
export function clusterNow(clock: ClusterClock, browserMs: number): number {
  return clock.identity ? browserMs : clock.offsetMs + browserMs * clock.rate;
}

/** The browser time at which the cluster's clock read `clusterMs` (the inverse of clusterNow). */
export function browserAt(clock: ClusterClock, clusterMs: number): number {
  return clock.identity ? clusterMs : (clusterMs - clock.offsetMs) / clock.rate;
}

export function sameClock(a: ClusterClock, b: ClusterClock): boolean {
  return a.identity === b.identity && a.offsetMs === b.offsetMs && a.rate === b.rate;
}
