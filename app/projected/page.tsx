// /projected — the procedure's pod with a projected service account token, built (form, live YAML,
// copy, download, server-side dry run, create), and the pods in the cluster that mount such tokens.
// Everything is read as the signed-in user, so the cluster's RBAC decides what they see and may do.
import type { Metadata } from 'next';
import { ClusterProblem } from '@/components/layout/cluster-problem';
import { ProjectedBuilder } from '@/components/projected/projected-builder';
import { ProjectedTable } from '@/components/projected/projected-table';
import { redirectIfSessionRejected, requireSession } from '@/lib/auth/guard';
import { clusterTarget, getClusterStatus, toClusterError } from '@/lib/k8s';
import {
  listNamespaceNames,
  listProjectedTokens,
  listServiceAccountNames,
  podCreateAccess,
  type CreateAccess,
  type ProjectedPage,
} from '@/lib/k8s/projected';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Projected volumes' };

const NAMESPACE = 'default';

export default async function ProjectedVolumesPage() {
  const { session, kubeConfig } = await requireSession('/projected');
  const status = await getClusterStatus();
  if (!status.ok) return <ClusterProblem error={status.error} target={status.target} retryHref="/projected" />;

  const [tokens, namespaces, serviceAccounts, access] = await Promise.allSettled([
    listProjectedTokens(kubeConfig),
    listNamespaceNames(kubeConfig),
    listServiceAccountNames(kubeConfig, NAMESPACE),
    podCreateAccess(kubeConfig, NAMESPACE, { username: session.username, cacheKey: session.sid }),
  ]);
  // The user's token stopped working (expired, revoked): sign in again rather than a dead end.
  if (session.kind === 'token') {
    for (const r of [tokens, namespaces, serviceAccounts, access]) if (r.status === 'rejected') await redirectIfSessionRejected(toClusterError(r.reason), '/projected');
  }
  if (tokens.status === 'rejected' && namespaces.status === 'rejected' && serviceAccounts.status === 'rejected') {
    return <ClusterProblem error={toClusterError(tokens.reason).info()} target={clusterTarget()} retryHref="/projected" />;
  }
  const page: ProjectedPage | null = tokens.status === 'fulfilled' ? tokens.value : null;
  const tableError = tokens.status === 'rejected' ? toClusterError(tokens.reason).message : null;
  const createAccess: CreateAccess =
    access.status === 'fulfilled' ? access.value : { allowed: false, message: `Could not check whether you may create pods: ${toClusterError(access.reason).message}` };

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Projected volumes</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          A pod that asks the kubelet for a bound service account token with its own audience and lifetime, as in “Configuring bound service account
          tokens using volume projection”. The kubelet requests the token on the pod&apos;s behalf, writes it to the file, and replaces it before it
          expires; the application must re-read the file.
        </p>
      </div>

      <section aria-labelledby="builder-title" className="space-y-3">
        <h2 id="builder-title" className="text-lg font-semibold">
          Build the pod
        </h2>
        <ProjectedBuilder
          namespaces={namespaces.status === 'fulfilled' ? namespaces.value.names : [NAMESPACE]}
          initialNamespace={NAMESPACE}
          initialServiceAccounts={serviceAccounts.status === 'fulfilled' ? serviceAccounts.value : []}
          initialAccess={createAccess}
        />
      </section>

      <section aria-labelledby="pods-title" className="space-y-3">
        <h2 id="pods-title" className="text-lg font-semibold">
          Pods that mount projected service account tokens
        </h2>
        <ProjectedTable initial={page} initialError={tableError} />
      </section>
    </div>
  );
}
