// GET /api/auth/link?t=...: redeems a one-time sign-in link printed by the launcher (10 minutes,
// single use) and signs the browser in as the kubeconfig's identity, then goes to /. Only in local
// mode (a kubeconfig or the demo cluster): in a pod the dashboard's identity is its service account,
// which no browser should become.
import { NextResponse, type NextRequest } from 'next/server';
import { setSessionCookies } from '@/lib/auth/session';
import { dataDir } from '@/lib/auth/key';
import { redeemLinkToken, usedNonces, verifyLinkToken } from '@/lib/auth/link-token';
import { authKeys, isSecureRequest, newSession } from '@/lib/auth/session-crypto';
import { whoAmI } from '@/lib/k8s/access';
import { getConnection } from '@/lib/k8s/connection';

export const dynamic = 'force-dynamic';

// Relative Location headers: behind `next start` req.url says "localhost" whatever host the
// browser used, and a redirect to another host would lose the cookie just set.
function seeOther(location: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { Location: location, 'Cache-Control': 'no-store' } });
}

function toLogin(error: string): NextResponse {
  return seeOther(`/login?${new URLSearchParams({ error }).toString()}`);
}

export async function GET(req: NextRequest) {
  const t = req.nextUrl.searchParams.get('t');
  if (!t || t.length > 4096) return toLogin('link-invalid');
  const key = authKeys().link;

  // Check first without spending the link, so a cluster hiccup does not waste it.
  const pre = await verifyLinkToken(t, key);
  if (!pre.ok) return toLogin(`link-${pre.reason}`);

  let conn;
  try {
    conn = getConnection();
  } catch {
    return toLogin('cluster');
  }
  if (conn.source !== 'kubeconfig') return toLogin('link-disabled');

  let identity;
  try {
    identity = await whoAmI(conn.kubeConfig, { reviewer: conn.kubeConfig });
  } catch {
    return toLogin('cluster');
  }

  const spent = await redeemLinkToken(t, key, usedNonces(dataDir()));
  if (!spent.ok) return toLogin(`link-${spent.reason}`);

  const session = newSession({ kind: 'kubeconfig', username: identity.username, groups: identity.groups, ...(identity.uid ? { uid: identity.uid } : {}) });
  const res = seeOther('/');
  await setSessionCookies(res, session, isSecureRequest(req.url, req.headers));
  return res;
}
