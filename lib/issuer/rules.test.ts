// The issuer change rules: checkIssuer agrees with the demo operator's (which models Go's url.Parse),
// no-op, cap of 10, discovery advice, the default, and the equivalent commands.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkIssuer as simCheckIssuer, goUrlParseError as simParse } from '../../sim/operator/validation';
import { syncServiceAccountIssuers } from '../../sim/operator/issuers';
import { checkIssuer, checkIssuerChange, type CheckContext, DEFAULT_ISSUER, expectedConfirmation, goUrlParseError, patchCommands, projectTrustedList } from '@/lib/issuer/rules';

const base: CheckContext = { specIssuer: '', trusted: [{ name: DEFAULT_ISSUER, expirationTime: null }], nowMs: Date.parse('2026-11-29T00:00:00Z') };
const codes = (input: string, ctx = base) => checkIssuerChange(input, ctx).findings.map((f) => `${f.level}:${f.code}`);

describe('checkIssuer', () => {
  it('matches the operator message for a value with ":" that is not a URL', () => {
    expect(checkIssuer('https://bad host')).toBe(`service-account issuer contained a ':' but was not a valid URL: parse "https://bad host": invalid character " " in host name`);
    expect(checkIssuer('https://ok.example.com')).toBeUndefined();
    expect(checkIssuer('no-colon-at-all')).toBeUndefined();
    expect(checkIssuer(':x')).toContain('missing protocol scheme');
  });

  it('agrees with the demo operator on arbitrary strings', () => {
    const chars = fc.constantFrom(...'ab:/%[]@?#. 1Z-_~\t'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.array(chars, { maxLength: 24 }).map((a) => a.join('')), fc.webUrl()), (s) => {
        expect(goUrlParseError(s)).toBe(simParse(s));
        expect(checkIssuer(s)).toBe(simCheckIssuer(s));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('checkIssuerChange', () => {
  it('an https URL: allowed, with the discovery advice', () => {
    const r = checkIssuerChange('https://issuer.example.com', base);
    expect(r.blocked).toBe(false);
    expect(r.discovery).toBe(true);
    expect(codes('https://issuer.example.com')).toEqual(['info:discovery']);
    expect(r.findings[0]!.message).toContain('https://issuer.example.com/.well-known/openid-configuration');
  });

  it('the same value is a no-op and blocked (also the default spelled out while the spec is empty)', () => {
    expect(checkIssuerChange('', base).blocked).toBe(true);
    expect(codes(DEFAULT_ISSUER)).toContain('block:no-op');
    const custom = { ...base, specIssuer: 'https://a.example.com' };
    expect(codes('https://a.example.com', custom)).toContain('block:no-op');
    expect(checkIssuerChange('https://b.example.com', custom).blocked).toBe(false);
  });

  it('a value the operator rejects is blocked', () => {
    expect(codes('https://bad host:x')).toContain('block:invalid-url');
  });

  it('a non-https issuer warns that discovery is disabled, but is allowed', () => {
    const r = checkIssuerChange('http://issuer.example.com', base);
    expect(r.blocked).toBe(false);
    expect(r.discovery).toBe(false);
    expect(codes('http://issuer.example.com')).toContain('warn:no-discovery');
    expect(codes('plain-name')).toContain('warn:no-discovery');
    expect(codes('https://x.example.com?q=1')).toContain('warn:no-discovery');
  });

  it('empty = back to the default: allowed, and says the current issuer stays trusted 24 h', () => {
    const r = checkIssuerChange('', { ...base, specIssuer: 'https://a.example.com', trusted: [{ name: 'https://a.example.com', expirationTime: null }, { name: DEFAULT_ISSUER, expirationTime: '2026-11-29T10:00:00Z' }] });
    expect(r.blocked).toBe(false);
    expect(r.toDefault).toBe(true);
    expect(r.desired).toBe(DEFAULT_ISSUER);
    expect(r.findings.find((f) => f.code === 'default')?.message).toMatch(/stays trusted for 24 hours/);
    expect(r.findings.map((f) => f.code)).toContain('was-trusted');
    expect(r.projected).toEqual([
      { name: DEFAULT_ISSUER, expirationTime: null },
      { name: 'https://a.example.com', expirationTime: '2026-11-30T00:00:00Z' },
    ]);
  });

  it('blocks a change that would exceed 10 trusted issuers, like the operator', () => {
    const trusted = [{ name: 'https://active', expirationTime: null }, ...Array.from({ length: 9 }, (_, i) => ({ name: `https://old-${i}`, expirationTime: '2026-11-29T12:00:00Z' }))];
    const ctx = { specIssuer: 'https://active', trusted, nowMs: base.nowMs };
    expect(codes('https://new', ctx)).toContain('block:too-many');
    // Going back to one of the trusted ones does not grow the list.
    expect(checkIssuerChange('https://old-3', ctx).blocked).toBe(false);
    // Same verdict as the demo operator's controller.
    const sim = syncServiceAccountIssuers(trusted.map((t) => (t.expirationTime ? { name: t.name, expirationTime: t.expirationTime } : { name: t.name })), 'https://new', base.nowMs);
    expect(sim.error).toMatch(/more than 10/);
  });

  it('projects the list as the operator writes it', () => {
    const now = base.nowMs;
    const cur = [{ name: 'https://a', expirationTime: null }, { name: DEFAULT_ISSUER, expirationTime: '2026-11-29T05:00:00Z' }];
    const sim = syncServiceAccountIssuers([{ name: 'https://a' }, { name: DEFAULT_ISSUER, expirationTime: '2026-11-29T05:00:00Z' }], 'https://b', now);
    expect(projectTrustedList(cur, 'https://b', '2026-11-30T00:00:00Z')).toEqual(sim.issuers.map((i) => ({ name: i.name, expirationTime: i.expirationTime ?? null })));
  });
});

describe('commands and confirmation', () => {
  it('oc and kubectl merge patches, JSON inside single quotes', () => {
    expect(patchCommands('https://x.example.com')).toEqual({
      oc: `oc patch authentication.config.openshift.io cluster --type=merge -p '{"spec":{"serviceAccountIssuer":"https://x.example.com"}}'`,
      kubectl: `kubectl patch authentication.config.openshift.io cluster --type=merge -p '{"spec":{"serviceAccountIssuer":"https://x.example.com"}}'`,
    });
    expect(patchCommands(`it's`).oc).toContain(`'{"spec":{"serviceAccountIssuer":"it'\\''s"}}'`);
  });

  it('the user types the new issuer, or "default"', () => {
    expect(expectedConfirmation('https://x')).toBe('https://x');
    expect(expectedConfirmation('')).toBe('default');
  });
});
