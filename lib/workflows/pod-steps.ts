// The restart-all-pods steps for one namespace. Safe: rollout-restart each Deployment, StatefulSet
// and DaemonSet with the workflow's one restartedAt stamp (a workload already carrying it is not
// patched again after a restart), wait for each rollout, OnDelete workloads get their pods deleted
// one at a time, pods of other controllers are deleted; unmanaged and Job pods are left alone.
// Procedure: delete every (old) pod of the namespace and wait until they are gone, then pause.
import 'server-only';
import type { V1DaemonSet, V1Deployment, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { controllerOf, RESTARTED_AT, workloadOf } from './classify';
import { deadlineOf, failUnlessTransient, pollUntil, runLimited, type StepContext, type StepResult } from './context';
import { errorText, httpStatus, type Workload, type WorkloadKind } from './kube';
import { namespaceWork } from './scope';
import { emptySnapshot, replicaSetOwners, selectorMatches } from './snapshot';
import type { PodRestartOptions } from './types';

/** Has the rollout of this workload finished (all replicas updated, available, old ones gone)? */
export function rolloutComplete(kind: WorkloadKind, w: Workload): { done: boolean; text: string } {
  const gen = w.metadata?.generation ?? 0;
  if (kind === 'Deployment') {
    const d = w as V1Deployment;
    const want = d.spec?.replicas ?? 1;
    const s = d.status ?? {};
    const observed = (s.observedGeneration ?? 0) >= gen;
    const done = observed && (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) >= want;
    return { done, text: `${s.updatedReplicas ?? 0}/${want} updated, ${s.availableReplicas ?? 0} available, ${s.replicas ?? 0} total` };
  }
  if (kind === 'StatefulSet') {
    const st = w as V1StatefulSet;
    const want = st.spec?.replicas ?? 1;
    const s = st.status ?? { replicas: 0 };
    const observed = (s.observedGeneration ?? 0) >= gen;
    const done = observed && (s.updatedReplicas ?? 0) === want && (s.readyReplicas ?? 0) === want && (!s.updateRevision || s.currentRevision === s.updateRevision);
    return { done, text: `${s.updatedReplicas ?? 0}/${want} updated, ${s.readyReplicas ?? 0} ready` };
  }
  const ds = w as V1DaemonSet;
  const s = ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
  const want = s.desiredNumberScheduled ?? 0;
  const observed = (s.observedGeneration ?? 0) >= gen;
  const done = observed && (s.updatedNumberScheduled ?? 0) === want && (s.numberReady ?? 0) === want;
  return { done, text: `${s.updatedNumberScheduled ?? 0}/${want} updated, ${s.numberReady ?? 0} ready` };
}

function templateStamp(w: Workload): string | undefined {
  return w.spec?.template?.metadata?.annotations?.[RESTARTED_AT];
}

async function waitRollout(ctx: StepContext, kind: WorkloadKind, ns: string, name: string, o: PodRestartOptions): Promise<void> {
  const started = Date.now();
  let last = '';
  await pollUntil(
    ctx,
    started + o.rolloutTimeoutSeconds * 1000,
    async () => {
      const w = await ctx.kube.getWorkload(kind, ns, name);
      if (!w) return true; // deleted meanwhile: nothing left to wait for
      const r = rolloutComplete(kind, w);
      last = r.text;
      return r.done ? true : undefined;
    },
    () => `The rollout of ${kind.toLowerCase()}/${name} in ${ns} did not finish within ${o.rolloutTimeoutSeconds} s (${last}). Check it with \`oc rollout status ${kind.toLowerCase()}/${name} -n ${ns}\`.`,
  );
}

async function podsOfWorkload(ctx: StepContext, kind: WorkloadKind, w: Workload, ns: string): Promise<V1Pod[]> {
  const pods = await ctx.kube.listPods({ namespace: ns });
  return pods.filter((p) => controllerOf(p)?.kind === kind && controllerOf(p)?.uid === w.metadata?.uid && selectorMatches(w.spec?.selector, p.metadata?.labels));
}

/** OnDelete: delete the pods one at a time, each replacement Ready before the next. */
async function restartOnDelete(ctx: StepContext, kind: WorkloadKind, ns: string, name: string, o: PodRestartOptions): Promise<void> {
  const key = `onDelete:${kind}/${name}`;
  let uids = ctx.step().data?.[key] as { name: string; uid: string }[] | undefined;
  if (!uids) {
    const w = await ctx.kube.getWorkload(kind, ns, name);
    if (!w) return;
    uids = (await podsOfWorkload(ctx, kind, w, ns)).map((p) => ({ name: p.metadata!.name!, uid: p.metadata!.uid! }));
    await ctx.remember({ [key]: uids });
  }
  for (const { name: pod, uid } of uids) {
    ctx.checkpoint();
    const cur = await ctx.kube.getPod(ns, pod);
    if (cur && cur.metadata?.uid === uid && !cur.metadata.deletionTimestamp) {
      await ctx.kube.deletePod(ns, pod, uid);
      await ctx.events.record({ kind: 'Pod', name: pod, namespace: ns, uid, apiVersion: 'v1' }, 'PodDeleted', `Deleted by workflow ${ctx.workflowId} (${kind} ${name} uses OnDelete)`, 'Normal', ctx.workflowId);
    }
    // The replacement (same name for a StatefulSet) must be Ready before the next one goes.
    await pollUntil(
      ctx,
      Date.now() + o.rolloutTimeoutSeconds * 1000,
      async () => {
        const w = await ctx.kube.getWorkload(kind, ns, name);
        if (!w) return true;
        const pods = await podsOfWorkload(ctx, kind, w, ns);
        if (pods.some((p) => p.metadata?.uid === uid)) return undefined;
        const want = kind === 'StatefulSet' ? ((w as V1StatefulSet).spec?.replicas ?? 1) : ((w as V1DaemonSet).status?.desiredNumberScheduled ?? 0);
        const ready = kind === 'StatefulSet' ? ((w as V1StatefulSet).status?.readyReplicas ?? 0) : ((w as V1DaemonSet).status?.numberReady ?? 0);
        return ready >= want ? true : undefined;
      },
      () => `The replacement of ${ns}/${pod} (${kind} ${name}, OnDelete) was not Ready within ${o.rolloutTimeoutSeconds} s.`,
    );
  }
}

export async function restartNamespace(ctx: StepContext, ns: string, o: PodRestartOptions, isLast: boolean): Promise<StepResult> {
  const state = ctx.state();
  const stamp = state.stamp!;
  const cutoffMs = state.cutoff ? Date.parse(state.cutoff) : null;
  const done = new Set((ctx.step().data?.done as string[] | undefined) ?? []);
  // A fresh look at the namespace, as it is now.
  const [deployments, statefulSets, daemonSets, replicaSets, pods] = await Promise.all([
    ctx.kube.listDeployments(ns),
    ctx.kube.listStatefulSets(ns),
    ctx.kube.listDaemonSets(ns),
    ctx.kube.listReplicaSets(ns),
    ctx.kube.listPods({ namespace: ns }),
  ]);
  const snap = { ...emptySnapshot(), deployments, statefulSets, daemonSets, replicaSets, pods, namespaces: [ns] };
  const work = namespaceWork(snap, ns, o, cutoffMs);
  // Workloads already stamped by this workflow were restarted before a dashboard restart: only wait.
  const stamped = (kind: string, name: string) => {
    const list = kind === 'Deployment' ? deployments : kind === 'StatefulSet' ? statefulSets : daemonSets;
    const w = list.find((x) => x.metadata?.name === name);
    return w ? templateStamp(w) === stamp : false;
  };
  const rsOwner = replicaSetOwners(replicaSets);
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
    const list = kind === 'Deployment' ? deployments : kind === 'StatefulSet' ? statefulSets : daemonSets;
    for (const w of list) {
      const name = w.metadata!.name!;
      if (templateStamp(w) === stamp && !work.workloads.some((x) => x.kind === kind && x.name === name) && !done.has(`${kind}/${name}`)) {
        // With a cutoff, a restarted workload has only new pods now, so the plan no longer lists it.
        work.workloads.push({ kind, namespace: ns, name, action: 'rollout-restart', command: '' });
      }
    }
  }
  const items = work.workloads.filter((w) => w.kind !== 'Pod' && !done.has(`${w.kind}/${w.name}`));
  let restarted = 0;
  let waitedOnly = 0;
  const markDone = async (key: string) => {
    done.add(key);
    await ctx.remember({ done: [...done] });
  };
  await runLimited(items, o.concurrency, async (w) => {
    const kind = w.kind as WorkloadKind;
    if (w.action === 'delete-pods-one-by-one') {
      ctx.progress(`${ns}: deleting the pods of ${kind.toLowerCase()}/${w.name} one at a time (OnDelete)`);
      await restartOnDelete(ctx, kind, ns, w.name, o);
      restarted++;
    } else {
      if (!stamped(kind, w.name)) {
        try {
          await ctx.kube.restartWorkload(kind, ns, w.name, stamp);
        } catch (err) {
          failUnlessTransient(err, (why) => `Could not restart ${kind.toLowerCase()}/${w.name} in ${ns}: ${why}`, httpStatus(err), errorText(err));
        }
        restarted++;
        await ctx.events.record({ kind, name: w.name, namespace: ns, apiVersion: 'apps/v1' }, 'WorkloadRestarted', `Rollout restart by workflow ${ctx.workflowId} (restartedAt ${stamp})`, 'Normal', ctx.workflowId);
      } else waitedOnly++;
      ctx.progress(`${ns}: waiting for the rollout of ${kind.toLowerCase()}/${w.name}`);
      await waitRollout(ctx, kind, ns, w.name, o);
    }
    await markDone(`${kind}/${w.name}`);
  });
  // Pods of other controllers (bare ReplicaSets, operators' resources): delete, they come back.
  let controlled = ctx.step().data?.controlled as { name: string; uid: string }[] | undefined;
  if (!controlled) {
    controlled = work.controlledPods.filter((p) => workloadOf(p, rsOwner).kind === 'other').map((p) => ({ name: p.metadata!.name!, uid: p.metadata!.uid! }));
    await ctx.remember({ controlled });
  }
  await runLimited(controlled, o.concurrency, async ({ name, uid }) => {
    if (await ctx.kube.deletePod(ns, name, uid)) {
      await ctx.events.record({ kind: 'Pod', name, namespace: ns, uid, apiVersion: 'v1' }, 'PodDeleted', `Deleted by workflow ${ctx.workflowId} (its controller recreates it)`, 'Normal', ctx.workflowId);
    }
  });
  if (!isLast && o.pauseBetweenNamespacesSeconds > 0) await ctx.sleep(o.pauseBetweenNamespacesSeconds * 1000);
  const parts = [`${restarted} restarted`, ...(waitedOnly ? [`${waitedOnly} already restarted before a resume`] : []), ...(controlled.length ? [`${controlled.length} controlled pod${controlled.length === 1 ? '' : 's'} deleted`] : []), ...(work.leftAlone.length ? [`${work.leftAlone.length} left for you`] : [])];
  if (items.length === 0 && controlled.length === 0) return { outcome: 'skipped', message: `nothing to restart in ${ns}${work.leftAlone.length ? ` (${work.leftAlone.length} pods left for you)` : ''}` };
  return { outcome: 'done', message: `${ns}: ${parts.join(', ')}` };
}

/** The procedure's way: `oc delete pods --all -n <ns>` (waits until they are gone), then the pause. */
export async function deleteNamespacePods(ctx: StepContext, ns: string, o: PodRestartOptions, isLast: boolean): Promise<StepResult> {
  const state = ctx.state();
  const cutoffMs = state.cutoff ? Date.parse(state.cutoff) : null;
  let targets = ctx.step().data?.pods as { name: string; uid: string }[] | undefined;
  if (!targets) {
    const pods = await ctx.kube.listPods({ namespace: ns });
    const snap = { ...emptySnapshot(), pods, namespaces: [ns] };
    targets = namespaceWork(snap, ns, o, cutoffMs).allPods.map((p) => ({ name: p.metadata!.name!, uid: p.metadata!.uid! }));
    // Remembered first: after a restart only these are deleted, never their replacements.
    await ctx.remember({ pods: targets });
  }
  let deleted = 0;
  await runLimited(targets, Math.max(o.concurrency, 1), async ({ name, uid }) => {
    ctx.checkpoint();
    if (await ctx.kube.deletePod(ns, name, uid)) {
      deleted++;
      await ctx.events.record({ kind: 'Pod', name, namespace: ns, uid, apiVersion: 'v1' }, 'PodDeleted', `Deleted by workflow ${ctx.workflowId} (oc delete pods --all -n ${ns})`, 'Normal', ctx.workflowId);
    }
  });
  const uids = new Set(targets.map((t) => t.uid));
  await pollUntil(
    ctx,
    deadlineOf(ctx.step(), o.rolloutTimeoutSeconds),
    async () => {
      const left = (await ctx.kube.listPods({ namespace: ns })).filter((p) => uids.has(p.metadata?.uid ?? ''));
      if (left.length) ctx.progress(`${ns}: ${left.length} pod${left.length === 1 ? '' : 's'} still terminating`);
      return left.length === 0 ? true : undefined;
    },
    () => `Pods in ${ns} were still terminating after ${o.rolloutTimeoutSeconds} s.`,
  );
  if (!isLast && o.pauseBetweenNamespacesSeconds > 0) await ctx.sleep(o.pauseBetweenNamespacesSeconds * 1000);
  return { outcome: targets.length ? 'done' : 'skipped', message: `${ns}: ${deleted} pod${deleted === 1 ? '' : 's'} deleted${targets.length - deleted ? `, ${targets.length - deleted} already gone` : ''}` };
}


