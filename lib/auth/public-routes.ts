// The only routes reachable without a session. Everything else needs one: proxy.ts redirects pages,
// each handler answers 401. The route-walk e2e test reads this list, so making a route public is
// a deliberate, reviewed change here rather than an accident elsewhere.
export const PUBLIC_PAGES: readonly string[] = ['/login'];

/** API routes and the methods that work without a session (they have their own checks). */
export const PUBLIC_API: Readonly<Record<string, readonly string[]>> = {
  '/api/auth/login': ['POST'], // same-origin + double-submit CSRF + the cluster validates the token
  '/api/auth/link': ['GET'], // one-time, encrypted, expiring link
};

export function isPublicPage(pathname: string): boolean {
  return PUBLIC_PAGES.some((p) => pathname === p || pathname === `${p}/`);
}
