// /restart/nodes: the rolling node restart — options, plan (nodes in order, what each drain evicts),
// preflight, the procedure's warning, the commands, typed confirmation, start.
import type { Metadata } from 'next';
import Link from 'next/link';
import { PlannerPage } from '../_planner-page';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Rolling node restart' };

export default function NodesPage() {
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/restart" className="text-sky-800 underline">
            Restart
          </Link>{' '}
          /
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">Rolling node restart</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Restart nodes sequentially; wait for each node to become fully available before restarting the next one. Every pod on a node starts again and so gets a token of the new issuer.
        </p>
      </div>
      <PlannerPage kind="rolling-node-restart" path="/restart/nodes" />
    </div>
  );
}
