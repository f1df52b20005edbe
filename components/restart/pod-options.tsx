// Options of "restart all pods": the safe rollout restart or the procedure's delete-all, which
// namespaces (platform ones only deliberately), only pods older than the issuer change, pacing.
import type { PodRestartOptions } from '@/lib/workflows/types';
import { parseNames } from './format';
import { NumberField } from './number-field';

export function PodOptions({ value, disabled, onChange }: { value: PodRestartOptions; disabled?: boolean; onChange: (v: PodRestartOptions) => void }) {
  const set = <K extends keyof PodRestartOptions>(k: K, v: PodRestartOptions[K] | undefined) => {
    const next = { ...value } as PodRestartOptions;
    if (v === undefined) delete next[k];
    else next[k] = v;
    onChange(next);
  };
  return (
    <fieldset data-testid="pod-options" disabled={disabled} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <legend className="px-1 text-sm font-semibold">Options</legend>
      <div className="space-y-1 text-sm">
        <div className="font-medium">How</div>
        <label className="flex items-start gap-2">
          <input type="radio" name="mode" className="mt-1" data-testid="mode-safe" checked={value.mode === 'safe'} onChange={() => set('mode', 'safe')} />
          <span>
            <strong>Safe (recommended):</strong> rollout-restart Deployments, StatefulSets and DaemonSets so their own rollout strategy keeps replicas serving; wait for each rollout.
            Pods without a controller and Job pods are listed for you, not killed.
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input type="radio" name="mode" className="mt-1" data-testid="mode-procedure" checked={value.mode === 'procedure'} onChange={() => set('mode', 'procedure')} />
          <span>
            <strong>The procedure&apos;s way:</strong> <code>oc delete pods --all -n &lt;ns&gt;</code> in each namespace.{' '}
            <span className="text-red-800">Every pod of a namespace goes at once: a service interruption, and pods without a controller never come back.</span>
          </span>
        </label>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="opt-include" className="block text-sm font-medium">
            Only these namespaces
          </label>
          <input id="opt-include" type="text" data-testid="opt-include" defaultValue={value.includeNamespaces?.join(', ') ?? ''} onBlur={(e) => set('includeNamespaces', parseNames(e.target.value))} onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()} placeholder="all (e.g. app-*, shop)" className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-sm" />
          <p className="mt-0.5 text-xs text-slate-500">Names or globs, comma separated. Empty: every namespace.</p>
        </div>
        <div>
          <label htmlFor="opt-exclude" className="block text-sm font-medium">
            Never these namespaces
          </label>
          <input id="opt-exclude" type="text" data-testid="opt-exclude" defaultValue={value.excludeNamespaces?.join(', ') ?? ''} onBlur={(e) => set('excludeNamespaces', parseNames(e.target.value))} onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()} placeholder="none" className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1 font-mono text-sm" />
        </div>
      </div>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-1" data-testid="opt-platform" checked={value.includePlatform} onChange={(e) => set('includePlatform', e.target.checked)} />
        <span>
          Include platform namespaces (<code>openshift-*</code>, <code>kube-*</code>). Off by default: their operators own those pods, static pods (kube-apiserver, etcd) cannot be restarted by
          deleting them, and restarting them all at once can take the control plane down. Naming one under “Only these namespaces” includes it too. For the platform, the rolling node
          restart is the safer way.
        </span>
      </label>
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-1" data-testid="opt-before-issuer" checked={value.onlyStartedBefore === 'issuer-change'} onChange={(e) => set('onlyStartedBefore', e.target.checked ? 'issuer-change' : undefined)} />
        <span>Only pods started before the issuer change (pods started since already hold a token of the new issuer).</span>
      </label>
      <div className="grid gap-4 sm:grid-cols-3">
        <NumberField id="opt-pause" label="Pause between namespaces (s)" value={value.pauseBetweenNamespacesSeconds} min={0} max={3600} step={0.5} help="The procedure sleeps 1 s." onChange={(v) => set('pauseBetweenNamespacesSeconds', v)} />
        <NumberField id="opt-concurrency" label="At the same time" value={value.concurrency} min={1} max={50} help="Workloads restarted together within a namespace." onChange={(v) => set('concurrency', v)} />
        <NumberField id="opt-rollout-timeout" label="Rollout timeout (s)" value={value.rolloutTimeoutSeconds} min={1} max={86400} help="A rollout not done in time stops the workflow." onChange={(v) => set('rolloutTimeoutSeconds', v)} />
      </div>
    </fieldset>
  );
}
