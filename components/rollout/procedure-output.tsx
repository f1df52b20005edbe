// What the procedure's jsonpath command prints, character for character (an empty first line while
// progressing: the reason is empty then), with the empty reason made visible beside the output.
import type { RolloutDto } from '@/lib/k8s/rollout';

export function ProcedureOutput({ dto, command }: { dto: RolloutDto; command: string }) {
  const p = dto.conditions.NodeInstallerProgressing;
  return (
    <section aria-labelledby="procedure-title" className="space-y-2">
      <h2 id="procedure-title" className="text-lg font-semibold">
        What <code className="text-base">oc get kubeapiserver -o jsonpath</code> prints now
      </h2>
      <pre className="whitespace-pre-wrap break-all rounded-md bg-slate-900 px-3 py-2 text-xs text-slate-300">
        <code>$ {command}</code>
      </pre>
      {!p ? (
        <p className="text-sm text-slate-600">The KubeAPIServer has no NodeInstallerProgressing condition yet: the command prints nothing.</p>
      ) : (
        <div className="grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 rounded-md bg-slate-900 px-3 py-2 font-mono text-sm leading-6">
          <pre data-testid="jsonpath-output" className="overflow-x-auto whitespace-pre text-emerald-200">
            {dto.jsonpathOutput}
          </pre>
          <ol className="text-right text-xs leading-6 text-slate-400" aria-label="What each line is">
            <li data-testid="progressing-reason-note">
              {p.reason ? 'reason' : <span className="rounded bg-amber-400 px-1 font-semibold text-slate-900">(empty reason)</span>}
            </li>
            <li>message</li>
          </ol>
        </div>
      )}
      {p && !p.reason && (
        <p className="text-sm text-slate-600">
          The first line is empty: while nodes are still moving the operator leaves the reason empty. When every node is at the latest revision it
          reads <code>AllNodesAtLatestRevision</code>.
        </p>
      )}
    </section>
  );
}
