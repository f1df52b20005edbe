// POST /api/restart/start {kind, options, confirmation}: starts a restart workflow under the
// dashboard's identity once the user passed the access review for every verb it uses, typed the
// plan's phrase and the preflight does not block. 409 busy while another one runs.
import { z } from 'zod';
import { withMutation } from '@/lib/auth/guard';
import { getWorkflowEngine, type WorkflowOptions } from '@/lib/workflows';
import { json, workflowFailure } from '@/lib/api/workflow-response';

export const dynamic = 'force-dynamic';

const names = z.array(z.string().min(1).max(253)).max(500);
const seconds = z.number().finite().nonnegative().max(86_400);

const NodeOptions = z
  .object({
    nodes: names.optional(),
    deleteEmptyDirData: z.boolean().optional(),
    force: z.boolean().optional(),
    evictionRetrySeconds: seconds.optional(),
    drainTimeoutSeconds: seconds.optional(),
    nodeReadyTimeoutSeconds: seconds.optional(),
    daemonSetReadyTimeoutSeconds: seconds.optional(),
  })
  .strict();

const PodOptions = z
  .object({
    mode: z.enum(['safe', 'procedure']).optional(),
    includeNamespaces: names.optional(),
    excludeNamespaces: names.optional(),
    includePlatform: z.boolean().optional(),
    onlyStartedBefore: z.string().max(64).optional(),
    pauseBetweenNamespacesSeconds: seconds.optional(),
    concurrency: z.number().int().min(1).max(50).optional(),
    rolloutTimeoutSeconds: seconds.optional(),
  })
  .strict();

const Body = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rolling-node-restart'), options: NodeOptions.default({}), confirmation: z.string().max(200) }),
  z.object({ kind: z.literal('restart-all-pods'), options: PodOptions.default({}), confirmation: z.string().max(200) }),
]);

export const POST = withMutation(async (_req, { session, kubeConfig, body }) => {
  try {
    const engine = await getWorkflowEngine();
    const state = await engine.start({
      kind: body.kind,
      options: body.options as Partial<WorkflowOptions>,
      confirmation: body.confirmation,
      initiator: { username: session.username, groups: session.groups },
      userKubeConfig: kubeConfig,
      cacheKey: session.sid,
    });
    console.log(`[restart] ${session.username} started ${state.kind} ${state.id} (${state.steps.length} steps)`);
    return json({ state }, 201);
  } catch (err) {
    return workflowFailure(err);
  }
}, Body);
