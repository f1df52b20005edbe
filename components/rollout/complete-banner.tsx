// When every node runs the latest revision: the next step (restart pods or nodes so that every
// workload gets a token from the new issuer) and how long the previous issuer stays trusted.
import Link from 'next/link';
import type { RolloutDto } from '@/lib/k8s/rollout';
import { formatCountdown, formatUtc } from './format';

export function CompleteBanner({ dto, now }: { dto: RolloutDto; now: number | null }) {
  const prev = dto.previousIssuer;
  const until = prev?.expirationTime ? Date.parse(prev.expirationTime) : null;
  return (
    <section data-testid="complete-banner" aria-labelledby="complete-title" className="space-y-2 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-950">
      <h2 id="complete-title" className="text-base font-semibold">
        Every control-plane node runs revision {dto.latestAvailableRevision}
      </h2>
      {prev && until !== null ? (
        <>
          <p data-testid="previous-issuer-trust">
            The previous issuer <code className="rounded bg-white px-1">{prev.name}</code>{' '}
            {now === null || until > now ? (
              <>
                stays trusted {now !== null && (<>for <strong data-testid="trust-countdown">{formatCountdown(until - now)}</strong> </>)}(until {formatUtc(until)}). Tokens it
                signed stop working then.
              </>
            ) : (
              <>is no longer trusted (expired {formatUtc(until)}); the operator prunes it with one more revision.</>
            )}
          </p>
          <p>
            Next: make every workload get a token from the new issuer by restarting its pods, or by a rolling node restart.{' '}
            <Link data-testid="restart-link" href="/restart" className="rounded bg-white px-2 py-0.5 font-medium text-sky-800 underline ring-1 ring-emerald-300">Restart workflows</Link>
          </p>
        </>
      ) : (
        <p data-testid="previous-issuer-trust">No previous issuer is still trusted: there is no issuer change to follow up with restarts.</p>
      )}
    </section>
  );
}
