// GET /api/rollout/events: the KubeAPIServer `cluster` rollout as Server-Sent Events, through the
// shared lib/live watch (one per cluster, whatever the number of browsers). The user is attached only
// after a SelfSubjectAccessReview for list+watch kubeapiservers.operator.openshift.io with their own
// credentials; list-only users get 403 with fallback "poll" to /api/rollout.
import { withStream } from '@/lib/auth/guard';
import { canI } from '@/lib/k8s/access';
import { getConnection } from '@/lib/k8s/connection';
import { KAS_GROUP, KAS_PATH, KAS_PLURAL, parseKubeApiServer } from '@/lib/k8s/rollout';
import { listWatchAuthorizer, liveEventsResponse } from '@/lib/live';

export const dynamic = 'force-dynamic';

export const GET = withStream((req, { session, kubeConfig }) =>
  liveEventsResponse({
    request: req,
    // The shared watch runs as the dashboard; each subscriber is checked as themselves.
    target: { path: KAS_PATH, kubeConfig: getConnection().kubeConfig },
    authorize: listWatchAuthorizer(async (verb) => (await canI(kubeConfig, { verb, group: KAS_GROUP, resource: KAS_PLURAL }, { cacheKey: session.sid })).allowed),
    project: (obj) => parseKubeApiServer(obj),
    pollUrl: '/api/rollout',
  }),
);
