// Turns a ChangeResult into the JSON the issuer form reads: 200 with the diff, 409 with the
// current value (someone else changed it), 422 with what blocks the change.
import { NextResponse } from 'next/server';
import type { ChangeResult } from '@/lib/k8s/issuer';

export function changeResponse(r: ChangeResult, extra: Record<string, unknown> = {}): NextResponse {
  const headers = { 'Cache-Control': 'no-store' };
  if (r.ok) return NextResponse.json({ ...r, ...extra }, { headers });
  if (r.conflict) return NextResponse.json({ error: 'conflict', message: r.message, current: r.current }, { status: 409, headers });
  return NextResponse.json({ error: 'blocked', message: r.message, findings: r.verdict.findings }, { status: 422, headers });
}
