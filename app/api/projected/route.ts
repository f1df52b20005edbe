// /api/projected — the projected-volume builder's server side, acting as the signed-in user.
// GET  ?view=tokens[&continue=…][&auto=1]   a screenful of pods mounting projected SA tokens
// GET  ?view=serviceaccounts&namespace=ns     the namespace's service accounts + may-I-create-pods
// GET  ?view=pod&namespace=ns&name=n          one pod's state after creation
// POST {form…, dryRun}                        create the procedure's pod (server-side dry run or for
//                                             real); the cluster's refusals come back per form field.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { jsonError, withMutation, withSession } from '@/lib/auth/guard';
import {
  createProjectedPod,
  listProjectedTokens,
  listServiceAccountNames,
  podCreateAccess,
  readPodState,
} from '@/lib/k8s/projected';
import { buildPodManifest, createRequestSchema, formFieldForCause, type FormField } from '@/components/projected/pod-manifest';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };
const dnsName = z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);

const Query = z.discriminatedUnion('view', [
  z.object({ view: z.literal('tokens'), continue: z.string().max(8192).optional(), auto: z.enum(['0', '1']).optional() }),
  z.object({ view: z.literal('serviceaccounts'), namespace: dnsName }),
  z.object({ view: z.literal('pod'), namespace: dnsName, name: dnsName }),
]);

export const GET = withSession(async (req, { session, kubeConfig }) => {
  const raw = Object.fromEntries(req.nextUrl.searchParams);
  const parsed = Query.safeParse({ view: 'tokens', ...raw });
  if (!parsed.success) {
    return jsonError(400, 'bad-request', { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  }
  const q = parsed.data;
  if (q.view === 'serviceaccounts') {
    const [serviceAccounts, access] = await Promise.all([
      listServiceAccountNames(kubeConfig, q.namespace),
      podCreateAccess(kubeConfig, q.namespace, { username: session.username, cacheKey: session.sid }),
    ]);
    return NextResponse.json({ namespace: q.namespace, serviceAccounts, access }, { headers: NO_STORE });
  }
  if (q.view === 'pod') {
    return NextResponse.json({ pod: await readPodState(kubeConfig, q.namespace, q.name) }, { headers: NO_STORE });
  }
  const page = await listProjectedTokens(kubeConfig, { ...(q.continue ? { continue: q.continue } : {}), includeAutoInjected: q.auto === '1' });
  return NextResponse.json(page, { headers: NO_STORE });
});

export const POST = withMutation(async (_req, { kubeConfig, body }) => {
  const { dryRun, namespace, ...form } = body;
  const manifest = buildPodManifest({ ...form, namespace });
  const r = await createProjectedPod(kubeConfig, namespace, manifest, { dryRun });
  if (!r.ok) {
    // Each cause lands on the form field it concerns; the rest is about the pod as a whole.
    const fields: Partial<Record<FormField, string[]>> = {};
    const general: string[] = [];
    for (const c of r.causes) {
      const f = formFieldForCause(c.field);
      const text = r.status === 422 && c.field ? `${c.field}: ${c.message}` : c.message;
      if (f) (fields[f] ??= []).push(text);
      else general.push(text);
    }
    if (!r.causes.length) general.push(r.message);
    return jsonError(r.status, 'invalid', { message: r.message, reason: r.reason, causes: r.causes, fields, general });
  }
  return NextResponse.json({ dryRun: r.dryRun, pod: r.pod, warnings: r.warnings }, { status: r.dryRun ? 200 : 201, headers: NO_STORE });
}, createRequestSchema);
