import { describe, expect, it } from 'vitest';
import { tokenWarnings } from './warnings';
import { classifyToken, explainClaims, parseSubject } from './claims';

const iat = 1_700_000_000;
const ms = (s: number) => s * 1000;
const bound = (extra: Record<string, unknown> = {}) => ({
  aud: ['https://kubernetes.default.svc'], exp: iat + 3600, iat, nbf: iat, iss: 'https://kubernetes.default.svc',
  'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'sa', uid: 'u1' } }, sub: 'system:serviceaccount:ns:sa', ...extra,
});
const codes = (h: Record<string, unknown>, p: Record<string, unknown>, now: number, ctx = {}) => tokenWarnings(h, p, now, ctx).map((w) => `${w.severity}:${w.code}`);
const RS = { alg: 'RS256' };

describe('tokenWarnings', () => {
  it('a fresh token from the current issuer has none', () => {
    expect(codes(RS, bound(), ms(iat + 60), { currentIssuer: 'https://kubernetes.default.svc', apiAudiences: ['https://kubernetes.default.svc'], expectedAudience: 'https://kubernetes.default.svc' })).toEqual([]);
  });
  it('expiry with the 60 s leeway', () => {
    expect(codes(RS, bound(), ms(iat + 3600 + 30))).toEqual(['warning:expired-within-leeway']);
    expect(codes(RS, bound(), ms(iat + 3600 + 60))).toEqual(['error:expired']);
  });
  it('not yet valid / issued in the future beyond 60 s', () => {
    expect(codes(RS, bound(), ms(iat - 59))).toEqual([]);
    expect(codes(RS, bound(), ms(iat - 120))).toEqual(['error:not-yet-valid', 'error:issued-in-future']);
  });
  it('never expires', () => {
    const p = bound();
    delete (p as Record<string, unknown>).exp;
    expect(codes(RS, p, ms(iat))).toEqual(['warning:claims-inconsistent', 'error:never-expires']);
  });
  it('alg none, HMAC, foreign algs', () => {
    expect(codes({ alg: 'none' }, bound(), ms(iat))).toEqual(['error:alg-none']);
    expect(codes({ alg: 'HS256' }, bound(), ms(iat))).toEqual(['error:alg-hmac']);
    expect(codes({ alg: 'PS256' }, bound(), ms(iat))).toEqual(['warning:alg-not-kubernetes']);
    expect(codes({ alg: 'ES512' }, bound(), ms(iat))).toEqual([]);
  });
  it('issuer: current, previous (until T), trust ended, unknown', () => {
    const p = bound({ iss: 'https://old' });
    const now = ms(iat + 60);
    expect(codes(RS, p, now, { currentIssuer: 'https://new' })).toEqual(['error:issuer-mismatch']);
    expect(codes(RS, p, now, { currentIssuer: 'https://new', trustedIssuers: [{ name: 'https://old' }] })).toEqual(['warning:issuer-previous']);
    expect(codes(RS, p, now, { currentIssuer: 'https://new', trustedIssuers: [{ name: 'https://old', expirationTime: ms(iat + 120) }] })).toEqual(['warning:issuer-previous']);
    expect(codes(RS, p, now, { currentIssuer: 'https://new', trustedIssuers: [{ name: 'https://old', expirationTime: new Date(ms(iat)).toISOString() }] })).toEqual(['error:issuer-trust-ended']);
    expect(codes(RS, p, now)).toEqual([]);
  });
  it('audiences: API audiences and the typed one', () => {
    const p = bound({ aud: ['vault'] });
    expect(codes(RS, p, ms(iat), { apiAudiences: ['https://kubernetes.default.svc'] })).toEqual(['warning:audience-not-api']);
    expect(codes(RS, p, ms(iat), { expectedAudience: 'vault' })).toEqual([]);
    expect(codes(RS, p, ms(iat), { expectedAudience: 'sigillum' })).toEqual(['error:audience-mismatch']);
    expect(codes(RS, bound({ aud: 'vault' }), ms(iat), { expectedAudience: 'vault' })).toEqual([]);
  });
  it('older than 24 h: a warning for pod tokens (the kubelet would have replaced it)', () => {
    const pod = bound({ exp: iat + 7 * 86400, 'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'sa' }, pod: { name: 'p', uid: 'x' } } });
    expect(codes(RS, pod, ms(iat + 90000))).toEqual(['warning:older-than-24h']);
    expect(codes(RS, bound({ exp: iat + 7 * 86400 }), ms(iat + 90000))).toEqual(['info:older-than-24h']);
  });
  it('not Kubernetes, inconsistent claims, bad numbers', () => {
    expect(codes(RS, { sub: 'alice', exp: iat + 10 }, ms(iat))).toEqual(['info:not-kubernetes']);
    expect(codes(RS, bound({ sub: 'system:serviceaccount:other:sa' }), ms(iat))).toEqual(['warning:claims-inconsistent']);
    expect(codes(RS, bound({ exp: '1700003600' }), ms(iat))).toEqual(['error:claim-not-number']);
  });
});

describe('claims', () => {
  it('parses subjects', () => {
    expect(parseSubject('system:serviceaccount:ns:sa')).toEqual({ raw: 'system:serviceaccount:ns:sa', isServiceAccount: true, namespace: 'ns', name: 'sa' });
    expect(parseSubject('system:serviceaccount:ns')).toMatchObject({ isServiceAccount: false });
    expect(parseSubject('system:serviceaccount:a:b:c')).toMatchObject({ isServiceAccount: false });
    expect(parseSubject(42)).toBeUndefined();
  });
  it('bindings: pod (+node), secret, node, none; one kind only', () => {
    const k = (x: Record<string, unknown>) => classifyToken(bound({ 'kubernetes.io': { namespace: 'ns', serviceaccount: { name: 'sa' }, ...x } }));
    expect(k({ pod: { name: 'p', uid: '1' }, node: { name: 'n' } })).toMatchObject({ binding: 'pod', boundObject: { kind: 'Pod', name: 'p', uid: '1' }, node: { name: 'n' } });
    expect(k({ secret: { name: 's', uid: '2' } })).toMatchObject({ binding: 'secret', boundObject: { kind: 'Secret', name: 's' } });
    expect(k({ node: { name: 'n', uid: '3' } })).toMatchObject({ binding: 'node', boundObject: { kind: 'Node', name: 'n', uid: '3' } });
    expect(k({}).binding).toBe('none');
    expect(k({ secret: { name: 's' }, pod: { name: 'p' } }).problems[0]).toMatch(/one object type/);
  });
  it('unknown claims are listed as unknown', () => {
    const c = explainClaims({ sub: 'x', foo: 1, 'kubernetes.io': { bar: {} } });
    expect(c.map((x) => [x.path, x.known])).toEqual([['sub', true], ['foo', false], ['kubernetes.io', true], ['kubernetes.io.bar', false]]);
  });
});
