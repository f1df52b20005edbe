// Overview: the service account issuer, the kube-apiserver rollout, open warnings after an issuer
// change, and the cluster's nodes with role, Ready state and kubelet version, read through lib/k8s.
import type { Metadata } from 'next';
import { ClusterProblem } from '@/components/layout/cluster-problem';
import { NodeSummary, summaryText } from '@/components/nodes/node-summary';
import { NodeTable } from '@/components/nodes/node-table';
import { OverviewWorkflow } from '@/components/restart/overview-workflow';
import { OverviewIssuer } from '@/components/rollout/overview-issuer';
import { OverviewRollout } from '@/components/rollout/overview-rollout';
import { OverviewWarnings, type OverviewWarningsProps } from '@/components/rollout/overview-warnings';
import { redirectIfSessionRejected, requireSession } from '@/lib/auth/guard';
import { clusterTarget, getClusterStatus, listNodes, summarizeNodes, toClusterError, type ClusterError, type NodeDto } from '@/lib/k8s';
import { readIssuerState } from '@/lib/k8s/issuer';
import { getWorkflowEngine } from '@/lib/workflows';
import { clusterClockFor, countPodsStartedBefore, getRollout, issuerChangedAt, type ClusterClockSample, type OldPodCount, type RolloutDto } from '@/lib/k8s/rollout';

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
  const info = status.info;
  const summary = summarizeNodes(nodes);
  const [rollout, configuredIssuer, workflow] = await Promise.all([
    rolloutSection(kubeConfig, session.sid),
    // The issuer the Authentication object asks for (lib/k8s/issuer); the card notes when it is not active yet.
    info.flavor === 'openshift'
      ? readIssuerState(kubeConfig, { flavor: 'openshift' }).then(
          (st) => st.currentIssuer,
          () => null,
        )
      : Promise.resolve(null),
    // A running (or paused) restart workflow gets a one-line card; no workflow state is no card.
    getWorkflowEngine().then((e) => e.current(), () => null).then((w) => (w && (w.status === 'running' || w.status === 'paused') ? w : null), () => null),
  ]);
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
      {workflow && <OverviewWorkflow state={workflow} />}
      {rollout.warnings && <OverviewWarnings {...rollout.warnings} />}
      {rollout.dto ? (
        <div className="grid gap-4 lg:grid-cols-2">
          <OverviewIssuer dto={rollout.dto} clock={rollout.clock} configured={configuredIssuer} />
          <OverviewRollout dto={rollout.dto} />
        </div>
      ) : (
        rollout.note && (
          <p data-testid="overview-rollout-note" className="text-sm text-slate-600">
            {rollout.note}
          </p>
        )
      )}
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

/** The previous issuer's trust counts as "ending soon" below this many hours (cluster time). */
const SOON_HOURS = 6;

/**
 * The issuer and rollout cards and the warnings. A failure here (e.g. a user who may not read the
 * KubeAPIServer) becomes a one-line note, never a broken overview.
 */
async function rolloutSection(
  kubeConfig: Parameters<typeof getRollout>[0]['kubeConfig'],
  sid: string,
): Promise<{ dto: RolloutDto | null; clock: ClusterClockSample | null; warnings: OverviewWarningsProps | null; note?: string }> {
  let dto: RolloutDto | null;
  try {
    dto = await getRollout({ kubeConfig });
  } catch (err) {
    return { dto: null, clock: null, warnings: null, note: `The kube-apiserver rollout could not be read: ${toClusterError(err).message}` };
  }
  if (!dto) return { dto: null, clock: null, warnings: null, note: 'No KubeAPIServer operator resource: the issuer rollout views are for OpenShift.' };
  const clock = await clusterClockFor(kubeConfig, dto);
  const prev = dto.previousIssuer;
  const changedAt = issuerChangedAt(dto);
  const clusterNow = clock?.clusterNow ? Date.parse(clock.clusterNow) : Date.now();
  if (!prev?.expirationTime || !changedAt || Date.parse(prev.expirationTime) <= clusterNow) return { dto, clock, warnings: null };
  let oldPods: OldPodCount | { error: string } | null;
  try {
    oldPods = await countPodsStartedBefore(kubeConfig, changedAt, { cacheKey: sid, maxPods: 20_000 });
  } catch (err) {
    oldPods = { error: toClusterError(err).message };
  }
  const warnings: OverviewWarningsProps = {
    previous: prev,
    changedAt,
    oldPods,
    endingSoon: Date.parse(prev.expirationTime) - clusterNow < SOON_HOURS * 3600_000,
    soonHours: SOON_HOURS,
    clock,
    nodeNames: dto.nodes.map((n) => n.nodeName),
  };
  return { dto, clock, warnings };
}
