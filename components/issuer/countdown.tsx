'use client';
// A live countdown to a previous issuer's expiry, ticking every second in the cluster's clock
// (expirationTime is the cluster's time; on a sped-up demo cluster its seconds run faster).
import { useEffect, useState } from 'react';
import { clusterNow, type ClusterClock } from '@/components/rollout/cluster-clock';
import { formatRemaining } from './format';

export function Countdown({ expiresAt, clock }: { expiresAt: string; clock: ClusterClock }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const target = Date.parse(expiresAt);
  // Before hydration there is no browser time: render nothing that could mismatch.
  const left = now === null ? null : target - clusterNow(clock, now);
  return (
    <span data-testid="issuer-countdown" data-expires={expiresAt} className="font-mono tabular-nums" aria-live="off">
      {left === null ? '…' : left > 0 ? `${formatRemaining(left)} left` : 'expired (pruned at the next resync)'}
    </span>
  );
}
