// GET /api/issuer: the issuer state as the signed-in user may read it (spec, trusted issuers,
// discovery documents, JWKS summary, a cluster clock sample). The /issuer page polls it.
import { NextResponse } from 'next/server';
import { jsonError, withSession } from '@/lib/auth/guard';
import { getClusterStatus } from '@/lib/k8s';
import { readIssuerState } from '@/lib/k8s/issuer';

export const dynamic = 'force-dynamic';

export const GET = withSession(async (_req, { kubeConfig }) => {
  const status = await getClusterStatus();
  if (!status.ok) return jsonError(502, status.error.kind, { message: status.error.message, hint: status.error.hint });
  const state = await readIssuerState(kubeConfig, { flavor: status.info.flavor });
  return NextResponse.json(state, { headers: { 'Cache-Control': 'no-store' } });
});
