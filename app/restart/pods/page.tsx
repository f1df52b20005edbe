// /restart/pods: restart all pods — safe rollout restarts by default or the procedure's delete-all,
// namespace filters, plan (workloads per namespace), preflight, warning, commands, confirm, start.
import type { Metadata } from 'next';
import Link from 'next/link';
import { PlannerPage } from '../_planner-page';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Restart all pods' };

export default function PodsPage() {
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/restart" className="text-sky-800 underline">
            Restart
          </Link>{' '}
          /
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">Restart all pods</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          A pod gets a token of the new issuer when it starts again. Restart every workload namespace by namespace, and see exactly which pods nothing would bring back.
        </p>
      </div>
      <PlannerPage kind="restart-all-pods" path="/restart/pods" />
    </div>
  );
}
