// Cross-site request forgery defences for mutations: the request must come from our own origin
// (Origin, else Referer; Sec-Fetch-Site when the browser sends it) and carry the CSRF token in a
// header. The token is double-submitted (readable cookie == header) and, once signed in, must also
// equal the token sealed inside the session cookie, so a planted cookie alone cannot pass.
// No Next.js APIs here: plain Request/Headers, unit-testable.
import { createHash, timingSafeEqual } from 'node:crypto';
import { CSRF_COOKIE, CSRF_HEADER, type SessionData } from './session-crypto';

/** Constant-time string comparison (hashing first hides the length too). */
export function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a, 'utf8').digest();
  const y = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(x, y) && a.length === b.length;
}

/** Extra origins the dashboard is reached at (behind a reverse proxy that rewrites Host). */
function configuredOrigins(): string[] {
  return (process.env.BTD_PUBLIC_ORIGIN ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}

function originOf(value: string): string | null {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

export type OriginCheck = { ok: true } | { ok: false; reason: string };

/** Same-origin check for a state-changing or streaming request. */
export function checkOrigin(req: Request): OriginCheck {
  const h = req.headers;
  const site = h.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return { ok: false, reason: `cross-site request (Sec-Fetch-Site: ${site})` };

  const raw = h.get('origin');
  let origin: string | null;
  if (raw && raw !== 'null') origin = originOf(raw);
  else if (raw === 'null') return { ok: false, reason: 'opaque origin' };
  else {
    const referer = h.get('referer');
    if (!referer) return { ok: false, reason: 'no Origin or Referer header' };
    origin = originOf(referer);
  }
  if (!origin) return { ok: false, reason: 'unparseable Origin' };

  const host = h.get('host');
  const allowed = new Set(configuredOrigins());
  if (host) {
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  const self = originOf(req.url);
  if (self) allowed.add(self);
  return allowed.has(origin) ? { ok: true } : { ok: false, reason: `origin ${origin} is not this dashboard` };
}

/** Reads one cookie from a Cookie header. */
export function readCookie(headers: Headers, name: string): string | undefined {
  const header = headers.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(v);
      } catch {
        return v;
      }
    }
  }
  return undefined;
}

export type CsrfCheck = { ok: true } | { ok: false; reason: string };

/** Double-submit check; with a session, the header must also match the session's own token. */
export function checkCsrf(req: Request, session?: SessionData | null): CsrfCheck {
  const header = req.headers.get(CSRF_HEADER);
  if (!header) return { ok: false, reason: `missing ${CSRF_HEADER} header` };
  const cookie = readCookie(req.headers, CSRF_COOKIE);
  if (!cookie) return { ok: false, reason: 'missing CSRF cookie' };
  // Both comparisons always run, so timing does not tell which one failed.
  const cookieOk = safeEqual(header, cookie);
  const sessionOk = session ? safeEqual(header, session.csrf) : true;
  if (!cookieOk || !sessionOk) return { ok: false, reason: 'CSRF token mismatch' };
  return { ok: true };
}

export const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
