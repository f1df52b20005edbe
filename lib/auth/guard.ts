// Wrappers every route handler and page uses, so that no route is born unprotected:
// withSession (401 JSON without a session), withMutation (same-origin + CSRF + zod body),
// withStream (session + Origin for SSE), requireSession (pages: redirect to /login?next=...).
// Cluster failures inside a handler become JSON the UI can show: 401 "session expired" when the
// cluster stops accepting the user's token, 403 "You (viewer) cannot patch nodes" with the role.
import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { NextResponse, type NextRequest } from 'next/server';
import type { KubeConfig } from '@kubernetes/client-node';
import type { z } from 'zod';
import { denialFromError } from '@/lib/k8s/access';
import { isClusterError, redact } from '@/lib/k8s/errors';
import { MUTATING_METHODS, checkCsrf, checkOrigin } from './csrf';
import { isSecureRequest, type SessionFailure } from './session-crypto';
import { clearSessionCookies, readSession, sessionFromRequest, sessionKubeConfig, type SessionData } from './session';

/** Header proxy.ts sets with the requested path, so a page can send the user back after sign-in. */
export const PATH_HEADER = 'x-btd-path';

export interface AuthContext<P = Record<string, string | string[] | undefined>> {
  session: SessionData;
  /** Cluster client acting as the signed-in user. */
  kubeConfig: KubeConfig;
  params: P;
}

type RouteCtx = { params?: Promise<unknown> };
type Handler<P> = (req: NextRequest, ctx: AuthContext<P>) => Promise<Response> | Response;
type BodyHandler<P, B> = (req: NextRequest, ctx: AuthContext<P> & { body: B }) => Promise<Response> | Response;

export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}): NextResponse {
  return NextResponse.json({ error, ...extra }, { status, headers: { 'Cache-Control': 'no-store' } });
}

function unauthenticated(req: NextRequest, reason: SessionFailure | 'cluster-rejected'): NextResponse {
  const expired = reason !== 'invalid';
  const res = jsonError(401, 'unauthenticated', {
    message: expired ? 'Your session has expired. Sign in again.' : 'Sign in first.',
    ...(expired ? { reason } : {}),
  });
  if (expired) clearSessionCookies(res, isSecureRequest(req.url, req.headers));
  return res;
}

/** Maps what a handler threw to a response; never echoes a token or a stack. */
function failure(req: NextRequest, err: unknown, session: SessionData): NextResponse {
  if (isClusterError(err)) {
    if (err.kind === 'unauthorized') return unauthenticated(req, 'cluster-rejected');
    if (err.kind === 'forbidden') {
      const d = denialFromError(err, session.username);
      return jsonError(403, 'forbidden', { message: d.message, role: d.role, hint: d.hint, clusterMessage: d.clusterMessage });
    }
    return jsonError(err.status && err.status >= 400 && err.status < 500 ? err.status : 502, err.kind, { message: err.message, hint: err.hint });
  }
  const msg = err instanceof Error ? err.message : String(err);
  console.error(`[api] ${req.method} ${req.nextUrl.pathname} failed: ${redact(msg.split('\n')[0] ?? '')}`);
  return jsonError(500, 'internal', { message: 'Something went wrong on the dashboard server.' });
}

async function resolveParams<P>(ctx: RouteCtx | undefined): Promise<P> {
  return ((ctx?.params ? await ctx.params : {}) ?? {}) as P;
}

/** A route handler that needs a signed-in user. */
export function withSession<P = Record<string, string>>(handler: Handler<P>) {
  return async (req: NextRequest, ctx?: RouteCtx): Promise<Response> => {
    const r = await sessionFromRequest(req);
    if (!r.ok) return unauthenticated(req, r.reason);
    try {
      return await handler(req, { session: r.session, kubeConfig: sessionKubeConfig(r.session), params: await resolveParams<P>(ctx) });
    } catch (err) {
      return failure(req, err, r.session);
    }
  };
}

/** A streaming (SSE) route: a session, and no cross-site Origin (EventSource cannot carry a CSRF header). */
export function withStream<P = Record<string, string>>(handler: Handler<P>) {
  const inner = withSession(handler);
  return async (req: NextRequest, ctx?: RouteCtx): Promise<Response> => {
    if (req.headers.get('origin') || req.headers.get('sec-fetch-site') === 'cross-site') {
      const o = checkOrigin(req);
      if (!o.ok) return jsonError(403, 'cross-origin', { message: 'This stream only serves the dashboard itself.' });
    }
    return inner(req, ctx);
  };
}

async function parseBody<S extends z.ZodType>(req: NextRequest, schema: S): Promise<{ ok: true; body: z.infer<S> } | { ok: false; res: NextResponse }> {
  let raw: unknown = undefined;
  const text = await req.text();
  if (text.trim()) {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, res: jsonError(400, 'bad-request', { message: 'The request body is not valid JSON.', issues: [] }) };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message, code: i.code }));
    return { ok: false, res: jsonError(400, 'bad-request', { message: issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), issues }) };
  }
  return { ok: true, body: parsed.data };
}

/** Mutation checks shared by withMutation and the public sign-in route. Returns a response on failure. */
export function mutationPreflight(req: NextRequest, session: SessionData | null): NextResponse | null {
  if (!MUTATING_METHODS.has(req.method)) return jsonError(405, 'method-not-allowed');
  const o = checkOrigin(req);
  if (!o.ok) return jsonError(403, 'cross-origin', { message: 'Changes are only accepted from the dashboard itself.' });
  const c = checkCsrf(req, session);
  if (!c.ok) return jsonError(403, 'csrf', { message: 'The request lacks a valid CSRF token. Reload the page and try again.' });
  return null;
}

/**
 * A state-changing route handler: POST/PUT/PATCH/DELETE only, same origin, a session, the CSRF
 * header, and a body that passes `schema` (400 with zod's issues otherwise).
 */
export function withMutation<S extends z.ZodType, P = Record<string, string>>(handler: BodyHandler<P, z.infer<S>>, schema: S) {
  return async (req: NextRequest, ctx?: RouteCtx): Promise<Response> => {
    if (!MUTATING_METHODS.has(req.method)) return jsonError(405, 'method-not-allowed');
    const o = checkOrigin(req);
    if (!o.ok) return jsonError(403, 'cross-origin', { message: 'Changes are only accepted from the dashboard itself.' });
    const r = await sessionFromRequest(req);
    if (!r.ok) return unauthenticated(req, r.reason);
    const pre = mutationPreflight(req, r.session);
    if (pre) return pre;
    const body = await parseBody(req, schema);
    if (!body.ok) return body.res;
    try {
      return await handler(req, { session: r.session, kubeConfig: sessionKubeConfig(r.session), params: await resolveParams<P>(ctx), body: body.body });
    } catch (err) {
      return failure(req, err, r.session);
    }
  };
}

/** For routes without a session (sign-in): same-origin + double-submit CSRF + zod body. */
export async function publicMutation<S extends z.ZodType>(req: NextRequest, schema: S): Promise<{ ok: true; body: z.infer<S> } | { ok: false; res: NextResponse }> {
  const pre = mutationPreflight(req, null);
  if (pre) return { ok: false, res: pre };
  return parseBody(req, schema);
}

/** Only same-site relative paths: never an open redirect. */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/login') || next.startsWith('/api/')) return '/';
  return next;
}

export function loginUrl(next: string, reason?: SessionFailure | 'expired'): string {
  const p = new URLSearchParams({ next: safeNext(next) });
  if (reason && reason !== 'invalid') p.set('reason', 'expired');
  return `/login?${p.toString()}`;
}

/** For pages (server components): the session, or a redirect to sign-in that comes back here. */
export async function requireSession(nextPath?: string): Promise<{ session: SessionData; kubeConfig: KubeConfig }> {
  const r = await readSession();
  if (r.ok) return { session: r.session, kubeConfig: sessionKubeConfig(r.session) };
  const path = nextPath ?? (await headers()).get(PATH_HEADER) ?? '/';
  redirect(loginUrl(path, r.reason));
}

/**
 * For pages: call with what a cluster call threw. When the cluster no longer accepts the user's
 * token, sends the user to sign in again ("session expired") instead of rendering a broken page.
 */
export async function redirectIfSessionRejected(err: unknown, nextPath?: string): Promise<void> {
  if (isClusterError(err) && err.kind === 'unauthorized') {
    const path = nextPath ?? (await headers()).get(PATH_HEADER) ?? '/';
    redirect(loginUrl(path, 'expired'));
  }
}
