import { describe, expect, it } from 'vitest';
import { Clock } from './clock';

describe('Clock', () => {
  it('starts at real time and runs speed times faster', async () => {
    const before = Date.now();
    const c = new Clock(100);
    expect(Math.abs(c.nowMs() - before)).toBeLessThan(1000);
    const t0 = c.nowMs();
    await new Promise((r) => setTimeout(r, 50));
    const elapsed = c.nowMs() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(4000); // 50 real ms ≈ 5 sim s
    expect(elapsed).toBeLessThan(60_000);
  });

  it('scales timers and sleep, and cancel() stops a timer', async () => {
    const c = new Clock(1000);
    const start = Date.now();
    await c.sleep(20_000); // 20 sim s = 20 real ms
    const took = Date.now() - start;
    expect(took).toBeGreaterThanOrEqual(15);
    expect(took).toBeLessThan(2000);
    let fired = 0;
    const h = c.setTimeout(() => fired++, 10_000);
    h.cancel();
    let ticks = 0;
    const iv = c.setInterval(() => ticks++, 5_000);
    await new Promise((r) => setTimeout(r, 60));
    iv.cancel();
    const after = ticks;
    await new Promise((r) => setTimeout(r, 30));
    expect(fired).toBe(0);
    expect(after).toBeGreaterThanOrEqual(3);
    expect(ticks).toBe(after);
  });

  it('formats RFC 3339 with seconds precision and keeps time continuous on speed change', () => {
    const c = new Clock(1);
    expect(c.nowIso()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Clock.iso(Date.UTC(2026, 10, 29, 1, 2, 3, 999))).toBe('2026-11-29T01:02:03Z');
    const a = c.nowMs();
    c.speed = 1000;
    expect(c.nowMs() - a).toBeLessThan(100);
    expect(() => new Clock(0)).toThrow();
  });
});
