// GET /api/rollout: the KubeAPIServer rollout DTOs listed once with the user's own credentials, in
// lib/live's poll format. The fallback of /api/rollout/events for users who may list but not watch.
import { withSession } from '@/lib/auth/guard';
import { KAS_PATH, parseKubeApiServer } from '@/lib/k8s/rollout';
import { livePollResponse } from '@/lib/live';

export const dynamic = 'force-dynamic';

export const GET = withSession((req, { kubeConfig }) =>
  livePollResponse({ kubeConfig, path: KAS_PATH, project: (obj) => parseKubeApiServer(obj), signal: req.signal }),
);
