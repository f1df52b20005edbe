// GET /api/auth/session: who the signed-in user is, and the CSRF token for mutations
// (also re-set as the readable cookie, in case it was lost). 401 without a session.
import { NextResponse } from 'next/server';
import { withSession } from '@/lib/auth/guard';
import { publicSession } from '@/lib/auth/session';
import { CSRF_COOKIE, csrfCookieOptions, isSecureRequest } from '@/lib/auth/session-crypto';

export const dynamic = 'force-dynamic';

export const GET = withSession(async (req, { session }) => {
  const res = NextResponse.json({ user: publicSession(session), csrfToken: session.csrf }, { headers: { 'Cache-Control': 'no-store' } });
  res.cookies.set(CSRF_COOKIE, session.csrf, csrfCookieOptions(isSecureRequest(req.url, req.headers)));
  return res;
});
