// Options of the rolling node restart: which nodes, the drain's risky flags (each says what is
// lost), and the timeouts after which the workflow stops on the node it is at.
import type { NodeRestartOptions } from '@/lib/workflows/types';
import { NumberField } from './number-field';

export function NodeOptions({ value, allNodes, disabled, onChange }: { value: NodeRestartOptions; allNodes: string[]; disabled?: boolean; onChange: (v: NodeRestartOptions) => void }) {
  const set = <K extends keyof NodeRestartOptions>(k: K, v: NodeRestartOptions[K]) => onChange({ ...value, [k]: v });
  const chosen = value.nodes ?? allNodes;
  const toggle = (n: string, on: boolean) => {
    const next = on ? [...new Set([...chosen, n])] : chosen.filter((x) => x !== n);
    const ordered = allNodes.filter((x) => next.includes(x));
    const v = { ...value };
    if (ordered.length === allNodes.length) delete v.nodes;
    else v.nodes = ordered;
    onChange(v);
  };
  return (
    <fieldset data-testid="node-options" disabled={disabled} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <legend className="px-1 text-sm font-semibold">Options</legend>
      <div>
        <div className="text-sm font-medium">Nodes</div>
        <div className="mt-1 flex flex-wrap gap-3">
          {allNodes.map((n) => (
            <label key={n} className="flex items-center gap-1 font-mono text-xs">
              <input type="checkbox" data-testid="node-choice" value={n} checked={chosen.includes(n)} onChange={(e) => toggle(n, e.target.checked)} />
              {n}
            </label>
          ))}
        </div>
        <p className="mt-0.5 text-xs text-slate-500">Workers always go first and control-plane nodes last, one at a time, whatever you choose.</p>
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-1" data-testid="opt-emptydir" checked={value.deleteEmptyDirData} onChange={(e) => set('deleteEmptyDirData', e.target.checked)} />
        <span>
          Delete emptyDir data (<code>--delete-emptydir-data</code>). <span className="text-red-800">The data in those volumes is lost for good.</span> Off: the drain refuses such pods
          and the node cannot be restarted.
        </span>
      </label>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-1" data-testid="opt-force" checked={value.force} onChange={(e) => set('force', e.target.checked)} />
        <span>
          Evict pods without a controller (<code>--force</code>). <span className="text-red-800">Nothing recreates them: they are gone until someone creates them again.</span>
        </span>
      </label>
      <div className="grid gap-4 sm:grid-cols-2">
        <NumberField id="opt-drain-timeout" label="Drain timeout (s)" value={value.drainTimeoutSeconds} min={1} max={86400} help="Pods a PodDisruptionBudget keeps longer than this stop the workflow; the node stays cordoned." onChange={(v) => set('drainTimeoutSeconds', v)} />
        <NumberField id="opt-eviction-retry" label="Retry a refused eviction every (s)" value={value.evictionRetrySeconds} min={0.1} max={300} step={0.1} help="A budget that allows no disruption answers 429; the drain asks again." onChange={(v) => set('evictionRetrySeconds', v)} />
        <NumberField id="opt-ready-timeout" label="Node Ready timeout (s)" value={value.nodeReadyTimeoutSeconds} min={1} max={86400} help="A node not back (new bootID, Ready) in time stops the workflow there, never moving on." onChange={(v) => set('nodeReadyTimeoutSeconds', v)} />
        <NumberField id="opt-ds-timeout" label="DaemonSet pods Ready timeout (s)" value={value.daemonSetReadyTimeoutSeconds} min={1} max={86400} help="Before the next node: the node's DaemonSet pods (network, DNS…) must be Ready." onChange={(v) => set('daemonSetReadyTimeoutSeconds', v)} />
      </div>
      <p className="text-xs text-slate-500">Timeouts are real seconds on the dashboard server&apos;s clock, whatever speed the cluster&apos;s clock runs at.</p>
    </fieldset>
  );
}
