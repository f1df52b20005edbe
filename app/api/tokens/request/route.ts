// POST /api/tokens/request: a TokenRequest (like `oc create token`) as the signed-in user. The
// token goes back to the browser once in this response and is kept nowhere. A rejection by the
// cluster (400/404/409/422) answers 422 with the cluster's message and its causes per form field.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withMutation } from '@/lib/auth/guard';
import { requestToken } from '@/lib/k8s/tokens';

export const dynamic = 'force-dynamic';

const dnsName = z.string().trim().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a lowercase DNS name');

const Body = z
  .object({
    namespace: dnsName,
    serviceAccount: dnsName,
    audiences: z.array(z.string().trim().min(1, 'an audience may not be empty').max(1024)).max(20),
    expirationSeconds: z.number().int().min(600, 'may not specify a duration less than 10 minutes (600 s)').max(2 ** 32, 'may not specify a duration larger than 2^32 seconds'),
    boundObject: z.object({ kind: z.enum(['Pod', 'Secret', 'Node']), name: dnsName }).strict().optional(),
  })
  .strict();

export const POST = withMutation(async (_req, { kubeConfig, body }) => {
  const r = await requestToken(kubeConfig, {
    namespace: body.namespace,
    serviceAccount: body.serviceAccount,
    audiences: body.audiences,
    expirationSeconds: body.expirationSeconds,
    ...(body.boundObject ? { boundObject: body.boundObject } : {}),
  });
  const headers = { 'Cache-Control': 'no-store' };
  if (!r.ok) {
    return NextResponse.json({ error: 'rejected', message: r.rejection.message, clusterStatus: r.rejection.status, reason: r.rejection.reason, fieldErrors: r.rejection.fieldErrors }, { status: 422, headers });
  }
  return NextResponse.json(r.issued, { status: 201, headers });
}, Body);
