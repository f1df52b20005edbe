// Sessions as Next sees them: read the encrypted cookie in pages and route handlers, write and
// clear it on responses, and build the cluster client that acts as the signed-in user.
import 'server-only';
import { cookies } from 'next/headers';
import type { NextResponse } from 'next/server';
import type { KubeConfig } from '@kubernetes/client-node';
import { getConnection, kubeConfigForToken } from '@/lib/k8s/connection';
import { readCookie } from './csrf';
import {
  CSRF_COOKIE,
  IDLE_TIMEOUT_MS,
  MAX_LIFETIME_MS,
  SESSION_COOKIE,
  csrfCookieOptions,
  decodeSession,
  encodeSession,
  sessionCookieOptions,
  type DecodeResult,
  type SessionData,
} from './session-crypto';

export type { SessionData } from './session-crypto';

/** The session of the current page render or route handler, or why there is none. */
export async function readSession(): Promise<DecodeResult> {
  const jar = await cookies();
  return decodeSession(jar.get(SESSION_COOKIE)?.value);
}

/** The session of the current request, or null. */
export async function getSession(): Promise<SessionData | null> {
  const r = await readSession();
  return r.ok ? r.session : null;
}

/** Same, from a Request (route handlers that prefer not to use next/headers). */
export async function sessionFromRequest(req: Request): Promise<DecodeResult> {
  return decodeSession(readCookie(req.headers, SESSION_COOKIE));
}

/** Puts a (new or refreshed) session and its CSRF token on a response. */
export async function setSessionCookies(res: NextResponse, session: SessionData, secure: boolean): Promise<void> {
  res.cookies.set(SESSION_COOKIE, await encodeSession(session), sessionCookieOptions(session, secure));
  res.cookies.set(CSRF_COOKIE, session.csrf, csrfCookieOptions(secure));
}

/** Removes the session cookie (the CSRF cookie may stay: it is not a credential). */
export function clearSessionCookies(res: NextResponse, secure: boolean): void {
  res.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 0 });
}

/** The cluster client acting as the session's user, so the cluster's RBAC decides. */
export function sessionKubeConfig(session: SessionData): KubeConfig {
  if (session.kind === 'token' && session.token) return kubeConfigForToken(session.token);
  return getConnection().kubeConfig;
}

/** What the browser may know about a session: never the token. */
export interface PublicSession {
  username: string;
  groups: string[];
  kind: SessionData['kind'];
  issuedAt: string;
  idleExpiresAt: string;
  expiresAt: string;
}

export function publicSession(s: SessionData): PublicSession {
  return {
    username: s.username,
    groups: s.groups,
    kind: s.kind,
    issuedAt: new Date(s.issuedAt).toISOString(),
    idleExpiresAt: new Date(s.lastSeen + IDLE_TIMEOUT_MS).toISOString(),
    expiresAt: new Date(s.issuedAt + MAX_LIFETIME_MS).toISOString(),
  };
}
