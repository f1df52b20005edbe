// The kube-apiserver flags behind the issuer: as the OpenShift operator set them, or (plain
// Kubernetes) the ones an administrator edits to change the issuer.
import type { ApiServerFlag } from '@/lib/k8s/issuer';

export function ApiServerFlags({ flags, readOnly }: { flags: ApiServerFlag[]; readOnly: boolean }) {
  return (
    <section aria-labelledby="flags-title" data-testid="apiserver-flags" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="flags-title" className="text-lg font-semibold">
        kube-apiserver flags
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {readOnly
          ? 'On plain Kubernetes the issuer is not an API object: it is set by these kube-apiserver flags (in the static pod manifest or your distribution’s configuration). Changing them restarts the API server.'
          : 'The operator derives these from the trusted issuers; a change of them is what makes a new kube-apiserver revision.'}
      </p>
      <dl className="mt-3 space-y-3 text-sm">
        {flags.map((f) => (
          <div key={f.flag} data-testid="apiserver-flag" data-flag={f.flag}>
            <dt className="font-mono text-xs font-semibold text-slate-900">{f.flag}</dt>
            <dd className="mt-0.5">
              {f.values.length ? (
                <span className="break-all font-mono text-xs text-slate-800">{f.values.map((v) => `${f.flag}=${v}`).join(' ')}</span>
              ) : (
                <span className="text-xs text-slate-500">{readOnly ? 'not visible through the API' : 'not set'}</span>
              )}
              <p className="text-xs text-slate-500">{f.note}</p>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
