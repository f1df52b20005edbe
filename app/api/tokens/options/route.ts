// GET /api/tokens/options?kind=namespaces|serviceaccounts|pods|secrets|nodes[&namespace=][&continue=]:
// one page of names for the token request form's pickers, read as the signed-in user. Namespaced
// kinds are always read for one namespace. For service accounts the answer also says whether the
// user may create tokens in that namespace, so the form can disable itself with the reason.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { jsonError, withSession } from '@/lib/auth/guard';
import { canI } from '@/lib/k8s/access';
import { listPickerPage } from '@/lib/k8s/tokens';

export const dynamic = 'force-dynamic';

const Query = z.object({
  kind: z.enum(['namespaces', 'serviceaccounts', 'pods', 'secrets', 'nodes']),
  namespace: z.string().max(253).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).optional(),
  continue: z.string().max(4096).optional(),
});

export const GET = withSession(async (req, { session, kubeConfig }) => {
  const parsed = Query.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) {
    return jsonError(400, 'bad-request', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  const q = parsed.data;
  if (q.kind !== 'namespaces' && q.kind !== 'nodes' && !q.namespace) return jsonError(400, 'bad-request', { message: `${q.kind} are listed per namespace: add ?namespace=` });
  const page = await listPickerPage(kubeConfig, q.kind, { ...(q.namespace ? { namespace: q.namespace } : {}), ...(q.continue ? { continue: q.continue } : {}) });
  const extra: Record<string, unknown> = {};
  if (q.kind === 'serviceaccounts' && q.namespace) {
    const d = await canI(kubeConfig, { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: q.namespace }, { cacheKey: session.sid });
    extra.canCreateToken = d.allowed;
  }
  return NextResponse.json({ ...page, ...extra }, { headers: { 'Cache-Control': 'no-store' } });
});
