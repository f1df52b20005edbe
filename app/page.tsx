// Overview: the cluster's nodes with role, Ready state and kubelet version, read through lib/k8s.
import type { Metadata } from 'next';
import { ClusterProblem } from '@/components/layout/cluster-problem';
import { NodeSummary, summaryText } from '@/components/nodes/node-summary';
import { NodeTable } from '@/components/nodes/node-table';
import { redirectIfSessionRejected, requireSession } from '@/lib/auth/guard';
import { clusterTarget, getClusterStatus, listNodes, summarizeNodes, toClusterError, type ClusterError, type NodeDto } from '@/lib/k8s';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  // Nodes are read as the signed-in user, so the cluster's RBAC decides what they see.
  const { session, kubeConfig } = await requireSession('/');
  const status = await getClusterStatus();
  if (!status.ok) return <ClusterProblem error={status.error} target={status.target} />;

  let nodes: NodeDto[] | undefined;
  let failure: ClusterError | undefined;
  try {
    nodes = await listNodes({ kubeConfig });
  } catch (err) {
    failure = toClusterError(err);
  }
  if (!nodes) {
    // The user's token stopped working (expired, revoked): sign in again rather than a dead end.
    if (session.kind === 'token') await redirectIfSessionRejected(failure, '/');
    return <ClusterProblem error={failure!.info()} target={clusterTarget()} />;
  }
  const summary = summarizeNodes(nodes);
  const info = status.info;
  const platform =
    info.flavor === 'openshift' ? `OpenShift${info.openshiftVersion ? ` ${info.openshiftVersion}` : ''}` : 'Kubernetes';

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Overview</h1>
        <p className="mt-1 text-sm text-slate-600">
          {platform} cluster <span className="font-medium text-slate-800">{info.context}</span>, kube-apiserver{' '}
          {info.kubernetesVersion || 'version unknown'}.
        </p>
      </div>
      <section aria-labelledby="nodes-title" className="space-y-3">
        <h2 id="nodes-title" className="text-lg font-semibold">
          Nodes
        </h2>
        <NodeSummary summary={summary} />
        <NodeTable nodes={nodes} nowMs={Date.now()} caption={summaryText(summary)} />
      </section>
    </div>
  );
}
