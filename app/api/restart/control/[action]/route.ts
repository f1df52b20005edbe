// POST /api/restart/control/{pause|resume|abort} {id}: controls the running workflow. The user must
// pass the same access review as a start (a viewer cannot stop an admin's restart half-way either).
import { z } from 'zod';
import { jsonError, withMutation } from '@/lib/auth/guard';
import { getWorkflowEngine } from '@/lib/workflows';
import { json, workflowFailure } from '@/lib/api/workflow-response';

export const dynamic = 'force-dynamic';

const Body = z.object({ id: z.string().min(1).max(200).optional() }).strict();

export const POST = withMutation<typeof Body, { action: string }>(async (_req, { session, kubeConfig, body, params }) => {
  const action = params.action;
  if (action !== 'pause' && action !== 'resume' && action !== 'abort') return jsonError(404, 'not-found', { message: `Unknown action "${action}".` });
  try {
    const engine = await getWorkflowEngine();
    const req = { by: session.username, userKubeConfig: kubeConfig, cacheKey: session.sid };
    const state = action === 'pause' ? await engine.pause(req, body.id) : action === 'resume' ? await engine.resume(req, body.id) : await engine.abort(req, body.id);
    console.log(`[restart] ${session.username} asked to ${action} ${state.id}`);
    return json({ state });
  } catch (err) {
    return workflowFailure(err);
  }
}, Body);
