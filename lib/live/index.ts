// Server entry of the live plumbing: route handlers import from here ('@/lib/live'); the browser
// imports '@/lib/live/client' (and types from '@/lib/live/types') instead.
//
//   export const runtime = 'nodejs';
//   export const dynamic = 'force-dynamic';
//   const PATH = '/apis/operator.openshift.io/v1/kubeapiservers';
//   const project = (o: KubeObject) => ({ ... });            // module level: DTOs are cached per function
//   export const GET = withStream(async (req, { session, kubeConfig }) => {
//     const { group, resource } = resourceOfPath(PATH);
//     return liveEventsResponse({
//       request: req,
//       target: { path: PATH, kubeConfig: getConnection().kubeConfig },   // the shared watch: dashboard identity
//       authorize: listWatchAuthorizer(async (verb) => (await canI(kubeConfig, { verb, group, resource }, { cacheKey: session.sid })).allowed),
//       project,
//       pollUrl: '/api/rollout',                             // GET → livePollResponse({ kubeConfig, path: PATH, project })
//     });
//   });
import 'server-only';
export { getLiveHub, LiveHub, LiveForbiddenError, targetKey, type AuthorizeResult, type HubOptions, type HubStats, type Subscriber, type WatchTarget } from './hub';
export { SharedInformer, listAll, UpstreamError, type InformerListener, type InformerOptions, type Selectors } from './informer';
export {
  liveEventsResponse,
  liveMultiEventsResponse,
  livePollResponse,
  liveMultiPollResponse,
  listWatchAuthorizer,
  resourceOfPath,
  lastEventIdOf,
  encodeMultiId,
  decodeMultiId,
  SSE_HEADERS,
  type LiveEventsOptions,
  type LiveMultiEventsOptions,
  type LiveStream,
  type PollSpec,
} from './sse';
export { backoffDelay, backoffCeiling, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
export * from './types';
