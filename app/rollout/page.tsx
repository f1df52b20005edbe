// /rollout: the kube-apiserver revision rollout, live, node by node (components/rollout/rollout-live).
// The first render reads the KubeAPIServer as the signed-in user, so the page is useful before the
// stream connects and says so.
import type { Metadata } from 'next';
import { ClusterProblem } from '@/components/layout/cluster-problem';
import { RolloutLive } from '@/components/rollout/rollout-live';
import { redirectIfSessionRejected, requireSession } from '@/lib/auth/guard';
import { clusterTarget, getClusterStatus, toClusterError } from '@/lib/k8s';
import { PROCEDURE_COMMAND, clusterClockFor, getRollout, type ClusterClockSample, type RolloutDto } from '@/lib/k8s/rollout';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Rollout' };

export default async function RolloutPage() {
  const { session, kubeConfig } = await requireSession('/rollout');
  const status = await getClusterStatus();
  if (!status.ok) return <ClusterProblem error={status.error} target={status.target} />;

  let dto: RolloutDto | null;
  try {
    dto = await getRollout({ kubeConfig });
  } catch (err) {
    if (session.kind === 'token') await redirectIfSessionRejected(err, '/rollout');
    return <ClusterProblem error={toClusterError(err).info()} target={clusterTarget()} />;
  }
  let clock: ClusterClockSample | null = null;
  if (dto) clock = await clusterClockFor(kubeConfig, dto);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">kube-apiserver rollout</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          After a service account issuer change the operator rolls a new kube-apiserver revision to the control-plane nodes, one at a time. This page
          follows <code>kubeapiservers.operator.openshift.io/cluster</code> as it happens, and replaces polling the procedure&apos;s <code>oc get</code>{' '}
          command.
        </p>
      </div>
      {dto ? (
        <RolloutLive initial={dto} initialClock={clock} command={PROCEDURE_COMMAND} />
      ) : (
        <section data-testid="no-kubeapiserver" className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700 shadow-sm">
          This cluster has no <code>kubeapiservers.operator.openshift.io/cluster</code>: it is not OpenShift, or its operator has not created it. On
          plain Kubernetes the kube-apiserver&apos;s flags change with its static pod manifests, one control-plane node at a time, outside the API.
        </section>
      )}
    </div>
  );
}
