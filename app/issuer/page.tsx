// /issuer: the service account issuer as the cluster states it (current issuer, previous issuers
// still trusted with a live countdown, discovery document and JWKS, API audiences, the flags), and
// on OpenShift the guided change for users who may patch authentications.config.openshift.io.
import type { Metadata } from 'next';
import { ClusterProblem } from '@/components/layout/cluster-problem';
import { ApiServerFlags } from '@/components/issuer/apiserver-flags';
import { ChangeForm } from '@/components/issuer/change-form';
import { CurrentIssuer } from '@/components/issuer/current-issuer';
import { DiscoveryDocuments } from '@/components/issuer/discovery-documents';
import { TrustedIssuers } from '@/components/issuer/trusted-issuers';
import { redirectIfSessionRejected, requireSession } from '@/lib/auth/guard';
import { clusterTarget, getClusterStatus, toClusterError } from '@/lib/k8s';
import { canI, describeForbidden, roleFor } from '@/lib/k8s/access';
import { readIssuerState, type IssuerState } from '@/lib/k8s/issuer';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Issuer' };

const PATCH_AUTH = { verb: 'patch', group: 'config.openshift.io', resource: 'authentications', name: 'cluster' } as const;

export default async function IssuerPage() {
  const { session, kubeConfig } = await requireSession('/issuer');
  const status = await getClusterStatus();
  if (!status.ok) return <ClusterProblem error={status.error} target={status.target} retryHref="/issuer" />;
  const flavor = status.info.flavor;

  let state: IssuerState;
  try {
    state = await readIssuerState(kubeConfig, { flavor });
  } catch (err) {
    if (session.kind === 'token') await redirectIfSessionRejected(err, '/issuer');
    return <ClusterProblem error={toClusterError(err).info()} target={clusterTarget()} retryHref="/issuer" />;
  }

  let canPatch = false;
  let deniedReason: string | null = null;
  if (flavor === 'openshift') {
    try {
      const d = await canI(kubeConfig, PATCH_AUTH, { cacheKey: session.sid });
      canPatch = d.allowed;
      if (!d.allowed) {
        const role = roleFor(PATCH_AUTH);
        deniedReason =
          describeForbidden(d.reason ?? '', session.username)?.message ??
          `You (${session.username}) cannot patch authentications.config.openshift.io. The cluster role "${role}" would allow it: ask an administrator for it.`;
      }
    } catch (err) {
      deniedReason = `The cluster could not say whether you may change the issuer: ${toClusterError(err).message}`;
    }
  }

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Service account issuer</h1>
        <p className="mt-1 text-sm text-slate-600">
          The <code>iss</code> of every bound service account token the cluster signs, the issuers it still accepts, and the documents token consumers use to verify them.
          {state.readOnly && ' Plain Kubernetes: read-only here.'}
        </p>
      </div>

      <CurrentIssuer state={state} />
      {flavor === 'openshift' ? (
          <TrustedIssuers initial={{ trusted: state.trusted, clock: state.clock, apiAudiences: state.apiAudiences }} />
        ) : (
          <div data-testid="api-audiences" className="rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-sm">
            <h2 className="font-semibold">API audiences</h2>
            <p className="mt-1 text-slate-600">Without the OpenShift operator the trusted issuers are only visible in the kube-apiserver flags; the discovery document names the signing one:</p>
            <ol className="mt-2 list-decimal pl-6 font-mono text-xs">
              {state.apiAudiences.map((a) => (
                <li key={a} className="break-all">{a}</li>
              ))}
            </ol>
          </div>
        )}

      {flavor === 'openshift' && state.authentication && (
        <ChangeForm
          specIssuer={state.authentication.specIssuer}
          resourceVersion={state.authentication.resourceVersion}
          trusted={state.trusted}
          controlPlaneNodes={state.nodes.length}
          canPatch={canPatch}
          deniedReason={deniedReason}
        />
      )}

      <DiscoveryDocuments state={state} />
      <ApiServerFlags flags={state.flags} readOnly={state.readOnly} />
    </div>
  );
}
