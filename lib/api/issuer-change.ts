// The issuer change routes' boundary: the request bodies (zod, checked before any cluster call) and the
// answer the issuer form reads: 200 with the diff, 409 with the current value, 422 with what blocks it.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import type { ChangeResult } from '@/lib/k8s/issuer';

/** The API accepts any string; 2048 bytes is far beyond any issuer URL and bounds the request. */
export const IssuerValue = z.string().max(2048);
/** resourceVersion is opaque to clients, but always a short token of printable characters. */
export const ResourceVersion = z.string().min(1).max(64).regex(/^[\x21-\x7e]+$/, 'must be a resourceVersion');

export const DryRunBody = z.object({ issuer: IssuerValue, resourceVersion: ResourceVersion }).strict();
export const ApplyBody = z.object({ issuer: IssuerValue, resourceVersion: ResourceVersion, confirmation: z.string().max(2048) }).strict();


export function changeResponse(r: ChangeResult, extra: Record<string, unknown> = {}): NextResponse {
  const headers = { 'Cache-Control': 'no-store' };
  if (r.ok) return NextResponse.json({ ...r, ...extra }, { headers });
  if (r.conflict) return NextResponse.json({ error: 'conflict', message: r.message, current: r.current }, { status: 409, headers });
  return NextResponse.json({ error: 'blocked', message: r.message, findings: r.verdict.findings }, { status: 422, headers });
}
