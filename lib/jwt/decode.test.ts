import { describe, expect, it } from 'vitest';
import { decodeJwt, encodeJwt } from './decode';
import { base64UrlProblem, base64UrlToBytes, bytesToBase64Url, utf8ToBase64Url } from './base64url';

const H = utf8ToBase64Url('{"alg":"RS256","kid":"k"}');
const P = utf8ToBase64Url('{"sub":"system:serviceaccount:a:b"}');

describe('base64url', () => {
  it('round-trips bytes and rejects what base64url cannot be', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    for (let n = 0; n <= bytes.length; n++) {
      const s = bytesToBase64Url(bytes.subarray(0, n));
      expect(s).not.toMatch(/[=+/]/);
      expect([...base64UrlToBytes(s)]).toEqual([...bytes.subarray(0, n)]);
    }
    expect(bytesToBase64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64UrlProblem('ab+c')).toMatchObject({ code: 'bad-char', char: '+', position: 2 });
    expect(base64UrlProblem('ab/c')!.message).toContain("uses '_' instead");
    expect(base64UrlProblem('abc=')).toMatchObject({ code: 'padding', position: 3 });
    expect(base64UrlProblem('abcde')).toMatchObject({ code: 'bad-length', length: 5 });
    expect(base64UrlProblem('ab\u00e9c')).toMatchObject({ code: 'bad-char', char: '\u00e9', position: 2 });
    expect(() => base64UrlToBytes('a')).toThrow();
  });
});

describe('decodeJwt', () => {
  it('decodes a well-formed token', () => {
    const sig = bytesToBase64Url(new Uint8Array(256).fill(7));
    const d = decodeJwt(`${H}.${P}.${sig}`);
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.header).toEqual({ alg: 'RS256', kid: 'k' });
    expect(d.payload).toEqual({ sub: 'system:serviceaccount:a:b' });
    expect(d.signature.byteLength).toBe(256);
    expect(d.signature.length).toBe(sig.length);
    expect(d.signature.error).toBeUndefined();
    expect(d.raw).toEqual({ header: H, payload: P, signature: sig });
  });

  it('says how many parts and recognizes a JWE', () => {
    expect(decodeJwt('')).toMatchObject({ ok: false, error: { code: 'empty', part: 'token' } });
    expect(decodeJwt('abc')).toMatchObject({ ok: false, error: { code: 'not-three-parts' } });
    expect(decodeJwt(`${H}.${P}`)).toMatchObject({ ok: false, error: { code: 'not-three-parts', message: '2 dot-separated parts, a JWT has exactly 3: the signature part is missing (header.payload.signature)' } });
    expect(decodeJwt('a.b.c.d')).toMatchObject({ ok: false, error: { message: '4 dot-separated parts, a JWT has exactly 3' } });
    const jwe = decodeJwt('eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d');
    expect(jwe).toMatchObject({ ok: false, error: { code: 'jwe', part: 'token' } });
    expect(!jwe.ok && jwe.error.message).toMatch(/encrypted JWE/);
    expect(decodeJwt('sha256~abcdef')).toMatchObject({ ok: false, error: { code: 'opaque-token' } });
  });

  it('names the part, the character and its position', () => {
    const bad = `${H}.${P.slice(0, 5)}+${P.slice(6)}.sig`;
    const d = decodeJwt(bad);
    expect(d).toMatchObject({ ok: false, error: { code: 'not-base64url', part: 'payload', char: '+', position: H.length + 1 + 5 } });
    expect(!d.ok && d.error.message).toBe(`payload (part 2): character '+' (U+002B) at position 5 of the payload, ${H.length + 6} of the token is not base64url — standard base64, base64url uses '-' instead`);
    expect(!d.ok && d.partial?.header).toEqual({ alg: 'RS256', kid: 'k' });
    expect(decodeJwt(`e yJ.${P}.s`)).toMatchObject({ ok: false, error: { code: 'not-base64url', part: 'header', position: 1, char: ' ' } });
    expect(decodeJwt(`${H}=.${P}.s`)).toMatchObject({ ok: false, error: { code: 'padding', part: 'header' } });
  });

  it('not JSON, not an object, no alg', () => {
    expect(decodeJwt(`${utf8ToBase64Url('hello')}.${P}.`)).toMatchObject({ ok: false, error: { code: 'not-json', part: 'header' } });
    expect(decodeJwt(`${utf8ToBase64Url('[1]')}.${P}.`)).toMatchObject({ ok: false, error: { code: 'not-object', part: 'header', message: 'header (part 1) is JSON but an array, not an object' } });
    expect(decodeJwt(`${H}.${utf8ToBase64Url('42')}.x`)).toMatchObject({ ok: false, error: { code: 'not-object', part: 'payload' } });
    expect(decodeJwt(`${H}.${bytesToBase64Url(new Uint8Array([0xff, 0xfe]))}.x`)).toMatchObject({ ok: false, error: { code: 'not-utf8', part: 'payload' } });
    expect(decodeJwt(`${utf8ToBase64Url('{"kid":"x"}')}.${P}.`)).toMatchObject({ ok: false, error: { code: 'missing-alg', part: 'header' } });
    expect(decodeJwt(`${H}..sig`)).toMatchObject({ ok: false, error: { code: 'not-json', part: 'payload', message: 'payload (part 2) is empty' } });
  });

  it('signature defects keep the claims readable', () => {
    const cut = decodeJwt(`${H}.${P}.x`);
    expect(cut.ok).toBe(true);
    if (!cut.ok) return;
    expect(cut.payload.sub).toBe('system:serviceaccount:a:b');
    expect(cut.signature).toMatchObject({ length: 1, error: { code: 'bad-length', part: 'signature' } });
    expect(cut.signature.bytes).toBeUndefined();
    const empty = decodeJwt(`${H}.${P}.`);
    expect(empty.ok && empty.signature.error?.code).toBe('empty-signature');
    const none = decodeJwt(`${utf8ToBase64Url('{"alg":"none"}')}.${P}.`);
    expect(none.ok && none.signature).toEqual({ length: 0, byteLength: 0, bytes: new Uint8Array(0) });
    const noneSig = decodeJwt(`${utf8ToBase64Url('{"alg":"none"}')}.${P}.abcd`);
    expect(noneSig.ok && noneSig.signature.error?.code).toBe('signature-with-alg-none');
    const badChar = decodeJwt(`${H}.${P}.ab*d`);
    expect(badChar.ok && badChar.signature.error).toMatchObject({ code: 'not-base64url', char: '*', position: H.length + P.length + 4 });
  });

  it('encodeJwt round-trips', () => {
    const t = encodeJwt({ alg: 'ES256' }, { aud: ['x'], 'kubernetes.io': { namespace: 'ü' } }, new Uint8Array(64));
    const d = decodeJwt(t);
    expect(d.ok && d.payload).toEqual({ aud: ['x'], 'kubernetes.io': { namespace: 'ü' } });
    expect(d.ok && d.signature.byteLength).toBe(64);
  });
});
