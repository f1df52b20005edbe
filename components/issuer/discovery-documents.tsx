// The OIDC discovery document and the JWKS exactly as the cluster serves them, with the keys
// summarised (kid, type/algorithm, size), or why they are not served.
import type { DiscoveryState, IssuerState } from '@/lib/k8s/issuer';
import { prettyJson } from './format';

function Unavailable({ d, testId }: { d: DiscoveryState; testId: string }) {
  return (
    <p data-testid={testId} data-status={d.status} className={`rounded-md border p-3 text-sm ${d.status === 'disabled' ? 'border-amber-300 bg-amber-50 text-amber-950' : 'border-red-300 bg-red-50 text-red-900'}`}>
      {d.message ?? 'Not available.'}
    </p>
  );
}

function Raw({ title, d, href }: { title: string; d: DiscoveryState; href: string }) {
  return (
    <details className="rounded-md border border-slate-200">
      <summary className="cursor-pointer px-3 py-2 text-sm text-slate-700">
        {title} as served ({d.contentType ?? 'no content type'}) ·{' '}
        <a href={href} className="text-sky-800 underline" target="_blank" rel="noreferrer">
          raw
        </a>
      </summary>
      <pre className="overflow-x-auto border-t border-slate-200 bg-slate-50 p-3 font-mono text-xs">{prettyJson(d.raw ?? '')}</pre>
    </details>
  );
}

export function DiscoveryDocuments({ state }: { state: IssuerState }) {
  const cfg = state.parsedConfiguration;
  return (
    <section aria-labelledby="discovery-title" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div>
        <h2 id="discovery-title" className="text-lg font-semibold">
          OIDC discovery
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          What token consumers fetch to verify signatures: <code>/.well-known/openid-configuration</code> and the key set at its <code>jwks_uri</code>, read from the API server as you.
        </p>
      </div>

      {state.openidConfiguration.status === 'ok' && cfg ? (
        <div className="space-y-2" data-testid="openid-configuration">
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
            <dt className="text-slate-500">issuer</dt>
            <dd className="break-all font-mono text-xs" data-testid="discovery-issuer">{cfg.issuer}</dd>
            <dt className="text-slate-500">jwks_uri</dt>
            <dd className="break-all font-mono text-xs" data-testid="discovery-jwks-uri">{cfg.jwksUri}</dd>
            <dt className="text-slate-500">algorithms</dt>
            <dd className="font-mono text-xs">{cfg.algs.join(', ') || '—'}</dd>
          </dl>
          {state.flavor === 'openshift' && state.currentIssuer && cfg.issuer !== state.currentIssuer && (
            <p data-testid="discovery-lagging" className="rounded-md border border-sky-200 bg-sky-50 p-2 text-sm text-sky-950">
              The API server still serves discovery for <code className="break-all">{cfg.issuer}</code>: the new issuer takes effect as the new kube-apiserver revision reaches the nodes.
            </p>
          )}
          <Raw title="/.well-known/openid-configuration" d={state.openidConfiguration} href="/api/cluster/openid-configuration" />
        </div>
      ) : (
        <Unavailable d={state.openidConfiguration} testId="discovery-unavailable" />
      )}

      <div className="space-y-2">
        <h3 className="font-semibold">Signing keys (JWKS)</h3>
        {state.jwks.status === 'ok' ? (
          <>
            <div className="overflow-x-auto rounded-md border border-slate-200">
              <table data-testid="jwks-keys" className="min-w-full divide-y divide-slate-200 text-sm">
                <caption className="sr-only">Keys in /openid/v1/jwks</caption>
                <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                  <tr>
                    <th scope="col" className="px-3 py-2">kid</th>
                    <th scope="col" className="px-3 py-2">Type / algorithm</th>
                    <th scope="col" className="px-3 py-2">Key size</th>
                    <th scope="col" className="px-3 py-2">Use</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {state.keys.map((k) => (
                    <tr key={k.kid} data-testid="jwks-key" data-kid={k.kid}>
                      <th scope="row" className="break-all px-3 py-2 text-left font-mono text-xs font-medium">{k.kid || '—'}</th>
                      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs">{k.kty} / {k.alg || '—'}</td>
                      <td className="whitespace-nowrap px-3 py-2 font-mono text-xs" data-testid="jwks-key-size">{k.size}</td>
                      <td className="px-3 py-2 font-mono text-xs">{k.use || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Raw title="/openid/v1/jwks" d={state.jwks} href="/api/cluster/jwks" />
          </>
        ) : (
          <Unavailable d={state.jwks} testId="jwks-unavailable" />
        )}
      </div>
    </section>
  );
}
