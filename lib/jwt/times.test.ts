import { describe, expect, it } from 'vitest';
import { kubeletRefreshSeconds, projectionAdvice, describeTime, formatDuration, formatLocal, formatRelative, formatUtc, timeline, tokenTimes } from './times';

const iat = 1_700_000_000;
const ms = (s: number) => s * 1000;

describe('relative and absolute times', () => {
  it('words durations as the inspector shows them', () => {
    expect(formatDuration(42 * 60 + 30)).toBe('42 min');
    expect(formatDuration(3 * 86400 + 5000)).toBe('3 days');
    expect(formatDuration(86400)).toBe('1 day');
    expect(formatDuration(36 * 3600)).toBe('36 hours');
    expect(formatDuration(90)).toBe('90 seconds');
    expect(formatDuration(1)).toBe('1 second');
    expect(formatDuration(31536000)).toBe('1 year');
    expect(formatDuration(-7200)).toBe('2 hours');
  });

  it('phrases each point', () => {
    const now = ms(iat);
    expect(describeTime('exp', iat + 42 * 60, now)).toBe('expires in 42 min');
    expect(describeTime('exp', iat - 3 * 86400, now)).toBe('expired 3 days ago');
    expect(describeTime('iat', iat - 300, now)).toBe('issued 5 min ago');
    expect(describeTime('nbf', iat + 600, now)).toBe('becomes valid in 10 min');
    expect(describeTime('warnafter', iat - 120, now)).toBe('stale since 2 min ago');
    expect(formatRelative(iat, now)).toBe('now');
    expect(formatRelative(iat, new Date(ms(iat) - 5000))).toBe('in 5 seconds');
  });

  it('absolute UTC and local', () => {
    expect(formatUtc(1679543830)).toBe('2023-03-23 03:57:10 UTC');
    expect(formatLocal(1679543830, 'UTC')).toBe('23/03/2023, 03:57:10 UTC');
    expect(formatLocal(1679543830, 'Europe/Berlin')).toBe('23/03/2023, 04:57:10 CET');
    expect(formatLocal(1679543830, 'Not/AZone')).toBe('2023-03-23 03:57:10 UTC');
    expect(formatUtc(1e20)).toBe('invalid date');
  });
});

describe('kubelet refresh point (token_manager.go)', () => {
  const pod = { 'kubernetes.io': { pod: { name: 'p', uid: 'u' } } };
  it('80 % of expirationSeconds with integer division', () => {
    expect(tokenTimes({ iat, exp: iat + 3600, ...pod }).refresh).toEqual({ at: iat + 2880, basis: '80%', requestedSeconds: 3600, kubeletManaged: true });
    expect(tokenTimes({ iat, exp: iat + 601 }).refresh).toMatchObject({ at: iat + 601 - 120, kubeletManaged: false });
  });
  it('3607: uses warnafter − iat (what the kubelet requested), not the one-year exp', () => {
    const p = { iat, exp: iat + 31536000, 'kubernetes.io': { ...pod['kubernetes.io'], warnafter: iat + 3607 } };
    expect(tokenTimes(p)).toMatchObject({ extended: true, lifetimeSeconds: 31536000, refresh: { at: iat + 2886, requestedSeconds: 3607 } });
  });
  it('24 h cap for long tokens', () => {
    expect(tokenTimes({ iat, exp: iat + 7 * 86400, ...pod }).refresh).toMatchObject({ at: iat + 86400, basis: '24h' });
    // 30 h: 80 % = 24 h exactly → still the 80 % rule
    expect(tokenTimes({ iat, exp: iat + 30 * 3600 }).refresh).toMatchObject({ at: iat + 86400, basis: '80%' });
  });
  it('non-numeric claims are reported, not used', () => {
    expect(tokenTimes({ iat: '1', exp: null, nbf: iat })).toMatchObject({ invalid: ['iat', 'exp'], nbf: iat, extended: false });
    expect(tokenTimes({ iat: '1' }).refresh).toBeUndefined();
  });
});

describe('timeline', () => {
  it('fractions from iat (0) to exp (1), now clamped outside', () => {
    const p = { iat, exp: iat + 3600, 'kubernetes.io': { pod: { name: 'p' } } };
    const t = timeline(p, ms(iat + 900))!;
    expect(t.start).toBe(iat);
    expect(t.end).toBe(iat + 3600);
    const f = Object.fromEntries(t.points.map((x) => [x.key, x.fraction]));
    expect(f).toEqual({ iat: 0, refresh: 0.8, exp: 1, now: 0.25 });
    const late = timeline(p, ms(iat + 10_000))!.points.find((x) => x.key === 'now')!;
    expect(late).toMatchObject({ fraction: 1, clamped: 'after', at: iat + 10_000 });
    const early = timeline(p, ms(iat - 10))!.points.find((x) => x.key === 'now')!;
    expect(early).toMatchObject({ fraction: 0, clamped: 'before' });
  });
  it('no timeline without iat and exp', () => {
    expect(timeline({ iat }, 0)).toBeNull();
    expect(timeline({ iat, exp: iat }, 0)).toBeNull();
  });
});

describe('projection advice', () => {
  it('limits, 3607, frequent rotation, long-lived', () => {
    expect(kubeletRefreshSeconds(3607)).toBe(2886);
    expect(kubeletRefreshSeconds(600)).toBe(480);
    expect(kubeletRefreshSeconds(7 * 86400)).toBe(86400);
    const codes = (s: number, o = {}) => projectionAdvice(s, o).map((a) => a.code);
    expect(codes(599)).toEqual(['below-minimum']);
    expect(codes(2 ** 32 + 1)).toEqual(['above-maximum']);
    expect(codes(3600)).toEqual([]);
    expect(codes(3607)).toEqual(['extended-3607']);
    expect(projectionAdvice(3607)[0]!.message).toMatch(/one year.*48 min/);
    expect(projectionAdvice(3607, { customAudience: true })[0]!.message).toMatch(/does NOT extend/);
    expect(codes(600)).toEqual(['frequent-rotation']);
    expect(codes(172800)).toEqual(['long-lived']);
  });
});
