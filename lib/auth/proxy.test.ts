// proxy.ts: redirects pages without a session cookie, leaves API routes to their own 401, slides
// the idle timeout (but never on /api/auth/*), and sets the security headers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxy } from '../../proxy';
import { CSRF_COOKIE, SESSION_COOKIE, decodeSession, encodeSession, newSession, resetAuthKeys } from './session-crypto';

let dir: string;
const saved = process.env.BTD_DATA_DIR;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btd-proxy-'));
  process.env.BTD_DATA_DIR = dir;
  resetAuthKeys();
});
afterAll(() => {
  if (saved === undefined) delete process.env.BTD_DATA_DIR;
  else process.env.BTD_DATA_DIR = saved;
  resetAuthKeys();
  fs.rmSync(dir, { recursive: true, force: true });
});

// `next start` builds req.url with "localhost" whatever the Host header said.
const req = (p: string, headers: Record<string, string> = {}) => new NextRequest(`http://localhost:3000${p}`, { headers: { host: '127.0.0.1:3000', ...headers } });
const setCookies = (res: Response) => res.headers.getSetCookie();

describe('proxy', () => {
  it('sends a page without a session cookie to sign-in, on the host the browser used, and hands out a CSRF cookie', async () => {
    const res = await proxy(req('/rollout?step=2'));
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('http://127.0.0.1:3000/login?next=%2Frollout%3Fstep%3D2');
    expect(setCookies(res).some((c) => c.startsWith(`${CSRF_COOKIE}=`) && /SameSite=strict/i.test(c) && !/HttpOnly/i.test(c))).toBe(true);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('lets the sign-in page and API routes through (API handlers answer their own 401)', async () => {
    for (const p of ['/login', '/login?next=%2F', '/api/auth/session', '/api/anything']) {
      const res = await proxy(req(p));
      expect(res.headers.get('x-middleware-next'), p).toBe('1');
      expect(res.headers.get('location'), p).toBeNull();
    }
  });

  it('sets a nonce CSP without unsafe-eval (production), nosniff and no-referrer', async () => {
    const res = await proxy(req('/login'));
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    // each response gets a fresh nonce
    const other = (await proxy(req('/login'))).headers.get('content-security-policy');
    expect(other).not.toBe(csp);
  });

  it('slides the idle timeout forward for an active session, but never on /api/auth/*', async () => {
    const s = newSession({ kind: 'kubeconfig', username: 'u', groups: [] }, Date.now() - 5 * 60_000);
    const cookie = `${SESSION_COOKIE}=${await encodeSession(s)}; ${CSRF_COOKIE}=${s.csrf}`;
    const res = await proxy(req('/', { cookie }));
    expect(res.status).toBe(200);
    const fresh = setCookies(res).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    expect(fresh).toMatch(/HttpOnly/i);
    const value = fresh!.slice(SESSION_COOKIE.length + 1).split(';')[0]!;
    const r = await decodeSession(value);
    expect(r.ok && r.session.sid).toBe(s.sid);
    expect(r.ok && Date.now() - r.session.lastSeen).toBeLessThan(5_000);

    const out = await proxy(req('/api/auth/logout', { cookie }));
    expect(setCookies(out).some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
  });

  it('a recently touched session is not re-issued on every request', async () => {
    const s = newSession({ kind: 'kubeconfig', username: 'u', groups: [] });
    const res = await proxy(req('/', { cookie: `${SESSION_COOKIE}=${await encodeSession(s)}; ${CSRF_COOKIE}=${s.csrf}` }));
    expect(setCookies(res).some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
  });
});
