// The retry delay: exponential ceiling, capped, full jitter in [0, ceiling).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffCeiling, backoffDelay } from './backoff';

describe('backoff', () => {
  it('doubles from the base up to the cap', () => {
    const o = { baseMs: 500, capMs: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffCeiling(a, o))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffCeiling(10_000, o)).toBe(30_000);
    expect(backoffCeiling(0, o)).toBe(500);
  });

  it('uses the defaults 0.5 s and 30 s', () => {
    expect(backoffCeiling(1)).toBe(500);
    expect(backoffCeiling(50)).toBe(30_000);
  });

  it('is full jitter: random 0 gives 0, random just under 1 gives just under the ceiling', () => {
    expect(backoffDelay(3, { baseMs: 100, capMs: 10_000 }, () => 0)).toBe(0);
    expect(backoffDelay(3, { baseMs: 100, capMs: 10_000 }, () => 0.999999)).toBe(399);
    expect(backoffDelay(3, { baseMs: 100, capMs: 10_000 }, () => 0.5)).toBe(200);
  });

  it('always lies in [0, ceiling) and never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 120_000 }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (attempt, base, cap, r) => {
        const d = backoffDelay(attempt, { baseMs: base, capMs: cap }, () => r);
        const ceil = backoffCeiling(attempt, { baseMs: base, capMs: cap });
        return d >= 0 && d <= ceil && d <= cap && Number.isFinite(d);
      }),
    );
  });

  it('spreads retries (not all the same delay)', () => {
    const ds = new Set(Array.from({ length: 50 }, () => backoffDelay(6)));
    expect(ds.size).toBeGreaterThan(10);
  });
});
