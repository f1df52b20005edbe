// Shared by the /api/restart routes: a WorkflowError becomes the HTTP answer the UI shows
// (forbidden 403, busy 409, confirmation 400, blocked 409 with the preflight, invalid 400, cluster 502).
import 'server-only';
import { NextResponse } from 'next/server';
import { jsonError } from '@/lib/auth/guard';
import { WorkflowError, type AccessCheck, type WorkflowErrorCode } from '@/lib/workflows';

const STATUS: Record<WorkflowErrorCode, number> = {
  forbidden: 403,
  busy: 409,
  confirmation: 400,
  blocked: 409,
  'not-found': 404,
  invalid: 400,
  state: 409,
  cluster: 502,
};

export function json(body: unknown, status = 200): NextResponse {
  return NextResponse.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
}

/**
 * By name, not instanceof: the engine on globalThis may come from another bundle (instrumentation
 * creates it), whose WorkflowError is a different class object.
 */
function isWorkflowError(err: unknown): err is WorkflowError {
  return err instanceof WorkflowError || (err instanceof Error && err.name === 'WorkflowError' && typeof (err as { code?: unknown }).code === 'string');
}

/** Answers a WorkflowError; anything else is rethrown to the guard (which maps cluster errors). */
export function workflowFailure(err: unknown): NextResponse {
  if (isWorkflowError(err)) {
    return jsonError(STATUS[err.code] ?? 500, err.code, { message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) });
  }
  throw err;
}

/** The read verbs (list/get) of a workflow's access review the user was refused, as "list pods". */
export function readDenied(access: AccessCheck): string[] {
  return access.checks.filter((c) => (c.verb === 'list' || c.verb === 'get') && !c.allowed).map((c) => `${c.verb} ${c.group ? `${c.resource}.${c.group}` : c.resource}`);
}
