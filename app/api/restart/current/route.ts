// GET /api/restart/current: the running, paused or last workflow (null when none ran yet).
import { withSession } from '@/lib/auth/guard';
import { getWorkflowEngine } from '@/lib/workflows';
import { json, workflowFailure } from '@/lib/api/workflow-response';

export const dynamic = 'force-dynamic';

export const GET = withSession(async () => {
  try {
    return json({ state: await (await getWorkflowEngine()).current() });
  } catch (err) {
    return workflowFailure(err);
  }
});
