// The face of lib/workflows for route handlers and pages: the process-wide engine, its errors, and
// the pure planning pieces. Types for client components come from '@/lib/workflows/types'.
//
//   const engine = await getWorkflowEngine();                       // dashboard identity; resumes a stored run
//   const { plan, preflight } = await engine.inspect(kind, options); // dry run + findings (read-only)
//   const access = await engine.checkAccess(kind, options, userKc, session.sid);   // show what the user lacks
//   const state = await engine.start({ kind, options, confirmation, initiator: { username, groups }, userKubeConfig: userKc, cacheKey: session.sid });
//     // throws WorkflowError: code 'forbidden' | 'busy' | 'confirmation' | 'blocked' | 'invalid' | 'cluster'
//   for await (const ev of engine.events(request.signal)) send(ev);  // SSE: state first, then step/progress/state
//   await engine.pause({ by, userKubeConfig }); engine.resume(...); engine.abort(...);
//   await engine.current(); await engine.history(); await engine.get(id);
import 'server-only';
export { getWorkflowEngine, WorkflowEngine, WorkflowError, DEFAULT_NAMESPACE, type EngineOptions, type StartRequest, type ControlRequest } from './engine';
export { planFor, planNodeRestart, planPodRestart, accessFor, normalizeOptions, nodeSteps } from './plan';
export { preflight } from './preflight';
export { STATE_CONFIGMAP, HISTORY_CONFIGMAP, LEASE_NAME } from './store';
export { EVENT_COMPONENT } from './events';
export * from './types';
