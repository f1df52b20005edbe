// POST /api/auth/logout: ends the session (cookie cleared, session id revoked in this process,
// cached access decisions dropped).
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withMutation } from '@/lib/auth/guard';
import { clearSessionCookies } from '@/lib/auth/session';
import { isSecureRequest, revokeSession } from '@/lib/auth/session-crypto';
import { clearAccessCache } from '@/lib/k8s/access';

export const dynamic = 'force-dynamic';

export const POST = withMutation(async (req, { session }) => {
  revokeSession(session);
  clearAccessCache(session.sid);
  const res = NextResponse.json({ ok: true }, { headers: { 'Cache-Control': 'no-store' } });
  clearSessionCookies(res, isSecureRequest(req.url, req.headers));
  return res;
}, z.object({}).strict().optional());
