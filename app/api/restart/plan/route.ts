// GET /api/restart/plan?kind=rolling-node-restart&options={json}: the dry run (what will be touched,
// in which order, the commands, the confirmation phrase), the preflight, and the signed-in user's
// access review for every verb the workflow uses. Read-only.
import { jsonError, withSession } from '@/lib/auth/guard';
import { getWorkflowEngine, type WorkflowKind, type WorkflowOptions } from '@/lib/workflows';
import { json, readDenied, workflowFailure } from '@/lib/api/workflow-response';

export const dynamic = 'force-dynamic';

const KINDS: WorkflowKind[] = ['rolling-node-restart', 'restart-all-pods'];

export const GET = withSession(async (req, { session, kubeConfig }) => {
  const kind = req.nextUrl.searchParams.get('kind') as WorkflowKind;
  if (!KINDS.includes(kind)) return jsonError(400, 'bad-request', { message: `kind must be one of ${KINDS.join(', ')}` });
  let options: Partial<WorkflowOptions> | undefined;
  const raw = req.nextUrl.searchParams.get('options');
  if (raw) {
    try {
      options = JSON.parse(raw) as Partial<WorkflowOptions>;
    } catch {
      return jsonError(400, 'bad-request', { message: 'options is not valid JSON' });
    }
    if (!options || typeof options !== 'object' || Array.isArray(options)) return jsonError(400, 'bad-request', { message: 'options must be an object' });
  }
  try {
    const engine = await getWorkflowEngine();
    // The plan is read with the dashboard's identity: show it only to users who may read what it lists.
    const access = await engine.checkAccess(kind, options, kubeConfig, session.sid);
    const unreadable = readDenied(access);
    if (unreadable.length) return jsonError(403, 'forbidden', { message: `You (${session.username}) may not read what this plan lists: the cluster refused ${unreadable.join(', ')}.` });
    const { plan, preflight } = await engine.inspect(kind, options);
    return json({ plan, preflight, access });
  } catch (err) {
    return workflowFailure(err);
  }
});
