// Overview: open warnings after an issuer change — pods running since before the change (their
// tokens come from the previous issuer until refreshed), and the previous issuer's trust ending soon.
import type { OldPodCount, TrustedIssuer } from '@/lib/k8s/rollout';
import { formatUtc } from './format';
import { TrustCountdown } from './trust-countdown';
import type { ClockSampleBody } from './use-cluster-clock';

export interface OverviewWarningsProps {
  previous: TrustedIssuer;
  changedAt: string;
  oldPods: OldPodCount | { error: string } | null;
  endingSoon: boolean;
  soonHours: number;
  clock: ClockSampleBody | null;
  nodeNames: string[];
}

export function OverviewWarnings({ previous, changedAt, oldPods, endingSoon, soonHours, clock, nodeNames }: OverviewWarningsProps) {
  const items: React.ReactNode[] = [];
  if (oldPods && 'error' in oldPods) {
    items.push(<span key="pods">Could not count the pods running since before the issuer change: {oldPods.error}</span>);
  } else if (oldPods?.skipped) {
    items.push(
      <span key="pods">
        The issuer changed at {formatUtc(Date.parse(changedAt))}. This cluster has {oldPods.total ?? 'too many'} running pods: too many to scan on every page
        view, so the pods started before the change are not counted here.
      </span>,
    );
  } else if (oldPods && oldPods.count > 0) {
    items.push(
      <span key="pods" data-testid="warning-old-pods">
        <strong>{oldPods.count}</strong> of {oldPods.scanned} running pods started before the issuer changed ({formatUtc(Date.parse(changedAt))}). They may
        still use tokens signed by <code>{previous.name}</code>, which stop working when its trust ends. Restart them (or their nodes) once the rollout
        is complete.
      </span>,
    );
  }
  if (endingSoon) {
    items.push(
      <span key="soon" data-testid="warning-trust-ending">
        The previous issuer <code>{previous.name}</code> stops being trusted within {soonHours} hours:{' '}
        <TrustCountdown until={previous.expirationTime!} nodeNames={nodeNames} initialClock={clock} />.
      </span>,
    );
  }
  if (!items.length) return null;
  return (
    <section aria-labelledby="ov-warnings-title" data-testid="overview-warnings" className="space-y-2 rounded-lg border border-amber-400 bg-amber-50 p-4 text-sm text-amber-950">
      <h2 id="ov-warnings-title" className="text-base font-semibold">
        Open warnings
      </h2>
      <ul className="list-disc space-y-1 pl-5">
        {items.map((it, i) => (
          <li key={i}>{it}</li>
        ))}
      </ul>
    </section>
  );
}
