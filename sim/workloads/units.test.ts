// Pure rules of the workload simulation: which commands reboot a node and when, the kubelet's token
// refresh time, intOrPercent scaling as the Deployment and PDB controllers round, and tolerations.
import { describe, expect, it } from 'vitest';
import { rebootDelayMs } from './kubelet';
import { refreshAtMs } from './projected-tokens';
import { computeHash, scaled, tolerates } from './util';

describe('reboot commands', () => {
  it('reads the delay the way shutdown(8) and systemctl do', () => {
    expect(rebootDelayMs('chroot /host shutdown -r +1')).toBe(60_000);
    expect(rebootDelayMs('chroot /host shutdown -r +5')).toBe(300_000);
    expect(rebootDelayMs('chroot /host shutdown -r now')).toBe(0);
    expect(rebootDelayMs('chroot /host shutdown --reboot')).toBe(60_000);
    expect(rebootDelayMs('chroot /host systemctl reboot')).toBe(0);
    expect(rebootDelayMs('/bin/sh -c chroot /host shutdown -r 1')).toBe(60_000);
    expect(rebootDelayMs('chroot /host shutdown -r 5')).toBe(300_000);
    expect(rebootDelayMs('chroot /host shutdown -h now')).toBeUndefined();
    expect(rebootDelayMs('sleep 3600')).toBeUndefined();
    expect(rebootDelayMs('nginx -g daemon off;')).toBeUndefined();
  });
});

describe('token refresh time (token_manager.go)', () => {
  const exp = Date.parse('2026-01-01T01:00:07Z');
  it('is 80 % of the TTL counted from status.expirationTimestamp', () => {
    expect(refreshAtMs(exp, 3607, 0) - (exp - 3607_000)).toBe(2885_600);
    expect(refreshAtMs(exp, 7200, 0) - (exp - 7200_000)).toBe(5760_000);
  });
  it('is at most 24 hours, minus the jitter', () => {
    const e2 = Date.parse('2026-01-08T00:00:00Z');
    expect(refreshAtMs(e2, 7 * 86400, 0) - (e2 - 7 * 86400_000)).toBe(86400_000);
    expect(refreshAtMs(exp, 7200, 10_000) - (exp - 7200_000)).toBe(5750_000);
  });
});

describe('helpers', () => {
  it('scales intOrPercent as intstr does', () => {
    expect(scaled('25%', 3, true)).toBe(1);
    expect(scaled('25%', 3, false)).toBe(0);
    expect(scaled('10%', 5000, true)).toBe(500);
    expect(scaled(2, 10, false)).toBe(2);
  });
  it('hashes templates into the SafeEncodeString alphabet, stable across key order', () => {
    const a = computeHash({ metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const b = computeHash({ spec: { containers: [{ image: 'i', name: 'c' }] }, metadata: { labels: { app: 'x' } } });
    expect(a).toBe(b);
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(computeHash({ spec: { containers: [{ name: 'c', image: 'j' }] } })).not.toBe(a);
  });
  it('matches tolerations to taints as v1.Toleration.ToleratesTaint', () => {
    const master = { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' };
    expect(tolerates({ key: 'node-role.kubernetes.io/master', operator: 'Exists' }, master)).toBe(true);
    expect(tolerates({ operator: 'Exists' }, master)).toBe(true);
    expect(tolerates({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }, master)).toBe(false);
    expect(tolerates({ key: 'k', operator: 'Equal', value: 'v' }, { key: 'k', value: 'w', effect: 'NoSchedule' })).toBe(false);
  });
});
