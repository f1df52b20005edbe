// Retry delays for the upstream list/watch: exponential with "full jitter" (a uniformly random
// delay between 0 and the capped exponential), so many dashboard replicas that lost the API server
// at the same moment do not all come back at the same moment.

export interface BackoffOptions {
  /** Delay scale of the first retry (default 500 ms). */
  baseMs?: number;
  /** Upper bound of any delay (default 30 s). */
  capMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 500, capMs: 30_000 };

/** The ceiling for retry number `attempt` (1 = first retry): min(cap, base * 2^(attempt-1)). */
export function backoffCeiling(attempt: number, opts: BackoffOptions = {}): number {
  const { baseMs, capMs } = { ...DEFAULT_BACKOFF, ...opts };
  const n = Math.max(1, Math.floor(attempt));
  // 2^n overflows to Infinity for large n; min() with the cap keeps the result finite.
  return Math.min(capMs, baseMs * 2 ** (n - 1));
}

/** Full-jitter delay for retry number `attempt`: uniform in [0, ceiling). */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * backoffCeiling(attempt, opts));
}
