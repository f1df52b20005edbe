// The session cookie's format and rules, without any Next.js API: encrypt/decrypt (jose JWE,
// `dir` + `A256GCM`), idle timeout, absolute lifetime, revocation on sign-out, cookie attributes.
// Used by proxy.ts (sliding refresh) and by lib/auth/session.ts (route handlers and pages).
// Not marked `server-only` because proxy.ts imports it; nothing on the client may import it.
import { randomBytes } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { deriveKey, resolveMasterKey } from './key';

export const SESSION_COOKIE = 'btd_session';
export const CSRF_COOKIE = 'btd_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const minutes = (v: string | undefined, dflt: number) => {
  const n = Number(v);
  return (Number.isFinite(n) && n > 0 ? n : dflt) * 60_000;
};
/** Sign-out after this long without a request. */
export const IDLE_TIMEOUT_MS = minutes(process.env.BTD_SESSION_IDLE_MINUTES, 30);
/** Sign-out this long after sign-in, however active. */
export const MAX_LIFETIME_MS = minutes(process.env.BTD_SESSION_MAX_MINUTES, 12 * 60);
/** lastSeen is rewritten at most this often, so not every request re-issues the cookie. */
export const TOUCH_INTERVAL_MS = 60_000;
/** Browsers reject cookies above 4096 bytes; leave room for the name and attributes. */
const MAX_COOKIE_VALUE = 3800;

export interface SessionData {
  /** Random id: binds the CSRF token and keys the access-review cache. */
  sid: string;
  /** 'token': the user pasted a bearer token; 'kubeconfig': signed in with a one-time link as the dashboard's own identity. */
  kind: 'token' | 'kubeconfig';
  /** The user's bearer token (kind 'token' only). Lives nowhere but in this encrypted cookie. */
  token?: string;
  username: string;
  uid?: string;
  groups: string[];
  /** ms since epoch */
  issuedAt: number;
  /** ms since epoch of the last request that refreshed the cookie */
  lastSeen: number;
  /** The session's CSRF token (also in the readable btd_csrf cookie, for double submit). */
  csrf: string;
}

export type SessionFailure = 'invalid' | 'idle' | 'expired' | 'revoked';
export type DecodeResult = { ok: true; session: SessionData } | { ok: false; reason: SessionFailure };

type Keys = { session: Uint8Array; link: Uint8Array };
const g = globalThis as unknown as { __btdAuthKeys?: Keys; __btdRevoked?: Map<string, number> };

/** The derived keys, cached on globalThis (proxy, route and page bundles share one process). */
export function authKeys(): Keys {
  if (!g.__btdAuthKeys) {
    const master = resolveMasterKey();
    g.__btdAuthKeys = { session: deriveKey(master, 'session'), link: deriveKey(master, 'signin-link') };
  }
  return g.__btdAuthKeys;
}

/** Forget cached keys (tests that change SESSION_SECRET or BTD_DATA_DIR). */
export function resetAuthKeys(): void {
  delete g.__btdAuthKeys;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** A new session for a verified identity. */
export function newSession(identity: { kind: SessionData['kind']; token?: string; username: string; uid?: string; groups: string[] }, now = Date.now()): SessionData {
  const s: SessionData = {
    sid: randomToken(16),
    kind: identity.kind,
    username: identity.username,
    groups: [...identity.groups],
    issuedAt: now,
    lastSeen: now,
    csrf: randomToken(32),
  };
  if (identity.kind === 'token') {
    if (!identity.token) throw new Error('a token session needs a token');
    s.token = identity.token;
  }
  if (identity.uid) s.uid = identity.uid;
  return s;
}

async function seal(s: SessionData, key: Uint8Array): Promise<string> {
  return new EncryptJWT({ s })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: 'btd-session' })
    .setIssuedAt(Math.floor(s.issuedAt / 1000))
    .setExpirationTime(Math.floor((s.issuedAt + MAX_LIFETIME_MS) / 1000))
    .encrypt(key);
}

/** Encrypts a session into a cookie value. Drops trailing groups if the cookie would be too large. */
export async function encodeSession(session: SessionData, key: Uint8Array = authKeys().session): Promise<string> {
  let s = session;
  let out = await seal(s, key);
  while (out.length > MAX_COOKIE_VALUE && s.groups.length > 0) {
    s = { ...s, groups: s.groups.slice(0, Math.floor(s.groups.length / 2)) };
    out = await seal(s, key);
  }
  if (out.length > MAX_COOKIE_VALUE) throw new Error('the token is too large to keep in a session cookie');
  return out;
}

function isSession(x: unknown): x is SessionData {
  if (!x || typeof x !== 'object') return false;
  const s = x as Record<string, unknown>;
  return (
    typeof s.sid === 'string' &&
    (s.kind === 'token' ? typeof s.token === 'string' && s.token.length > 0 : s.kind === 'kubeconfig') &&
    typeof s.username === 'string' &&
    Array.isArray(s.groups) &&
    s.groups.every((x) => typeof x === 'string') &&
    typeof s.issuedAt === 'number' &&
    typeof s.lastSeen === 'number' &&
    typeof s.csrf === 'string' &&
    s.csrf.length >= 32
  );
}

/** Decrypts and checks a cookie value: integrity, shape, idle timeout, absolute lifetime, sign-out. */
export async function decodeSession(value: string | undefined, now = Date.now(), key: Uint8Array = authKeys().session): Promise<DecodeResult> {
  if (!value) return { ok: false, reason: 'invalid' };
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtDecrypt(value, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      typ: 'btd-session',
      currentDate: new Date(now),
    }));
  } catch (err) {
    return { ok: false, reason: (err as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid' };
  }
  const s = payload.s;
  if (!isSession(s)) return { ok: false, reason: 'invalid' };
  if (now - s.issuedAt >= MAX_LIFETIME_MS || s.issuedAt > now + 60_000) return { ok: false, reason: 'expired' };
  if (now - s.lastSeen >= IDLE_TIMEOUT_MS) return { ok: false, reason: 'idle' };
  if (isRevoked(s.sid, now)) return { ok: false, reason: 'revoked' };
  return { ok: true, session: s };
}

/** True when the cookie should be re-issued with a fresh lastSeen (sliding idle timeout). */
export function needsTouch(s: SessionData, now = Date.now()): boolean {
  return now - s.lastSeen >= TOUCH_INTERVAL_MS;
}

/**
 * Remembers a signed-out session id until the session could have expired anyway. In memory only:
 * a restart forgets it, which the short idle timeout bounds.
 */
export function revokeSession(s: SessionData, now = Date.now()): void {
  const map = (g.__btdRevoked ??= new Map());
  map.set(s.sid, s.issuedAt + MAX_LIFETIME_MS);
  for (const [sid, until] of map) if (until <= now) map.delete(sid);
}

function isRevoked(sid: string, now: number): boolean {
  const until = g.__btdRevoked?.get(sid);
  return until !== undefined && until > now;
}

/** Whether cookies must carry Secure: served over HTTPS (directly or behind a TLS proxy), or forced. */
export function isSecureRequest(url: string, headers: Headers): boolean {
  const forced = process.env.BTD_COOKIE_SECURE;
  if (forced === '1' || forced === 'true') return true;
  if (forced === '0' || forced === 'false') return false;
  if (headers.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https') return true;
  return url.startsWith('https:');
}

export interface CookieOptions {
  httpOnly: boolean;
  sameSite: 'strict';
  secure: boolean;
  path: '/';
  maxAge: number;
}

/** The session cookie's attributes; it dies with the absolute lifetime even if never cleared. */
export function sessionCookieOptions(s: SessionData, secure: boolean, now = Date.now()): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: Math.max(0, Math.floor((s.issuedAt + MAX_LIFETIME_MS - now) / 1000)) };
}

/** The CSRF cookie is readable by the page's script (that is what double submit needs). */
export function csrfCookieOptions(secure: boolean): CookieOptions {
  return { httpOnly: false, sameSite: 'strict', secure, path: '/', maxAge: Math.floor(MAX_LIFETIME_MS / 1000) };
}
