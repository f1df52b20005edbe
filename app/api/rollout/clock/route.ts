// GET /api/rollout/clock?node=cp-0&node=cp-1: a sample of the cluster's clock (a node heartbeat
// Lease's renewTime, read as the user), so the browser can show durations and countdowns in the
// clock the cluster's timestamps use.
import { NextResponse } from 'next/server';
import { withSession } from '@/lib/auth/guard';
import { clusterClockSample } from '@/lib/k8s/rollout';

export const dynamic = 'force-dynamic';

const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export const GET = withSession(async (req, { kubeConfig }) => {
  const nodes = req.nextUrl.searchParams.getAll('node').filter((n) => NODE_NAME.test(n)).slice(0, 3);
  const sample = await clusterClockSample(kubeConfig, nodes);
  return NextResponse.json(sample, { headers: { 'Cache-Control': 'no-store' } });
});
