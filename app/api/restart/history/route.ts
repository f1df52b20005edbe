// GET /api/restart/history: every workflow the cluster remembers, newest first (summaries); with
// ?id=... the full record of one (steps with times and outcomes, the audit log).
import { jsonError, withSession } from '@/lib/auth/guard';
import { getWorkflowEngine } from '@/lib/workflows';
import { json, workflowFailure } from '@/lib/api/workflow-response';

export const dynamic = 'force-dynamic';

export const GET = withSession(async (req) => {
  try {
    const engine = await getWorkflowEngine();
    const id = req.nextUrl.searchParams.get('id');
    if (id) {
      const state = await engine.get(id);
      return state ? json({ state }) : jsonError(404, 'not-found', { message: `No workflow ${id}.` });
    }
    return json({ history: await engine.history() });
  } catch (err) {
    return workflowFailure(err);
  }
});
