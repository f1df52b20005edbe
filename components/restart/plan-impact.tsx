// Exactly what the plan touches: nodes in the order they restart (what the drain evicts, skips or
// refuses, the budgets that pace it), or the namespaces with each workload and what happens to it,
// the namespaces left out and why, and the pods left for the user to decide.
import type { Plan } from '@/lib/workflows/types';

export function PlanImpact({ plan }: { plan: Plan }) {
  return (
    <section aria-labelledby="impact-title" data-testid="plan-impact" className="space-y-3">
      <h2 id="impact-title" className="text-lg font-semibold">
        What will be touched
      </h2>
      {plan.nodes && (
        <div className="overflow-x-auto">
          <table data-testid="impact-nodes" className="w-full text-left text-sm">
            <caption className="pb-2 text-left text-xs text-slate-500">
              {plan.nodes.length} node{plan.nodes.length === 1 ? '' : 's'}, restarted one at a time in this order.
            </caption>
            <thead className="border-b border-slate-200 text-xs uppercase text-slate-500">
              <tr>
                <th className="py-1 pr-3">#</th>
                <th className="py-1 pr-3">Node</th>
                <th className="py-1 pr-3">Role</th>
                <th className="py-1 pr-3">Now</th>
                <th className="py-1 pr-3">Evicted</th>
                <th className="py-1 pr-3">Left (DaemonSet / mirror)</th>
                <th className="py-1 pr-3">At risk</th>
              </tr>
            </thead>
            <tbody>
              {plan.nodes.map((n, i) => (
                <tr key={n.name} data-testid="impact-node" data-node={n.name} className="border-b border-slate-100 align-top">
                  <td className="py-1 pr-3 text-slate-500">{i + 1}</td>
                  <th scope="row" className="py-1 pr-3 font-mono font-normal">{n.name}</th>
                  <td className="py-1 pr-3">{n.role}</td>
                  <td className="py-1 pr-3">
                    {n.ready ? 'Ready' : <span className="text-red-700">NotReady</span>}
                    {n.alreadyCordoned && <span className="text-amber-800"> · cordoned (stays cordoned)</span>}
                  </td>
                  <td className="py-1 pr-3">{n.evict} pod{n.evict === 1 ? '' : 's'}</td>
                  <td className="py-1 pr-3">
                    {n.daemonSetPods} / {n.mirrorPods}
                  </td>
                  <td className="py-1 pr-3 text-xs">
                    {n.blockedPods.length > 0 && (
                      <div className="text-red-800">
                        The drain refuses {n.blockedPods.length}: {n.blockedPods.slice(0, 5).join('; ')}
                        {n.blockedPods.length > 5 ? ' …' : ''}
                      </div>
                    )}
                    {n.pdbs.length > 0 && <div className="text-slate-700">Budgets: {n.pdbs.join(', ')}</div>}
                    {n.blockedPods.length === 0 && n.pdbs.length === 0 && <span className="text-slate-400">—</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {plan.namespaces && (
        <div className="space-y-2">
          <p className="text-sm text-slate-600">
            {plan.namespaces.length} namespace{plan.namespaces.length === 1 ? '' : 's'}, one after the other
            {plan.cutoff ? `; only what runs pods started before ${plan.cutoff}` : ''}.
          </p>
          <ul data-testid="impact-namespaces" className="max-h-96 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2 text-sm">
            {plan.namespaces.map((ns) => (
              <li key={ns.name} data-testid="impact-namespace" data-namespace={ns.name}>
                <details>
                  <summary className="cursor-pointer">
                    <span className="font-mono">{ns.name}</span>: {ns.workloads.length} workload{ns.workloads.length === 1 ? '' : 's'}
                    {ns.workloads.some((w) => w.risk) && <span className="text-amber-800"> · at risk</span>}
                  </summary>
                  <ul className="ml-4 mt-1 space-y-0.5 text-xs">
                    {ns.workloads.map((w) => (
                      <li key={`${w.kind}/${w.name}`}>
                        {w.kind} <span className="font-mono">{w.name}</span>
                        {w.replicas !== undefined ? ` (${w.replicas} replica${w.replicas === 1 ? '' : 's'})` : ''}: {w.action}
                        {w.risk && <span className="text-amber-800"> — {w.risk}</span>}
                      </li>
                    ))}
                  </ul>
                </details>
              </li>
            ))}
          </ul>
        </div>
      )}
      {plan.excludedNamespaces && plan.excludedNamespaces.length > 0 && (
        <details data-testid="excluded-namespaces" className="text-sm">
          <summary className="cursor-pointer text-slate-700">{plan.excludedNamespaces.length} namespaces left out (why)</summary>
          <ul className="ml-4 mt-1 max-h-60 overflow-y-auto text-xs">
            {plan.excludedNamespaces.map((e) => (
              <li key={e.name}>
                <span className="font-mono">{e.name}</span>: {e.why}
              </li>
            ))}
          </ul>
        </details>
      )}
      {plan.leftAlone && plan.leftAlone.length > 0 && (
        <details data-testid="left-alone" className="text-sm" open>
          <summary className="cursor-pointer font-medium text-amber-900">
            {plan.leftAlone.length} pod{plan.leftAlone.length === 1 ? '' : 's'} left for you to decide (not touched)
          </summary>
          <ul className="ml-4 mt-1 max-h-60 overflow-y-auto text-xs">
            {plan.leftAlone.map((p) => (
              <li key={`${p.namespace}/${p.name}`}>
                <span className="font-mono">
                  {p.namespace}/{p.name}
                </span>
                : {p.why}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
