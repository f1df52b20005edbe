// Shown when the rollout looks stuck: what we noticed and what to check, with the commands.
import type { RolloutDto } from '@/lib/k8s/rollout';
import type { StuckVerdict } from './history';

export function StuckHint({ dto, verdict }: { dto: RolloutDto; verdict: StuckVerdict }) {
  const degraded = dto.conditions.NodeInstallerDegraded;
  const failing = verdict.repeatedFailures[0] ?? dto.nodes.find((n) => n.failureOpen) ?? dto.nodes.find((n) => n.targetRevision !== 0);
  const rev = failing?.lastFailedRevision || failing?.targetRevision || dto.latestAvailableRevision;
  return (
    <section data-testid="stuck-hint" role="alert" aria-labelledby="stuck-title" className="space-y-2 rounded-lg border border-amber-400 bg-amber-50 p-4 text-sm text-amber-950">
      <h2 id="stuck-title" className="text-base font-semibold">
        The rollout looks stuck
      </h2>
      <ul className="list-disc space-y-1 pl-5">
        {verdict.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {degraded?.status === 'True' && (
        <div>
          NodeInstallerDegraded is True{degraded.reason ? ` (${degraded.reason})` : ''}:
          <pre data-testid="degraded-message" className="mt-1 whitespace-pre-wrap rounded bg-white px-2 py-1 text-xs">
            {degraded.message}
          </pre>
        </div>
      )}
      <p className="font-medium">What to check:</p>
      <ol className="list-decimal space-y-1 pl-5">
        <li>
          The installer and kube-apiserver pods: <code className="rounded bg-white px-1">oc get pods -n openshift-kube-apiserver</code>
        </li>
        <li>
          The installer pod&apos;s logs
          {failing ? (
            <>
              , e.g. <code className="rounded bg-white px-1">oc logs -n openshift-kube-apiserver installer-{rev}-{failing.nodeName}</code> (retries are named{' '}
              <code>installer-{rev}-retry-N-{failing.nodeName}</code>)
            </>
          ) : null}
        </li>
        <li>
          The operator&apos;s view, conditions and events: <code className="rounded bg-white px-1">oc describe kubeapiserver cluster</code>
        </li>
        <li>The NodeInstallerDegraded message above (the installer&apos;s own error), and whether the node is Ready.</li>
      </ol>
    </section>
  );
}
