// What the chosen expirationSeconds means: the cluster's limits (600 s, 2^32 s), the 3607 case,
// how often the kubelet rotates the token, and OpenShift's one-year extension as it really applies.
import { formatDuration, kubeletRefreshSeconds, projectionAdvice, WARN_ONLY_SECONDS } from '@/lib/jwt/times';

const TONE = {
  error: 'border-red-300 bg-red-50 text-red-900',
  warning: 'border-amber-300 bg-amber-50 text-amber-950',
  info: 'border-sky-200 bg-sky-50 text-sky-950',
} as const;

export function ExpirationAdvice({ expirationSeconds, audience }: { expirationSeconds: number; audience: string }) {
  const custom = audience.trim() !== '';
  const advice = Number.isFinite(expirationSeconds) ? projectionAdvice(expirationSeconds, { customAudience: custom }) : [];
  const valid = !advice.some((a) => a.severity === 'error') && Number.isFinite(expirationSeconds);
  return (
    <div className="space-y-2" data-testid="expiration-advice">
      {advice.map((a) => (
        <p key={a.code} role={a.severity === 'info' ? undefined : 'alert'} data-advice={a.code} className={`rounded-md border px-3 py-2 text-xs ${TONE[a.severity]}`}>
          {a.code === 'extended-3607' && custom ? (
            <>
              <strong>3607 s: no one-year extension here.</strong> Only the auto-injected kube-api-access token gets the one-year
              extension; a custom projection with 3607 keeps 3607 s. ({a.message}.)
            </>
          ) : a.code === 'extended-3607' ? (
            <>
              <strong>3607 s is the auto-injected token&apos;s value.</strong> With no audience, the API server treats this pod
              token like the kube-api-access one: {a.message}.
            </>
          ) : a.code === 'below-minimum' || a.code === 'above-maximum' ? (
            <>
              <strong>The cluster will refuse this:</strong> {a.message}. A dry run shows the API server&apos;s own answer.
            </>
          ) : a.code === 'frequent-rotation' ? (
            <>
              <strong>Rotated very often:</strong> {a.message}.
            </>
          ) : (
            a.message
          )}
        </p>
      ))}
      {valid && (
        <p className="text-xs text-slate-600" data-testid="kubelet-refresh">
          The kubelet replaces the token file after {formatDuration(kubeletRefreshSeconds(expirationSeconds))}
          {expirationSeconds > 24 * 3600 ? ' (24 h cap)' : ` (80 % of ${expirationSeconds} s)`}; the application must re-read it.
          {expirationSeconds !== WARN_ONLY_SECONDS &&
            ' OpenShift’s one-year extension (the procedure’s NOTE) does not apply: only the auto-injected 3607-second token gets it.'}
        </p>
      )}
    </div>
  );
}
