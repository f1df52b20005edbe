// Counts above the node table: "6 nodes, 6 Ready", and what is not.
import type { NodeSummary as Summary } from '@/lib/k8s/nodes';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function summaryText(s: Summary): string {
  const parts = [`${plural(s.total, 'node')}, ${s.ready} Ready`];
  if (s.notReady) parts.push(`${s.notReady} NotReady`);
  if (s.unknown) parts.push(`${s.unknown} Unknown`);
  if (s.unschedulable) parts.push(`${s.unschedulable} cordoned`);
  return parts.join(', ');
}

export function NodeSummary({ summary }: { summary: Summary }) {
  const cards = [
    { label: 'Nodes', value: summary.total, tone: 'text-slate-900' },
    { label: 'Ready', value: summary.ready, tone: 'text-emerald-700' },
    { label: 'Not ready', value: summary.notReady + summary.unknown, tone: summary.notReady + summary.unknown ? 'text-red-700' : 'text-slate-900' },
    { label: 'Cordoned', value: summary.unschedulable, tone: summary.unschedulable ? 'text-amber-700' : 'text-slate-900' },
  ];
  return (
    <div data-testid="node-summary">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
        {cards.map((c) => (
          <div key={c.label} className="rounded-lg border border-slate-200 bg-white px-4 py-3 shadow-sm">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{c.label}</dt>
            <dd className={`mt-1 text-2xl font-semibold tabular-nums ${c.tone}`}>{c.value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
