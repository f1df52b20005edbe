// Property-based tests: no random or mutated input makes the pure functions throw past their error
// types, and decode(encode(x)) round-trips.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  classifyToken, decodeJwt, encodeJwt, explainClaims, explainHeader, inspectToken, normalizeTokenInput, parseKeys,
  timeline, tokenTimes, tokenWarnings, verifyToken, type DecodeResult,
} from './index';

const V = '/work/shared/reference/vectors/';
const TOKENS = ['openshift-docs-token.jwt', 'openshift-docs-token.full.jwt', 'vault-minikube/jwtProjectedData.jwt', 'vault-minikube/jwtData.jwt', 'vault-minikube/jwtECDSASigned.jwt', 'vault-minikube/jwtWithBadSigningKey.jwt']
  .map((f) => readFileSync(V + f, 'utf8').trim());
const MINIKUBE_PEM = readFileSync(V + 'vault-minikube/testMinikubePubKey.pem', 'utf8');
const NOW = Date.parse('2026-11-28T12:00:00Z');

function wellFormed(d: DecodeResult) {
  if (d.ok) {
    expect(typeof d.header.alg).toBe('string');
    expect(d.payload).toBeTypeOf('object');
    if (d.signature.error) expect(d.signature.error.part).toBe('signature');
  } else {
    expect(['header', 'payload', 'signature', 'token']).toContain(d.error.part);
    expect(d.error.message.length).toBeGreaterThan(5);
  }
}

const CHARS = fc.constantFrom('.', '=', '+', '/', ' ', '\n', 'x', 'A', '-', '_', '"', '#', '%', 'é', '\u200B', '{', '}');
const mutation = fc.record({
  token: fc.nat({ max: TOKENS.length - 1 }),
  op: fc.constantFrom('replace', 'insert', 'delete', 'truncate', 'dup-dot', 'swap'),
  at: fc.nat(),
  char: CHARS,
});

function mutate(m: { token: number; op: string; at: number; char: string }): string {
  const t = TOKENS[m.token]!;
  const i = m.at % (t.length + 1);
  switch (m.op) {
    case 'replace': return t.slice(0, i) + m.char + t.slice(i + 1);
    case 'insert': return t.slice(0, i) + m.char + t.slice(i);
    case 'delete': return t.slice(0, i) + t.slice(i + 1);
    case 'truncate': return t.slice(0, i);
    case 'dup-dot': return t.slice(0, i) + '..' + t.slice(i);
    default: {
      const [a, b, c] = t.split('.');
      return `${b}.${a}.${c}`;
    }
  }
}

const claimKey = fc.oneof(fc.constantFrom('iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'kubernetes.io', 'kubernetes.io/serviceaccount/namespace', 'kubernetes.io/serviceaccount/secret.name', '__proto__', 'constructor'), fc.string());
const k8sValue = fc.dictionary(fc.constantFrom('namespace', 'pod', 'secret', 'node', 'serviceaccount', 'warnafter', 'x'), fc.oneof(fc.jsonValue(), fc.record({ name: fc.jsonValue(), uid: fc.jsonValue() })));
const payloadArb = fc.dictionary(claimKey, fc.oneof(fc.jsonValue(), k8sValue, fc.integer(), fc.double()), { maxKeys: 12 });
const headerArb = fc.dictionary(fc.oneof(fc.constantFrom('alg', 'kid', 'typ', 'crit'), fc.string()), fc.jsonValue(), { maxKeys: 5 });

describe('never throws', () => {
  it('normalize, decode and inspect on random strings', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('e', 'y', 'J', '.', '=', 'A', ' ', '#', 'token', 'Bearer ', '"') })), (s) => {
      const n = normalizeTokenInput(s);
      if (n.ok) {
        expect(n.token.length).toBeGreaterThan(0);
        wellFormed(decodeJwt(n.token));
      }
      wellFormed(decodeJwt(s));
      const i = inspectToken(s, { now: NOW, currentIssuer: 'https://x', expectedAudience: 'a', apiAudiences: ['b'] });
      expect(i.error !== undefined || i.classification !== undefined).toBe(true);
    }), { numRuns: 2000 });
  });

  it('decode and inspect on mutated real tokens', () => {
    fc.assert(fc.property(mutation, (m) => {
      const s = mutate(m);
      const d = decodeJwt(s);
      wellFormed(d);
      const i = inspectToken(s, { now: NOW, currentIssuer: 'https://kubernetes.default.svc', trustedIssuers: [{ name: 'kubernetes/serviceaccount', expirationTime: 'garbage' }] });
      expect(Array.isArray(i.warnings)).toBe(true);
    }), { numRuns: 3000 });
  });

  it('claims, times and warnings on random JSON claims', () => {
    fc.assert(fc.property(headerArb, payloadArb, fc.integer({ min: -1e15, max: 1e15 }), (h, p, now) => {
      const c = classifyToken(p);
      expect(['bound', 'legacy', 'not-kubernetes']).toContain(c.kind);
      expect(['none', 'pod', 'secret', 'node']).toContain(c.binding);
      expect(Array.isArray(c.audiences)).toBe(true);
      explainClaims(p);
      explainHeader(h);
      tokenTimes(p);
      const tl = timeline(p, now);
      if (tl) for (const pt of tl.points) expect(pt.fraction >= 0 && pt.fraction <= 1).toBe(true);
      for (const w of tokenWarnings(h, p, now, { currentIssuer: 'i', trustedIssuers: [{ name: 'j', expirationTime: now }], apiAudiences: ['a'], expectedAudience: 'b' })) {
        expect(['error', 'warning', 'info']).toContain(w.severity);
      }
    }), { numRuns: 1500 });
  });

  it('verify and key parsing resolve (never reject) on mutated tokens and random key text', async () => {
    await fc.assert(fc.asyncProperty(mutation, fc.oneof(fc.constant(MINIKUBE_PEM), fc.string(), fc.constant('{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}')), async (m, keys) => {
      const v = await verifyToken(mutate(m), keys);
      expect(['verified', 'invalid-signature', 'no-matching-key', 'malformed', 'unsupported-alg', 'key-error']).toContain(v.status);
      const p = await parseKeys(keys);
      expect(typeof p.ok).toBe('boolean');
    }), { numRuns: 300 });
  });

  it('a mutation inside the signed part of a real token never verifies', async () => {
    const t = TOKENS[2]!; // jwtProjectedData, verifies with the minikube key
    const sigStart = t.lastIndexOf('.');
    await fc.assert(fc.asyncProperty(fc.nat({ max: sigStart - 1 }), fc.constantFrom('A', 'B', 'x', '-', '_'), async (i, c) => {
      fc.pre(t[i] !== c && t[i] !== '.');
      const v = await verifyToken(t.slice(0, i) + c + t.slice(i + 1), MINIKUBE_PEM);
      expect(v.status).not.toBe('verified');
    }), { numRuns: 150 });
  });
});

describe('round trip', () => {
  it('decode(encode(header, claims)) gives back the same JSON', () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), payloadArb, fc.uint8Array({ maxLength: 140 }), (extraHeader, p, sig) => {
      const header = { ...extraHeader, alg: 'ES256' };
      const d = decodeJwt(encodeJwt(header, p, sig));
      expect(d.ok).toBe(true);
      if (!d.ok) return;
      expect(JSON.stringify(d.header)).toBe(JSON.stringify(header));
      expect(JSON.stringify(d.payload)).toBe(JSON.stringify(p));
      expect([...(d.signature.bytes ?? [])]).toEqual([...sig]);
    }), { numRuns: 1500 });
  });
});
