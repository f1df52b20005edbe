// Sign-in helpers for e2e specs: sign a browser context in with a bearer token through the real
// sign-in API (same origin, double-submit CSRF), and read the CSRF token back for mutations.
import type { APIResponse, BrowserContext, Page } from '@playwright/test';

export const CSRF_COOKIE = 'btd_csrf';
export const SESSION_COOKIE = 'btd_session';

/** The CSRF cookie of a context (the proxy sets it on the first page load). */
export async function csrfToken(context: BrowserContext): Promise<string> {
  const c = (await context.cookies()).find((x) => x.name === CSRF_COOKIE);
  if (!c) throw new Error('no CSRF cookie: load a page first');
  return c.value;
}

/** Signs a browser context in with `token` through the real sign-in API; returns its response. */
export async function signInContext(context: BrowserContext, baseURL: string, token: string): Promise<APIResponse> {
  const origin = new URL(baseURL).origin;
  // The proxy hands out the CSRF cookie with any page, the sign-in page included.
  if (!(await context.cookies(origin)).some((c) => c.name === CSRF_COOKIE)) await context.request.get(`${origin}/login`);
  const csrf = await csrfToken(context);
  const res = await context.request.post(`${origin}/api/auth/login`, { headers: { origin, 'x-csrf-token': csrf }, data: { token } });
  if (res.status() !== 200) throw new Error(`sign-in failed: ${res.status()} ${(await res.text()).slice(0, 200)}`);
  return res;
}

/** Same, for a page's context. */
export async function signInWithToken(page: Page, baseURL: string, token: string): Promise<APIResponse> {
  return signInContext(page.context(), baseURL, token);
}

/** Headers for a same-origin mutation from a signed-in context. */
export async function mutationHeaders(context: BrowserContext, baseURL: string): Promise<Record<string, string>> {
  return { origin: new URL(baseURL).origin, 'x-csrf-token': await csrfToken(context) };
}

/**
 * A valid session cookie for a dashboard whose data dir (session key) the test controls, as the
 * kubeconfig identity. For journeys where signing in through the cluster is impossible (the
 * cluster is unreachable) but the page behind sign-in is what is under test.
 */
export async function sessionCookieFor(dataDir: string, user: { username: string; groups?: string[] } = { username: 'e2e' }): Promise<string> {
  const { deriveKey, resolveMasterKey } = await import('../lib/auth/key');
  const { encodeSession, newSession } = await import('../lib/auth/session-crypto');
  const key = deriveKey(resolveMasterKey({}, dataDir), 'session');
  return encodeSession(newSession({ kind: 'kubeconfig', username: user.username, groups: user.groups ?? [] }), key);
}
