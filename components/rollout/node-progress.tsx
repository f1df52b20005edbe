// One node's progress toward the latest revision: waiting → installing → at the latest revision.
import type { RolloutNode } from '@/lib/k8s/rollout';

const STEP: Record<RolloutNode['phase'], { value: number; label: string; bar: string }> = {
  waiting: { value: 0, label: 'waiting for its turn', bar: 'bg-slate-400' },
  installing: { value: 50, label: 'installing', bar: 'bg-sky-500 animate-pulse' },
  failing: { value: 50, label: 'failing', bar: 'bg-red-500' },
  'at-latest': { value: 100, label: 'at the latest revision', bar: 'bg-emerald-500' },
};

export function NodeProgress({ node }: { node: RolloutNode }) {
  const s = STEP[node.phase];
  return (
    <div
      role="progressbar"
      aria-label={`${node.nodeName}: ${s.label}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={s.value}
      aria-valuetext={s.label}
      className="h-2 w-28 overflow-hidden rounded-full bg-slate-200"
    >
      <div className={`h-full rounded-full ${s.bar}`} style={{ width: `${Math.max(s.value, node.phase === 'failing' ? 50 : 4)}%` }} />
    </div>
  );
}
