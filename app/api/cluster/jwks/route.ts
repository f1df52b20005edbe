// GET /api/cluster/jwks: the cluster's /openid/v1/jwks as the signed-in user reads it, byte for byte
// (application/jwk-set+json), for the browser's token verifier.
import { withSession } from '@/lib/auth/guard';
import { passThrough } from '@/lib/api/discovery-response';

export const dynamic = 'force-dynamic';

export const GET = withSession(async (_req, { kubeConfig }) => passThrough(kubeConfig, 'jwks'));
