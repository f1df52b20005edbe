// GET /api/auth/can-i?verb=patch&resource=nodes[&group=][&namespace=][&name=][&subresource=]:
// whether the signed-in user may do it (SelfSubjectAccessReview with their own credentials,
// cached 30 s per session). For client components that enable or disable an action.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { jsonError, withSession } from '@/lib/auth/guard';
import { canI } from '@/lib/k8s/access';

export const dynamic = 'force-dynamic';

const name = z.string().max(253).regex(/^[a-z0-9.:*-]*$/i);
const Query = z.object({
  verb: z.string().min(1).max(32).regex(/^[a-z*]+$/),
  resource: name.min(1),
  group: name.optional(),
  subresource: name.optional(),
  namespace: name.optional(),
  name: name.optional(),
});

export const GET = withSession(async (req, { session, kubeConfig }) => {
  const parsed = Query.safeParse(Object.fromEntries(req.nextUrl.searchParams));
  if (!parsed.success) {
    return jsonError(400, 'bad-request', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
  }
  const q = parsed.data;
  const decision = await canI(
    kubeConfig,
    { verb: q.verb, resource: q.resource, group: q.group ?? '', ...(q.subresource ? { subresource: q.subresource } : {}), ...(q.namespace ? { namespace: q.namespace } : {}), ...(q.name ? { name: q.name } : {}) },
    { cacheKey: session.sid },
  );
  return NextResponse.json(decision, { headers: { 'Cache-Control': 'no-store' } });
});
