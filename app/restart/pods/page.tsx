// /restart/pods: restart all pods — safe rollout restarts by default or the procedure's delete-all,
// namespace filters, plan (workloads per namespace), preflight, warning, commands, confirm, start.
import type { Metadata } from 'next';
import { PlannerPage } from '@/components/restart/planner-page';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Restart all pods' };

export default function PodsPage() {
  return (
    <PlannerPage
      kind="restart-all-pods"
      path="/restart/pods"
      title="Restart all pods"
      intro="A pod gets a token of the new issuer when it starts again. Restart every workload namespace by namespace, and see exactly which pods nothing would bring back."
    />
  );
}
