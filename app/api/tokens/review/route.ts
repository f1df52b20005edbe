// POST /api/tokens/review {token, audiences?}: "Ask the cluster" — a TokenReview as the signed-in
// user. The only path by which a pasted token leaves the browser: it is forwarded to the cluster,
// never logged, never stored, never cached (the guard's errors never echo a request body).
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { withMutation } from '@/lib/auth/guard';
import { reviewToken } from '@/lib/k8s/tokens';

export const dynamic = 'force-dynamic';

const Body = z
  .object({
    // Long enough for any real JWT (RSA-4096 + claims), short enough to refuse a pasted file.
    token: z.string().trim().min(1, 'paste a token first').max(16_384),
    audiences: z.array(z.string().trim().min(1).max(1024)).max(20).optional(),
  })
  .strict();

export const POST = withMutation(async (_req, { kubeConfig, body }) => {
  const result = await reviewToken(kubeConfig, body.token, body.audiences);
  return NextResponse.json(result, { headers: { 'Cache-Control': 'no-store' } });
}, Body);
