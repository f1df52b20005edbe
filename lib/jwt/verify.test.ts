// Key selection and verification outcomes with tokens signed at test time (jose + WebCrypto).
import { describe, expect, it } from 'vitest';
import { CompactSign, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { verifyToken } from './verify';
import { kubeKeyId, parseKeys } from './keys';
import { base64ToBytes, bytesToBase64Url, utf8ToBase64Url } from './base64url';
import { encodeJwt } from './decode';

type Alg = 'RS256' | 'ES256' | 'ES384' | 'ES512';
const claims = { sub: 'system:serviceaccount:ns:sa', exp: 1, iat: 0 }; // long expired: must not matter

async function keyPair(alg: Alg) {
  const kp = await generateKeyPair(alg, { extractable: true });
  const pem = await exportSPKI(kp.publicKey);
  const kid = await kubeKeyId(base64ToBytes(pem.replace(/-----[^-]+-----/g, ''))!);
  const jwk = { ...(await exportJWK(kp.publicKey)), kid, alg, use: 'sig' };
  return { ...kp, pem, kid, jwk };
}

async function sign(privateKey: CryptoKey, header: Record<string, unknown>, payload: Record<string, unknown> = claims) {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header as { alg: string }).sign(privateKey);
}

describe('verifyToken', () => {
  it('verifies each Kubernetes algorithm, by JWKS, JWK object, JWK text and PEM', async () => {
    for (const alg of ['RS256', 'ES256', 'ES384', 'ES512'] as const) {
      const k = await keyPair(alg);
      const t = await sign(k.privateKey, { alg, kid: k.kid });
      for (const keys of [{ keys: [k.jwk] }, k.jwk, JSON.stringify({ keys: [k.jwk] }), k.pem]) {
        const v = await verifyToken(t, keys as never);
        expect(v.status, `${alg} ${typeof keys}`).toBe('verified');
        expect(v.scope).toMatch(/^Signature only/);
        expect(v.key?.kubeKid).toBe(k.kid);
      }
    }
  });

  it('a kid that names no key is "no matching key" even if another key in the set would verify', async () => {
    const a = await keyPair('ES256');
    const b = await keyPair('ES256');
    const t = await sign(a.privateKey, { alg: 'ES256', kid: 'some-other-kid' });
    const v = await verifyToken(t, { keys: [b.jwk, { ...a.jwk, kid: a.kid }] });
    expect(v.status).toBe('no-matching-key');
    expect(v.tried).toBe(0);
    expect(v.detail).toContain('some-other-kid');
    // The same key listed under the token's kid verifies.
    expect((await verifyToken(t, { keys: [b.jwk, { ...a.jwk, kid: 'some-other-kid' }] })).status).toBe('verified');
    // A PEM bundle: each key's kid is derived as kube does.
    expect((await verifyToken(t, a.pem + b.pem)).status).toBe('no-matching-key');
    const t2 = await sign(a.privateKey, { alg: 'ES256', kid: a.kid });
    const v2 = await verifyToken(t2, b.pem + a.pem);
    expect(v2.status).toBe('verified');
    expect(v2.key?.index).toBe(1);
  });

  it('a token without kid is tried against each key; a single PEM is used whatever the kid', async () => {
    const a = await keyPair('RS256');
    const b = await keyPair('ES256');
    const t = await sign(a.privateKey, { alg: 'RS256' });
    const v = await verifyToken(t, { keys: [b.jwk, a.jwk] });
    expect(v).toMatchObject({ status: 'verified', tried: 2, key: { index: 1 } });
    const withKid = await sign(a.privateKey, { alg: 'RS256', kid: 'not-the-kube-kid' });
    expect((await verifyToken(withKid, a.pem)).status).toBe('verified');
    const { kid: _drop, ...jwkNoKid } = a.jwk;
    expect((await verifyToken(withKid, jwkNoKid)).status).toBe('verified');
    // A JWK that has a kid of its own is matched by it.
    expect((await verifyToken(withKid, a.jwk)).status).toBe('no-matching-key');
  });

  it('invalid signature: altered payload, wrong key of the right kid, wrong key type', async () => {
    const a = await keyPair('ES256');
    const b = await keyPair('ES256');
    const t = await sign(a.privateKey, { alg: 'ES256', kid: a.kid });
    const [h, , s] = t.split('.');
    const altered = `${h}.${utf8ToBase64Url(JSON.stringify({ ...claims, sub: 'system:serviceaccount:kube-system:admin' }))}.${s}`;
    expect((await verifyToken(altered, { keys: [a.jwk] })).status).toBe('invalid-signature');
    const v = await verifyToken(t, { keys: [{ ...b.jwk, kid: a.kid }] });
    expect(v.status).toBe('invalid-signature');
    expect(v.detail).toMatch(/signature does not match/);
    const r = await keyPair('RS256');
    const vt = await verifyToken(t, { keys: [{ ...r.jwk, kid: a.kid }] });
    expect(vt.status).toBe('invalid-signature');
    expect(vt.detail).toMatch(/RSA key \(RS256\) but the token says ES256/);
  });

  it('malformed and unsupported', async () => {
    const a = await keyPair('ES256');
    const t = await sign(a.privateKey, { alg: 'ES256', kid: a.kid });
    const [h, p] = t.split('.');
    expect((await verifyToken(`${h}.${p}.x`, a.pem)).status).toBe('malformed');
    expect((await verifyToken(`${h}.${p}`, a.pem)).status).toBe('malformed');
    const der = new Uint8Array(70);
    der[0] = 0x30;
    const v = await verifyToken(`${h}.${p}.${bytesToBase64Url(der)}`, a.pem);
    expect(v.status).toBe('malformed');
    expect(v.detail).toMatch(/64 bytes \(raw r‖s\), this one is 70 \(it looks DER-encoded/);
    expect((await verifyToken(encodeJwt({ alg: 'none' }, claims), a.pem)).status).toBe('unsupported-alg');
    expect((await verifyToken(encodeJwt({ alg: 'HS256' }, claims, 'abcd'), a.pem)).detail).toMatch(/HMAC/);
    expect((await verifyToken(encodeJwt({ alg: 'ES256', kid: 7 }, claims, new Uint8Array(64)), a.pem)).status).toBe('malformed');
    // A critical header parameter jose does not understand: a valid signature over a token nobody may accept.
    const critInput = `${utf8ToBase64Url(JSON.stringify({ alg: 'ES256', kid: a.kid, crit: ['x-unknown'], 'x-unknown': 1 }))}.${p}`;
    const critSig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, a.privateKey, new TextEncoder().encode(critInput)));
    const vc = await verifyToken(`${critInput}.${bytesToBase64Url(critSig)}`, a.pem);
    expect(vc.status, vc.detail).toBe('malformed');
  });

  it('bad key input is a key error, not a throw', async () => {
    const a = await keyPair('ES256');
    const t = await sign(a.privateKey, { alg: 'ES256', kid: a.kid });
    for (const bad of ['', 'hello', '{', '{"keys":[]}', '{"keys":[{"kty":"oct","k":"AAAA"}]}', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', '-----BEGIN PUBLIC KEY-----\n!!\n-----END PUBLIC KEY-----', '{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}']) {
      const v = await verifyToken(t, bad);
      expect(v.status, bad).toBe('key-error');
    }
    const p = await parseKeys('{"keys":[{"kty":"oct","k":"AAAA"},{"kty":"OKP","crv":"Ed25519","x":"AA"}]}');
    expect(!p.ok && p.error.message).toMatch(/key 0: symmetric \(oct\).*key 1: OKP/);
  });

  it('RSA keys under 2048 bits (which jose refuses) are checked with WebCrypto, as kube accepts them', async () => {
    const kp = await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', kp.publicKey));
    const pem = `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...spki))}\n-----END PUBLIC KEY-----`;
    const input = `${utf8ToBase64Url('{"alg":"RS256"}')}.${utf8ToBase64Url(JSON.stringify(claims))}`;
    const sig = new Uint8Array(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', kp.privateKey, new TextEncoder().encode(input)));
    const v = await verifyToken(`${input}.${bytesToBase64Url(sig)}`, pem);
    expect(v.status, v.detail).toBe('verified');
    expect(v.key?.bits).toBe(1024);
    sig[5] = sig[5]! ^ 1;
    expect((await verifyToken(`${input}.${bytesToBase64Url(sig)}`, pem)).status).toBe('invalid-signature');
  });
});
