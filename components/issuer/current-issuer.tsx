// The issuer new tokens get, and where that comes from: spec.serviceAccountIssuer, the default
// when the spec is empty, or (plain Kubernetes) the discovery document. Also what the operator
// reports when it disagrees (a change not picked up yet, or a Degraded condition).
import type { IssuerState } from '@/lib/k8s/issuer';
import { Badge } from '@/components/ui/badge';

const SOURCE: Record<IssuerState['currentSource'], string> = {
  spec: 'set in spec.serviceAccountIssuer',
  default: 'the default: spec.serviceAccountIssuer is empty',
  discovery: 'from the discovery document (/.well-known/openid-configuration)',
  unknown: 'not readable through the API',
};

export function CurrentIssuer({ state }: { state: IssuerState }) {
  const pending = state.flavor === 'openshift' && state.activeIssuer && state.currentIssuer && state.activeIssuer !== state.currentIssuer;
  return (
    <section aria-labelledby="current-title" data-testid="current-issuer" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="current-title" className="text-xs font-semibold uppercase tracking-wide text-slate-500">
        Current issuer
      </h2>
      <p className="mt-2 break-all font-mono text-lg font-semibold text-slate-900" data-testid="current-issuer-value">
        {state.currentIssuer ?? 'unknown'}
      </p>
      <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
        <Badge tone={state.currentSource === 'spec' ? 'blue' : 'neutral'}>{state.currentSource === 'spec' ? 'custom' : state.currentSource}</Badge>
        <span data-testid="current-issuer-source">{SOURCE[state.currentSource]}</span>
      </p>
      {pending && (
        <p className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950" data-testid="issuer-pending">
          The operator still lists <code className="break-all">{state.activeIssuer}</code> as the active issuer: it has not picked up the change yet.
        </p>
      )}
      {state.operatorProblems.map((p) => (
        <p key={p.condition} role="alert" className="mt-3 rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900" data-testid="operator-problem">
          <span className="font-semibold">{p.condition}</span> ({p.reason || 'no reason'}): {p.message}
        </p>
      ))}
      {state.notes.map((n) => (
        <p key={n} className="mt-3 text-sm text-slate-600">
          {n}
        </p>
      ))}
    </section>
  );
}
