// /restart/nodes: the rolling node restart — options, plan (nodes in order, what each drain evicts),
// preflight, the procedure's warning, the commands, typed confirmation, start.
import type { Metadata } from 'next';
import { PlannerPage } from '@/components/restart/planner-page';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Rolling node restart' };

export default function NodesPage() {
  return (
    <PlannerPage
      kind="rolling-node-restart"
      path="/restart/nodes"
      title="Rolling node restart"
      intro="Restart nodes sequentially; wait for each node to become fully available before restarting the next one. Every pod on a node starts again and so gets a token of the new issuer."
    />
  );
}
