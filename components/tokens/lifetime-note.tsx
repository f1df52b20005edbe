// The 3607-second / one-year story, told beside every timeline because it is the most common
// surprise when people read a projected token's exp.
export function LifetimeNote({ extended }: { extended: boolean }) {
  return (
    <details className="rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-700" open={extended} data-testid="lifetime-note">
      <summary className="cursor-pointer font-medium text-slate-800">Why some pod tokens are valid for a year (the 3607-second case)</summary>
      <div className="mt-2 space-y-2">
        <p>
          The kubelet requests the token of the automatic <code>kube-api-access</code> volume for exactly 3607 seconds. For such pod-bound
          tokens meant for the API server, kube-apiserver (<code>--service-account-extend-token-expiration</code>, on by default and kept on
          by OpenShift) stretches <code>exp</code> to one year after <code>iat</code> and writes <code>warnafter</code> = iat + 3607 s. The
          token keeps working until <code>exp</code>, so old clients that never re-read the file do not break; every use after{' '}
          <code>warnafter</code> is recorded as a stale token.
        </p>
        <p>
          The kubelet still refreshes the file after 80 % of the 3607 s it asked for — about 48 minutes — or after 24 hours for longer
          tokens, whichever comes first. A token with a custom audience is not extended.
        </p>
      </div>
    </details>
  );
}
