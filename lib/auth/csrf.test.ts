import { describe, expect, it } from 'vitest';
import { checkCsrf, checkOrigin, readCookie, safeEqual } from './csrf';
import { newSession } from './session-crypto';

const URL_ = 'http://127.0.0.1:3000/api/nodes/w1/cordon';

function req(headers: Record<string, string>, url = URL_) {
  return new Request(url, { method: 'POST', headers: { host: '127.0.0.1:3000', ...headers } });
}

describe('safeEqual', () => {
  it('compares exactly', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'a')).toBe(false);
  });
});

describe('checkOrigin', () => {
  it('accepts our own origin', () => {
    expect(checkOrigin(req({ origin: 'http://127.0.0.1:3000' })).ok).toBe(true);
  });
  it('refuses another origin, another port, or an opaque one', () => {
    expect(checkOrigin(req({ origin: 'http://evil.example' })).ok).toBe(false);
    expect(checkOrigin(req({ origin: 'http://127.0.0.1:3001' })).ok).toBe(false);
    expect(checkOrigin(req({ origin: 'null' })).ok).toBe(false);
    expect(checkOrigin(req({ origin: 'http://127.0.0.1:3000.evil.example' })).ok).toBe(false);
  });
  it('falls back to Referer and refuses when both are missing', () => {
    expect(checkOrigin(req({ referer: 'http://127.0.0.1:3000/nodes' })).ok).toBe(true);
    expect(checkOrigin(req({ referer: 'http://evil.example/x' })).ok).toBe(false);
    expect(checkOrigin(req({})).ok).toBe(false);
  });
  it('refuses cross-site fetch metadata even with a matching Origin', () => {
    expect(checkOrigin(req({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'cross-site' })).ok).toBe(false);
    expect(checkOrigin(req({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-site' })).ok).toBe(false);
    expect(checkOrigin(req({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' })).ok).toBe(true);
  });
  it('accepts BTD_PUBLIC_ORIGIN behind a reverse proxy', () => {
    process.env.BTD_PUBLIC_ORIGIN = 'https://dash.example.com/';
    try {
      expect(checkOrigin(req({ origin: 'https://dash.example.com' })).ok).toBe(true);
    } finally {
      delete process.env.BTD_PUBLIC_ORIGIN;
    }
  });
});

describe('checkCsrf', () => {
  const s = newSession({ kind: 'token', token: 't0ken', username: 'u', groups: [] });
  it('passes when header, cookie and session agree', () => {
    expect(checkCsrf(req({ 'x-csrf-token': s.csrf, cookie: `a=b; btd_csrf=${s.csrf}` }), s).ok).toBe(true);
  });
  it('fails without the header or the cookie', () => {
    expect(checkCsrf(req({ cookie: `btd_csrf=${s.csrf}` }), s).ok).toBe(false);
    expect(checkCsrf(req({ 'x-csrf-token': s.csrf }), s).ok).toBe(false);
  });
  it('fails when header and cookie differ', () => {
    expect(checkCsrf(req({ 'x-csrf-token': s.csrf, cookie: 'btd_csrf=other' }), s).ok).toBe(false);
  });
  it('a planted cookie matching the header still fails against the session token', () => {
    expect(checkCsrf(req({ 'x-csrf-token': 'planted', cookie: 'btd_csrf=planted' }), s).ok).toBe(false);
  });
  it('before sign-in, double submit alone decides', () => {
    expect(checkCsrf(req({ 'x-csrf-token': 'abc', cookie: 'btd_csrf=abc' }), null).ok).toBe(true);
    expect(checkCsrf(req({ 'x-csrf-token': 'abc', cookie: 'btd_csrf=abd' }), null).ok).toBe(false);
  });
  it('readCookie finds one cookie among many', () => {
    const h = new Headers({ cookie: 'x=1; btd_csrf=a%20b; y=2' });
    expect(readCookie(h, 'btd_csrf')).toBe('a b');
    expect(readCookie(h, 'nope')).toBeUndefined();
  });
});
