// formatAge follows kubectl's duration style.
import { describe, expect, it } from 'vitest';
import { formatAge } from './age';

const now = Date.parse('2026-11-29T12:00:00Z');
const ago = (sec: number) => new Date(now - sec * 1000).toISOString();

describe('formatAge', () => {
  it.each([
    [5, '5s'],
    [119, '119s'],
    [125, '2m5s'],
    [600, '10m'],
    [3 * 3600 + 4 * 60, '3h4m'],
    [20 * 3600, '20h'],
    [6 * 86400, '6d'],
    [6 * 86400 + 3 * 3600, '6d3h'],
    [100 * 86400, '100d'],
    [3 * 365 * 86400, '3y'],
  ])('%is ago → %s', (sec, want) => {
    expect(formatAge(ago(sec), now)).toBe(want);
  });

  it('handles missing, invalid and future timestamps', () => {
    expect(formatAge(null, now)).toBe('—');
    expect(formatAge('yesterday', now)).toBe('—');
    expect(formatAge(new Date(now + 60_000).toISOString(), now)).toBe('0s');
  });
});
