import { describe, expect, it } from 'vitest';
import { DEFAULT_ISSUER, goTimeString, issuerFlags, syncServiceAccountIssuers, TOO_MANY_ISSUERS } from './issuers';

const H = 3600_000;
const t0 = Date.parse('2026-11-29T01:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

describe('ServiceAccountIssuerController', () => {
  it('fresh status gets the default with its event; "" on a default-only list does nothing', () => {
    const r = syncServiceAccountIssuers([], '', t0);
    expect(r.issuers).toEqual([{ name: DEFAULT_ISSUER }]);
    expect(r.events[0]!.message).toBe(`Desired ServiceAccountIssuer "${DEFAULT_ISSUER}" is now active issuer.`);
    expect(syncServiceAccountIssuers(r.issuers, '', t0).changed).toBe(false);
  });
  it('A → B → C → "" as the operator e2e test shows', () => {
    const A = DEFAULT_ISSUER;
    let r = syncServiceAccountIssuers([{ name: A }], 'https://b', t0, { processStartMs: t0 - 1000 });
    expect(r.issuers).toEqual([{ name: 'https://b' }, { name: A, expirationTime: iso(t0 + 24 * H) }]);
    expect(r.events[0]!.message).toBe(
      `Desired ServiceAccountIssuer "https://b" is now active issuer. Previous issuer "${A}" is trusted until 2026-11-30 01:00:00 +0000 UTC m=+86401.000000000.`,
    );
    r = syncServiceAccountIssuers(r.issuers, 'https://c', t0 + H);
    expect(r.issuers).toEqual([{ name: 'https://c' }, { name: 'https://b', expirationTime: iso(t0 + 25 * H) }, { name: A, expirationTime: iso(t0 + 24 * H) }]);
    r = syncServiceAccountIssuers(r.issuers, '', t0 + 2 * H);
    expect(r.issuers).toEqual([{ name: A }, { name: 'https://c', expirationTime: iso(t0 + 26 * H) }, { name: 'https://b', expirationTime: iso(t0 + 25 * H) }]);
    expect(issuerFlags(r.issuers)).toEqual([A, 'https://c', 'https://b']);
  });
  it('legacy (≤4.19) resets to the default alone', () => {
    const r = syncServiceAccountIssuers([{ name: 'https://b' }, { name: DEFAULT_ISSUER, expirationTime: iso(t0 + H) }], '', t0, { legacyReset: true });
    expect(r.issuers).toEqual([{ name: DEFAULT_ISSUER }]);
    expect(r.events[0]!.message).toBe('Issuer set to default value "https://kubernetes.default.svc"');
  });
  it('prunes expired entries only when desired is active, with the event', () => {
    const list = [{ name: 'https://c' }, { name: 'https://b', expirationTime: iso(t0 + 2 * H) }, { name: 'x', expirationTime: iso(t0 + H) }];
    expect(syncServiceAccountIssuers(list, 'https://c', t0 + H - 1000).changed).toBe(false);
    const r = syncServiceAccountIssuers(list, 'https://c', t0 + H);
    expect(r.issuers).toEqual([{ name: 'https://c' }, { name: 'https://b', expirationTime: iso(t0 + 2 * H) }]);
    expect(r.events[0]!.message).toBe('The following service account issuers were pruned and are no longer trusted: x');
    const r2 = syncServiceAccountIssuers(list, 'https://c', t0 + 3 * H);
    expect(r2.events[0]!.message).toBe('The following service account issuers were pruned and are no longer trusted: https://b,x');
  });
  it('refuses more than 10 entries', () => {
    let list = [{ name: 'i0' }] as { name: string; expirationTime?: string }[];
    for (let i = 1; i <= 9; i++) list = syncServiceAccountIssuers(list, `i${i}`, t0 + i * 1000).issuers;
    expect(list).toHaveLength(10);
    const r = syncServiceAccountIssuers(list, 'i10', t0 + 20_000);
    expect(r.error).toBe(TOO_MANY_ISSUERS);
    expect(r.changed).toBe(false);
    // re-selecting a trusted one is fine: it moves to the front
    const r2 = syncServiceAccountIssuers(list, 'i3', t0 + 20_000);
    expect(r2.issuers[0]).toEqual({ name: 'i3' });
    expect(r2.issuers).toHaveLength(10);
  });
  it('goTimeString trims fractional zeros like Go', () => {
    expect(goTimeString(Date.parse('2026-01-02T15:04:05.120Z'))).toBe('2026-01-02 15:04:05.12 +0000 UTC');
  });
});
