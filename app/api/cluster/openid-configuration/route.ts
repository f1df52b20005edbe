// GET /api/cluster/openid-configuration: the cluster's /.well-known/openid-configuration as the
// signed-in user reads it, byte for byte (application/json).
import { withSession } from '@/lib/auth/guard';
import { passThrough } from '@/lib/api/discovery-response';

export const dynamic = 'force-dynamic';

export const GET = withSession(async (_req, { kubeConfig }) => passThrough(kubeConfig, 'openid-configuration'));
