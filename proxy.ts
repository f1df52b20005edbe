// Next 16 proxy (formerly middleware): first line of defence and housekeeping, never the only
// check. Pages without a session cookie go to /login?next=...; pages and handlers still verify the
// session themselves (requireSession / withSession), and API routes are left to answer their own
// 401 so the route-walk test proves each handler checks. It also slides the idle timeout forward,
// hands pages the path (for "come back after sign-in") and a CSP nonce, and sets security headers.
import { NextResponse, type NextRequest } from 'next/server';
import { isPublicPage } from './lib/auth/public-routes';
import { STATIC_SECURITY_HEADERS, contentSecurityPolicy, newNonce } from './lib/auth/security-headers';
import {
  CSRF_COOKIE,
  SESSION_COOKIE,
  csrfCookieOptions,
  decodeSession,
  encodeSession,
  isSecureRequest,
  needsTouch,
  randomToken,
  sessionCookieOptions,
} from './lib/auth/session-crypto';

const PATH_HEADER = 'x-btd-path';

/**
 * The origin the browser used. Under `next start`, req.url names "localhost" whatever the Host
 * was, and a redirect from 127.0.0.1 to localhost would lose the cookies (another site).
 */
function selfOrigin(req: NextRequest, secure: boolean): string {
  const host = req.headers.get('host');
  if (host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return `${secure ? 'https' : 'http'}://${host}`;
  return req.nextUrl.origin;
}

export async function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const isApi = pathname.startsWith('/api/');
  const secure = isSecureRequest(req.url, req.headers);
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === 'development');
  const cookie = req.cookies.get(SESSION_COOKIE)?.value;

  let res: NextResponse;
  if (!isApi && !isPublicPage(pathname) && !cookie) {
    const login = new URL('/login', selfOrigin(req, secure));
    login.searchParams.set('next', `${pathname}${search}`);
    res = NextResponse.redirect(login, 307);
  } else {
    const headers = new Headers(req.headers);
    headers.set(PATH_HEADER, `${pathname}${search}`);
    headers.set('x-nonce', nonce);
    // Next reads the nonce for its own scripts from the request's CSP header.
    headers.set('content-security-policy', csp);
    res = NextResponse.next({ request: { headers } });
    // Sliding idle timeout. Not on /api/auth/*: those set or clear the cookie themselves, and a
    // refresh here would resurrect a session that sign-out just removed.
    if (cookie && !pathname.startsWith('/api/auth/')) {
      try {
        const r = await decodeSession(cookie);
        if (r.ok && needsTouch(r.session)) {
          const touched = { ...r.session, lastSeen: Date.now() };
          res.cookies.set(SESSION_COOKIE, await encodeSession(touched), sessionCookieOptions(touched, secure));
        }
      } catch {
        // Key unavailable: leave it to the page or handler to fail visibly.
      }
    }
  }

  // Double-submit CSRF needs a cookie before sign-in (the sign-in form itself is a mutation).
  if (!isApi && !req.cookies.get(CSRF_COOKIE)) res.cookies.set(CSRF_COOKIE, randomToken(32), csrfCookieOptions(secure));

  res.headers.set('Content-Security-Policy', csp);
  for (const [k, v] of Object.entries(STATIC_SECURITY_HEADERS)) res.headers.set(k, v);
  if (!isApi) res.headers.set('Cache-Control', 'private, no-store');
  return res;
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon\\.ico|icon\\.svg|robots\\.txt).*)'],
};
