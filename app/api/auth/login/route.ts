// POST /api/auth/login {token}: checks a pasted bearer token with the cluster (whoAmI) and, when
// the cluster accepts it, starts a session holding it in the encrypted cookie. The token is never
// logged or echoed back, even in errors.
import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { jsonError, publicMutation } from '@/lib/auth/guard';
import { publicSession, setSessionCookies } from '@/lib/auth/session';
import { isSecureRequest, newSession } from '@/lib/auth/session-crypto';
import { whoAmI } from '@/lib/k8s/access';
import { kubeConfigForToken } from '@/lib/k8s/connection';
import { isClusterError } from '@/lib/k8s/errors';

export const dynamic = 'force-dynamic';

const Body = z.object({
  token: z
    .string()
    .trim()
    .transform((t) => t.replace(/^Bearer\s+/i, ''))
    .pipe(
      z
        .string()
        .min(1, 'Paste a token.')
        .max(8192, 'That is too long to be a bearer token.')
        .regex(/^[\x21-\x7e]+$/, 'A bearer token is one line of printable characters without spaces.'),
    ),
});

export async function POST(req: NextRequest) {
  const parsed = await publicMutation(req, Body);
  if (!parsed.ok) return parsed.res;
  const { token } = parsed.body;

  let identity;
  try {
    identity = await whoAmI(kubeConfigForToken(token));
  } catch (err) {
    if (isClusterError(err) && err.kind === 'unauthorized') {
      return jsonError(401, 'token-rejected', { message: 'This token was rejected by the cluster.', hint: 'It may have expired, been revoked, or belong to another cluster.' });
    }
    if (isClusterError(err)) return jsonError(502, err.kind, { message: err.message, hint: err.hint });
    return jsonError(500, 'internal', { message: 'The token could not be checked.' });
  }

  const session = newSession({ kind: 'token', token, username: identity.username, groups: identity.groups, ...(identity.uid ? { uid: identity.uid } : {}) });
  const res = NextResponse.json({ user: publicSession(session), csrfToken: session.csrf }, { headers: { 'Cache-Control': 'no-store' } });
  await setSessionCookies(res, session, isSecureRequest(req.url, req.headers));
  return res;
}
