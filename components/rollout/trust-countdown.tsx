'use client';
// A live countdown to a cluster timestamp (the previous issuer's expirationTime), measured on the
// cluster's clock (use-cluster-clock), so it is right even when the cluster's clock differs.
import { formatCountdown, formatUtc } from './format';
import { useClusterClock, type ClockSampleBody } from './use-cluster-clock';

export function TrustCountdown({ until, nodeNames, initialClock }: { until: string; nodeNames: string[]; initialClock: ClockSampleBody | null }) {
  const { now } = useClusterClock(nodeNames, initialClock);
  const end = Date.parse(until);
  const left = now === null ? null : end - now;
  return (
    <span data-testid="trust-countdown" data-until={until}>
      {left === null ? (
        <>until {formatUtc(end)}</>
      ) : left > 0 ? (
        <>
          <strong className="tabular-nums">{formatCountdown(left)}</strong> left (until {formatUtc(end)})
        </>
      ) : (
        <>expired at {formatUtc(end)}</>
      )}
    </span>
  );
}
