import { describe, expect, it } from 'vitest';
import { normalizeTokenInput } from './input';

const T = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
const ok = (s: string) => {
  const r = normalizeTokenInput(s);
  if (!r.ok) throw new Error(r.error.message);
  return r;
};

describe('normalizeTokenInput', () => {
  it('accepts the forms people paste', () => {
    expect(ok(T).token).toBe(T);
    expect(ok(`  Bearer ${T}\n`).token).toBe(T);
    expect(ok(`bearer    ${T}`).token).toBe(T);
    expect(ok(`Authorization: Bearer ${T}`).token).toBe(T);
    expect(ok(`"${T}"`).token).toBe(T);
    expect(ok(`'Bearer ${T}'`).token).toBe(T);
    expect(ok(`\u201C${T}\u201D`).token).toBe(T);
    expect(ok(`Bearer "${T}"`).token).toBe(T);
    expect(ok(T.slice(0, 10) + '\n  ' + T.slice(10, 30) + '\r\n' + T.slice(30)).token).toBe(T);
    expect(ok(T.slice(0, 10) + '\u200B' + T.slice(10)).token).toBe(T);
  });

  it('reports what it did', () => {
    expect(ok(`Bearer ${T}`).notes).toEqual(['removed the "Bearer " prefix']);
    expect(ok(T).notes).toEqual([]);
    expect(ok(`${T.slice(0, 5)} ${T.slice(5)}`).notes).toEqual(['removed whitespace and line breaks inside the token']);
  });

  it('takes the token from a URL fragment or text containing one', () => {
    expect(ok(`https://dash.example.com/tokens#token=${T}`).token).toBe(T);
    expect(ok(`see https://dash/tokens#foo=1&token=${encodeURIComponent(T)} thanks`).token).toBe(T);
    expect(ok(`#access_token=${T}&token_type=Bearer`).token).toBe(T);
    expect(normalizeTokenInput('https://x/#token=')).toEqual({ ok: false, error: { code: 'empty-fragment-token', message: 'the link has "#token=" but no token after it' } });
  });

  it('takes the token from kubectl create token -o json and from a Secret data.token', () => {
    expect(ok(JSON.stringify({ kind: 'TokenRequest', status: { token: T, expirationTimestamp: 'x' } })).token).toBe(T);
    expect(normalizeTokenInput('{"kind":"Pod"}')).toMatchObject({ ok: false, error: { code: 'json-without-token' } });
    const b64 = btoa(T);
    expect(b64.startsWith('ZXlK')).toBe(true);
    const r = ok(b64);
    expect(r.token).toBe(T);
    expect(r.notes[0]).toMatch(/data\.token/);
  });

  it('empty input is an error, not a throw', () => {
    expect(normalizeTokenInput('')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(normalizeTokenInput(' \n\t ')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(normalizeTokenInput('Bearer ')).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(normalizeTokenInput('""')).toMatchObject({ ok: false, error: { code: 'empty' } });
  });
});
