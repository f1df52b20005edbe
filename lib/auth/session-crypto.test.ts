import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  IDLE_TIMEOUT_MS,
  MAX_LIFETIME_MS,
  TOUCH_INTERVAL_MS,
  decodeSession,
  encodeSession,
  needsTouch,
  newSession,
  revokeSession,
  sessionCookieOptions,
  isSecureRequest,
} from './session-crypto';

const key = new Uint8Array(randomBytes(32));
const T0 = Date.UTC(2026, 10, 29, 2, 0, 0);
const TOKEN = 'sha256~not-a-real-token-but-long-enough-0123456789';

function tokenSession(now = T0) {
  return newSession({ kind: 'token', token: TOKEN, username: 'viewer', groups: ['system:authenticated'] }, now);
}

describe('session cookie', () => {
  it('round-trips a token session', async () => {
    const s = tokenSession();
    const cookie = await encodeSession(s, key);
    const r = await decodeSession(cookie, T0 + 1000, key);
    expect(r).toEqual({ ok: true, session: s });
  });

  it('is encrypted: neither the token nor the user name is visible in the cookie', async () => {
    const cookie = await encodeSession(tokenSession(), key);
    expect(cookie.split('.')).toHaveLength(5); // compact JWE
    const header = JSON.parse(Buffer.from(cookie.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'dir', enc: 'A256GCM' });
    const all = cookie.split('.').map((p) => Buffer.from(p, 'base64url').toString('latin1')).join(' ');
    expect(all).not.toContain('sha256~');
    expect(all).not.toContain('viewer');
  });

  it('rejects a tampered cookie', async () => {
    const cookie = await encodeSession(tokenSession(), key);
    const parts = cookie.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 0x01;
    parts[3] = ct.toString('base64url');
    expect(await decodeSession(parts.join('.'), T0, key)).toEqual({ ok: false, reason: 'invalid' });
    const tag = Buffer.from(parts[4]!, 'base64url');
    tag[0] = tag[0]! ^ 0x80;
    expect(await decodeSession([...cookie.split('.').slice(0, 4), tag.toString('base64url')].join('.'), T0, key)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects a cookie sealed with another key, and garbage', async () => {
    const other = new Uint8Array(randomBytes(32));
    const cookie = await encodeSession(tokenSession(), other);
    expect((await decodeSession(cookie, T0, key)).ok).toBe(false);
    expect((await decodeSession('not.a.jwe', T0, key)).ok).toBe(false);
    expect((await decodeSession(undefined, T0, key)).ok).toBe(false);
  });

  it('expires after the idle timeout', async () => {
    const cookie = await encodeSession(tokenSession(), key);
    expect((await decodeSession(cookie, T0 + IDLE_TIMEOUT_MS - 1, key)).ok).toBe(true);
    expect(await decodeSession(cookie, T0 + IDLE_TIMEOUT_MS, key)).toEqual({ ok: false, reason: 'idle' });
  });

  it('a touched session outlives the idle timeout but not the absolute lifetime', async () => {
    const s = tokenSession();
    const later = T0 + MAX_LIFETIME_MS - 1000;
    const touched = await encodeSession({ ...s, lastSeen: later - 5000 }, key);
    expect((await decodeSession(touched, later, key)).ok).toBe(true);
    const r = await decodeSession(touched, T0 + MAX_LIFETIME_MS, key);
    expect(r).toEqual({ ok: false, reason: 'expired' });
  });

  it('needsTouch only after the touch interval', () => {
    const s = tokenSession();
    expect(needsTouch(s, T0 + TOUCH_INTERVAL_MS - 1)).toBe(false);
    expect(needsTouch(s, T0 + TOUCH_INTERVAL_MS)).toBe(true);
  });

  it('a signed-out session is refused even though its cookie is intact', async () => {
    const s = tokenSession(Date.now());
    const cookie = await encodeSession(s, key);
    expect((await decodeSession(cookie, Date.now(), key)).ok).toBe(true);
    revokeSession(s);
    expect(await decodeSession(cookie, Date.now(), key)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('kubeconfig sessions carry no token; token sessions must have one', async () => {
    const s = newSession({ kind: 'kubeconfig', username: 'system:admin', groups: ['system:masters'] }, T0);
    expect(s.token).toBeUndefined();
    expect((await decodeSession(await encodeSession(s, key), T0, key)).ok).toBe(true);
    expect(() => newSession({ kind: 'token', username: 'x', groups: [] }, T0)).toThrow();
  });

  it('each session gets its own id and CSRF token', () => {
    const a = tokenSession();
    const b = tokenSession();
    expect(a.sid).not.toBe(b.sid);
    expect(a.csrf).not.toBe(b.csrf);
    expect(a.csrf.length).toBeGreaterThanOrEqual(40);
  });

  it('keeps the cookie under the browser limit by dropping groups', async () => {
    const groups = Array.from({ length: 400 }, (_, i) => `group-with-a-rather-long-name-${i}`);
    const s = newSession({ kind: 'token', token: TOKEN, username: 'many', groups }, T0);
    const cookie = await encodeSession(s, key);
    expect(cookie.length).toBeLessThanOrEqual(3800);
    const r = await decodeSession(cookie, T0, key);
    expect(r.ok && r.session.groups.length).toBeGreaterThan(0);
    expect(r.ok && r.session.groups.length).toBeLessThan(400);
  });

  it('cookie options: HttpOnly, SameSite=Strict, Secure as asked, max-age to the absolute end', () => {
    const s = tokenSession();
    const o = sessionCookieOptions(s, true, T0 + 3600_000);
    expect(o).toMatchObject({ httpOnly: true, sameSite: 'strict', secure: true, path: '/' });
    expect(o.maxAge).toBe(Math.floor((MAX_LIFETIME_MS - 3600_000) / 1000));
    expect(sessionCookieOptions(s, false, T0).secure).toBe(false);
  });

  it('Secure follows https or X-Forwarded-Proto', () => {
    const saved = process.env.BTD_COOKIE_SECURE;
    delete process.env.BTD_COOKIE_SECURE;
    try {
      expect(isSecureRequest('http://127.0.0.1:3000/', new Headers())).toBe(false);
      expect(isSecureRequest('https://dash.example/', new Headers())).toBe(true);
      expect(isSecureRequest('http://10.0.0.1/', new Headers({ 'x-forwarded-proto': 'https' }))).toBe(true);
    } finally {
      if (saved !== undefined) process.env.BTD_COOKIE_SECURE = saved;
    }
  });
});
