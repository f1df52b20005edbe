// The page shown instead of data when the cluster cannot be used: what went wrong in one sentence,
// the hint, where the dashboard is pointed and what to check. Never a stack trace.
import type { ClusterErrorInfo, ClusterErrorKind } from '@/lib/k8s/errors';
import type { ClusterTarget } from '@/lib/k8s/cluster';

const TITLES: Record<ClusterErrorKind, string> = {
  unreachable: 'The cluster cannot be reached',
  unauthorized: 'The cluster rejected the credentials',
  forbidden: 'The cluster refused access',
  tls: 'The cluster’s certificate could not be verified',
  notfound: 'Not found on the cluster',
  config: 'No usable cluster configuration',
  other: 'The cluster returned an error',
};

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function ClusterProblem({
  error,
  target,
  retryHref = '/',
}: {
  error: ClusterErrorInfo;
  target: ClusterTarget | null;
  /** Where "Try again" goes: the page that failed. */
  retryHref?: string;
}) {
  const kubectl = target?.kubeconfigPath
    ? `kubectl --kubeconfig ${shellQuote(target.kubeconfigPath)}${target.context && target.source === 'kubeconfig' ? ` --context ${shellQuote(target.context)}` : ''} get nodes`
    : 'kubectl get nodes';
  return (
    <section
      role="alert"
      aria-labelledby="cluster-problem-title"
      data-testid="cluster-problem"
      data-kind={error.kind}
      className="rounded-lg border border-red-200 bg-white p-6 shadow-sm"
    >
      <h1 id="cluster-problem-title" className="text-xl font-semibold text-red-800">
        {TITLES[error.kind]}
      </h1>
      <p className="mt-2 text-slate-800">{error.message}</p>
      <p className="mt-1 text-slate-600">{error.hint}</p>

      {target && (
        <dl className="mt-5 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
          <dt className="text-slate-500">Context</dt>
          <dd className="font-medium">{target.context}</dd>
          <dt className="text-slate-500">Server URL</dt>
          <dd>
            <code>{target.server}</code>
          </dd>
          {target.kubeconfigPath && (
            <>
              <dt className="text-slate-500">Kubeconfig</dt>
              <dd>
                <code>{target.kubeconfigPath}</code>
              </dd>
            </>
          )}
          {target.source === 'in-cluster' && (
            <>
              <dt className="text-slate-500">Credentials</dt>
              <dd>in-cluster service account</dd>
            </>
          )}
        </dl>
      )}

      <h2 className="mt-6 text-base font-semibold text-slate-900">What to check</h2>
      <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm text-slate-700">
        <li>The cluster is running and the server URL above is right and reachable from this machine.</li>
        <li>
          The same configuration works from a shell:{' '}
          <code className="rounded bg-slate-100 px-1.5 py-0.5 text-slate-900">{kubectl}</code>
        </li>
        <li>
          To use another cluster, restart the dashboard with <code>npm start -- --kubeconfig &lt;path&gt; --context &lt;name&gt;</code>, or
          with <code>npm start -- --demo</code> for the demo cluster.
        </li>
      </ol>
      <p className="mt-6">
        <a
          href={retryHref}
          className="inline-flex items-center rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700"
        >
          Try again
        </a>
      </p>
    </section>
  );
}
