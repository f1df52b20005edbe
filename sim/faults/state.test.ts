// The fault state machine without a server: counting, filters, expiry on an injected clock,
// kube verbs and duration parsing.
import { describe, expect, it } from 'vitest';
import { FaultState, kubeVerb, parseDurationSeconds } from './state';

const get = { method: 'GET', path: '/api/v1/pods', verb: 'list' };

describe('FaultState', () => {
  it('fail faults are consumed in arrival order, first matching fault first, then pruned', () => {
    const s = new FaultState(() => 0);
    s.addFail({ count: 1, code: 500, verb: 'create' });
    s.addFail({ count: 2, code: 429 });
    expect(s.decide(get).fail).toMatchObject({ code: 429, retryAfterSeconds: 1 });
    expect(s.decide({ method: 'POST', path: '/api/v1/namespaces/a/pods', verb: 'create' }).fail?.code).toBe(500);
    expect(s.decide(get).fail?.code).toBe(429);
    expect(s.decide(get).fail).toBeUndefined();
    expect(s.list()).toEqual([]);
  });

  it('latency sums, expires on the clock; hang holds until its end; clear releases', () => {
    let now = 1_000;
    const s = new FaultState(() => now);
    s.addLatency({ ms: 100, durationSeconds: 2 });
    s.addLatency({ ms: 50 });
    s.addHang({ durationSeconds: 5 });
    const v = s.decide(get);
    expect(v.delayMs).toBe(150);
    expect(v.holdUntilMs).toBe(6_000);
    now = 3_500;
    expect(s.decide(get).delayMs).toBe(50);
    let released = 0;
    s.onRelease(() => released++);
    expect(s.clear()).toBe(2);
    expect(released).toBe(1);
    expect(s.hangUntil()).toBeUndefined();
  });

  it('jitter adds up to jitterMs', () => {
    const s = new FaultState(() => 0);
    s.addLatency({ ms: 100, jitterMs: 50 });
    expect(s.decide(get, () => 0).delayMs).toBe(100);
    expect(s.decide(get, () => 1).delayMs).toBe(150);
  });
});

describe('kubeVerb', () => {
  it('derives the verb as kube\'s RequestInfo does', () => {
    const q = new URLSearchParams();
    expect(kubeVerb('GET', '/api/v1/pods', false, q)).toBe('list');
    expect(kubeVerb('GET', '/api/v1/namespaces/a/pods/p', true, q)).toBe('get');
    expect(kubeVerb('GET', '/api/v1/pods', false, new URLSearchParams('watch=1'))).toBe('watch');
    expect(kubeVerb('GET', '/api/v1/watch/namespaces/a/pods', false, q)).toBe('watch');
    expect(kubeVerb('DELETE', '/api/v1/namespaces/a/pods', false, q)).toBe('deletecollection');
    expect(kubeVerb('DELETE', '/api/v1/namespaces/a/pods/p', true, q)).toBe('delete');
    expect(kubeVerb('PATCH', '/apis/apps/v1/namespaces/a/deployments/d', true, q)).toBe('patch');
  });
});

describe('parseDurationSeconds', () => {
  it('reads Go-style durations and bare seconds, rejects the rest', () => {
    expect(parseDurationSeconds('20s')).toBe(20);
    expect(parseDurationSeconds('500ms')).toBe(0.5);
    expect(parseDurationSeconds('1m30s')).toBe(90);
    expect(parseDurationSeconds('1h')).toBe(3600);
    expect(parseDurationSeconds('45')).toBe(45);
    expect(() => parseDurationSeconds('soon')).toThrow('invalid duration "soon"');
    expect(() => parseDurationSeconds('10s later')).toThrow('invalid duration');
    expect(() => parseDurationSeconds('')).toThrow('invalid duration');
  });
});
