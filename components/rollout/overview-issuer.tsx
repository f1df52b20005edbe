// Overview card: the active service account issuer and the previous ones still trusted, each with a
// live countdown to the end of its trust (from the KubeAPIServer status).
import type { RolloutDto } from '@/lib/k8s/rollout';
import { TrustCountdown } from './trust-countdown';
import type { ClockSampleBody } from './use-cluster-clock';

export function OverviewIssuer({ dto, clock, configured }: { dto: RolloutDto; clock: ClockSampleBody | null; configured?: string | null }) {
  const trusted = dto.serviceAccountIssuers.filter((i) => i.expirationTime);
  const nodeNames = dto.nodes.map((n) => n.nodeName);
  return (
    <section aria-labelledby="ov-issuer-title" data-testid="overview-issuer" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="ov-issuer-title" className="text-lg font-semibold">
        Service account issuer
      </h2>
      <p className="text-sm">
        Active (signs new tokens): <code data-testid="overview-active-issuer" className="rounded bg-slate-100 px-1">{dto.activeIssuer}</code>
      </p>
      {configured !== undefined && configured !== null && configured !== dto.activeIssuer && (
        <p className="text-sm text-amber-800">
          The Authentication object asks for <code>{configured}</code>; the operator has not made it active yet.
        </p>
      )}
      {trusted.length === 0 ? (
        <p className="text-sm text-slate-600">No previous issuer is still trusted.</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {trusted.map((i) => (
            <li key={i.name} data-testid="overview-trusted-issuer">
              Still trusted: <code className="rounded bg-slate-100 px-1">{i.name}</code> — <TrustCountdown until={i.expirationTime!} nodeNames={nodeNames} initialClock={clock} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
