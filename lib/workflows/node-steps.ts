// The rolling node restart's steps for one node, each safe to run again after a restart of the
// dashboard: cordon (remembers whether it was cordoned before), drain through the Eviction API
// (re-lists what is left each round, retries budgets, waits until the pods are gone), reboot via
// an `oc debug node` style pod (records the bootID and the pod name first: never reboots twice),
// wait for a new bootID and Ready, uncordon (unless cordoned before), wait for DaemonSet pods.
import 'server-only';
import { randomInt } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import { bootIdOf, controllerOf, drainDecision, nodeReady, nodeRoleOf, podReady } from './classify';
import { deadlineOf, failUnlessTransient, pollUntil, runLimited, StepFailure, type StepContext, type StepResult } from './context';
import { errorText, httpStatus } from './kube';
import type { NodeRestartOptions } from './types';

const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = () => Array.from({ length: 5 }, () => NAME_ALPHABET[randomInt(NAME_ALPHABET.length)]).join('');
const nodeRef = (name: string) => ({ kind: 'Node', name, apiVersion: 'v1' });

async function mustGetNode(ctx: StepContext, name: string) {
  const n = await ctx.kube.getNode(name);
  if (!n) throw new StepFailure(`Node ${name} does not exist (any more).`);
  return n;
}

export async function cordon(ctx: StepContext, node: string): Promise<StepResult> {
  let was = ctx.step().data?.wasCordoned as boolean | undefined;
  if (was === undefined) {
    const n = await mustGetNode(ctx, node);
    if (nodeRoleOf(n) === 'control-plane') {
      // Never two control-plane nodes down at once: the others must all be Ready first.
      const others = (await ctx.kube.listNodes()).filter((x) => x.metadata?.name !== node && nodeRoleOf(x) === 'control-plane' && !nodeReady(x));
      if (others.length) throw new StepFailure(`Control-plane node ${others.map((x) => x.metadata?.name).join(', ')} is not Ready; restarting ${node} now could lose etcd quorum. Not touching it.`);
    }
    was = Boolean(n.spec?.unschedulable);
    await ctx.remember({ wasCordoned: was });
  }
  if (was) return { outcome: 'done', message: `${node} was already cordoned before the workflow; it stays cordoned afterwards` };
  await ctx.kube.setUnschedulable(node, true);
  await ctx.events.record(nodeRef(node), 'NodeCordoned', `Cordoned by workflow ${ctx.workflowId} (oc adm cordon ${node})`, 'Normal', ctx.workflowId);
  return { outcome: 'done', message: `${node} cordoned` };
}

type PodRef = { namespace: string; name: string; uid: string };

/**
 * Drains like `oc adm drain`: the pods to evict are listed once and remembered (so a resumed drain
 * re-lists and adds only pods it did not know), evicted through the Eviction API (a 429 from a
 * budget is retried every evictionRetrySeconds), and the drain waits until each of those pods is
 * gone — a namesake with a new UID (a guard pod its operator recreated at once) counts as gone.
 */
export async function drain(ctx: StepContext, node: string, o: NodeRestartOptions): Promise<StepResult> {
  const deadline = deadlineOf(ctx.step(), o.drainTimeoutSeconds);
  const blockedBy = new Map<string, string>();
  let evictedTotal = (ctx.step().data?.evicted as number | undefined) ?? 0;
  let lastLeft: V1Pod[] = [];
  let nextEvictAt = 0;
  const key = (p: { namespace?: string; name?: string }) => `${p.namespace}/${p.name}`;
  const result = await pollUntil(
    ctx,
    deadline,
    async () => {
      const pods = await ctx.kube.podsOnNode(node);
      const known = (ctx.step().data?.targets as PodRef[] | undefined) ?? [];
      const knownNames = new Set(known.map(key));
      const relevant = pods.map((p) => ({ p, d: drainDecision(p, o) })).filter((x) => x.d.action !== 'skip');
      const fresh = relevant.filter((x) => !knownNames.has(key(x.p.metadata ?? {})));
      const refused = fresh.filter((x) => x.d.action === 'refuse' && !x.p.metadata?.deletionTimestamp);
      if (refused.length) {
        throw new StepFailure(`The drain of ${node} refuses ${refused.length} pod${refused.length === 1 ? '' : 's'}: ${refused.slice(0, 5).map((x) => `${x.p.metadata?.namespace}/${x.p.metadata?.name} ${x.d.why}`).join('; ')}. ${node} is left cordoned.`);
      }
      let targets = known;
      if (fresh.length || ctx.step().data?.targets === undefined) {
        targets = [...known, ...fresh.map((x) => ({ namespace: x.p.metadata!.namespace!, name: x.p.metadata!.name!, uid: x.p.metadata!.uid! }))];
        await ctx.remember({ targets });
      }
      const byUid = new Map(pods.map((p) => [p.metadata?.uid, p]));
      lastLeft = targets.map((t) => byUid.get(t.uid)).filter((p): p is V1Pod => p !== undefined);
      if (lastLeft.length === 0) return `${node} drained: ${evictedTotal} pod${evictedTotal === 1 ? '' : 's'} evicted`;
      const toEvict = lastLeft.filter((p) => !p.metadata?.deletionTimestamp);
      if (toEvict.length && Date.now() >= nextEvictAt) {
        blockedBy.clear();
        let evictedNow = 0;
        await runLimited(toEvict, 10, async (p) => {
          const ns = p.metadata!.namespace!;
          const name = p.metadata!.name!;
          const r = await ctx.kube.evict(ns, name, p.metadata?.uid);
          if (r.result === 'blocked') blockedBy.set(`${ns}/${name}`, r.message);
          else if (r.result === 'evicted') {
            evictedNow++;
            await ctx.events.record({ kind: 'Pod', name, namespace: ns, uid: p.metadata?.uid, apiVersion: 'v1' }, 'PodEvicted', `Evicted from ${node} by workflow ${ctx.workflowId} (drain)`, 'Normal', ctx.workflowId);
          }
        });
        if (evictedNow) {
          evictedTotal += evictedNow;
          await ctx.remember({ evicted: evictedTotal });
        }
        if (blockedBy.size) {
          // Budgets are retried on their own rhythm, not every poll.
          nextEvictAt = Date.now() + o.evictionRetrySeconds * 1000;
          const [first, why] = [...blockedBy.entries()][0]!;
          ctx.progress(`${blockedBy.size} eviction${blockedBy.size === 1 ? '' : 's'} refused by a PodDisruptionBudget (${first}: ${why}); retrying every ${o.evictionRetrySeconds} s`);
          await ctx.events.record(nodeRef(node), 'EvictionBlocked', `Drain waits: ${first}: ${why}`, 'Warning', ctx.workflowId);
        }
      }
      ctx.progress(`${lastLeft.length} pod${lastLeft.length === 1 ? '' : 's'} left on ${node}${blockedBy.size ? `, ${blockedBy.size} blocked by budgets` : ''}`);
      return undefined;
    },
    (err) => {
      const blocked = [...blockedBy.entries()].slice(0, 3).map(([p, why]) => `${p}: ${why}`);
      const left = lastLeft.slice(0, 5).map((p) => `${p.metadata?.namespace}/${p.metadata?.name}${p.metadata?.deletionTimestamp ? ' (terminating)' : ''}`);
      return (
        `The drain of ${node} did not finish within ${o.drainTimeoutSeconds} s. ` +
        (blocked.length ? `PodDisruptionBudget refused: ${blocked.join('; ')}. ` : '') +
        (left.length ? `Still on the node: ${left.join(', ')}${lastLeft.length > 5 ? ` and ${lastLeft.length - 5} more` : ''}. ` : '') +
        (err ? `Last error: ${errorText(err)}. ` : '') +
        `${node} is left cordoned; the next node was not touched. Free the budget (or scale up), then start the workflow again, or uncordon with \`oc adm uncordon ${node}\`.`
      );
    },
  );
  return { outcome: 'done', message: result };
}

async function debugNamespace(ctx: StepContext, o: NodeRestartOptions): Promise<string> {
  if (o.debugNamespace) return o.debugNamespace;
  // Pods need their namespace's `default` ServiceAccount; a just-created namespace may lack it.
  return (await ctx.kube.hasServiceAccount(ctx.dashboardNamespace, 'default').catch(() => false)) ? ctx.dashboardNamespace : 'default';
}

export function debugPodSpec(node: string, name: string, namespace: string, image: string, workflowId: string): V1Pod {
  // The pod `oc debug node/<node> -- chroot /host shutdown -r +1` creates.
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { 'bound-token-dashboard/workflow': workflowId, 'bound-token-dashboard/reboot': node },
      annotations: { 'debug.openshift.io/source-container': 'container-00', 'debug.openshift.io/source-resource': `/v1, Resource=nodes/${node}` },
    },
    spec: {
      nodeName: node,
      hostNetwork: true,
      hostPID: true,
      hostIPC: true,
      restartPolicy: 'Never',
      volumes: [{ name: 'host', hostPath: { path: '/', type: 'Directory' } }],
      containers: [
        {
          name: 'container-00',
          image,
          command: ['chroot', '/host', 'shutdown', '-r', '+1'],
          securityContext: { privileged: true, runAsUser: 0 },
          volumeMounts: [{ name: 'host', mountPath: '/host' }],
        },
      ],
      tolerations: [{ operator: 'Exists' }],
    },
  };
}

export async function reboot(ctx: StepContext, node: string, o: NodeRestartOptions): Promise<StepResult> {
  const data = ctx.step().data ?? {};
  const n = await mustGetNode(ctx, node);
  let before = data.bootIdBefore as string | undefined;
  if (before === undefined) {
    before = bootIdOf(n);
    await ctx.remember({ bootIdBefore: before });
  }
  if (bootIdOf(n) !== before) return { outcome: 'done', message: `${node} already rebooted (bootID changed); no second reboot` };
  let podName = data.debugPod as string | undefined;
  let podNs = data.debugNamespace as string | undefined;
  if (!podName || !podNs) {
    podNs = await debugNamespace(ctx, o);
    podName = `${node}-debug-${suffix()}`.slice(0, 253);
    // Remembered before creating: after a restart the same name is reused, so at most one pod exists.
    await ctx.remember({ debugPod: podName, debugNamespace: podNs });
  }
  if (!data.rebootIssued) {
    const existing = await ctx.kube.getPod(podNs, podName);
    if (!existing) {
      try {
        await ctx.kube.createPod(podNs, debugPodSpec(node, podName, podNs, o.debugImage, ctx.workflowId));
      } catch (err) {
        failUnlessTransient(err, (why) => `Could not create the debug pod ${podNs}/${podName} that reboots ${node}: ${why}. ${node} is left cordoned and drained.`, httpStatus(err), errorText(err));
      }
    }
    await ctx.remember({ rebootIssued: true });
    await ctx.events.record(nodeRef(node), 'NodeRebootRequested', `Reboot requested by workflow ${ctx.workflowId}: debug pod ${podNs}/${podName} runs chroot /host shutdown -r +1 (bootID before: ${before})`, 'Normal', ctx.workflowId);
  }
  return { outcome: 'done', message: `debug pod ${podNs}/${podName} asked ${node} to reboot in 1 minute (bootID before: ${before})` };
}

export async function waitNodeReady(ctx: StepContext, node: string, o: NodeRestartOptions): Promise<StepResult> {
  const rb = ctx.stepById(`${node}/reboot`)?.data ?? {};
  const before = rb.bootIdBefore as string | undefined;
  if (before === undefined) throw new StepFailure(`No bootID was recorded for ${node} before its reboot; refusing to guess whether it rebooted.`);
  const started = Date.now();
  let phase = '';
  let debugState = '';
  let lastNode: Awaited<ReturnType<typeof mustGetNode>> | undefined;
  const after = await pollUntil(
    ctx,
    deadlineOf(ctx.step(), o.nodeReadyTimeoutSeconds),
    async () => {
      const n = await mustGetNode(ctx, node);
      lastNode = n;
      const id = bootIdOf(n);
      const ready = nodeReady(n);
      if (id === before && rb.debugPod && rb.debugNamespace) {
        // Still the old boot: is the debug pod that asked for the reboot stuck or failed?
        const dp = await ctx.kube.getPod(rb.debugNamespace as string, rb.debugPod as string).catch(() => null);
        const waiting = dp?.status?.containerStatuses?.[0]?.state?.waiting;
        debugState = dp ? `${dp.status?.phase ?? 'Unknown'}${waiting?.reason ? ` (${waiting.reason})` : ''}` : 'gone';
      }
      const ph = id !== before ? (ready ? 'back' : 'booted, not Ready yet') : ready ? 'still up (shutdown pending)' : 'down';
      if (ph !== phase) {
        phase = ph;
        ctx.progress(`${node}: ${ph}`);
      }
      return id !== before && ready ? id : undefined;
    },
    () => {
      const cond = lastNode?.status?.conditions?.find((c) => c.type === 'Ready');
      const state = lastNode ? `${bootIdOf(lastNode) === before ? 'bootID unchanged' : 'new bootID'}, Ready=${cond?.status ?? 'Unknown'}${cond?.message ? ` (${cond.message})` : ''}` : 'not readable';
      const dbg = lastNode && bootIdOf(lastNode) === before && debugState ? ` The debug pod ${String(rb.debugNamespace)}/${String(rb.debugPod)} is ${debugState}.` : '';
      return `${node} did not come back within ${o.nodeReadyTimeoutSeconds} s (${state}).${dbg} The workflow stopped here and did not touch the next node; ${node} is left cordoned. Check the node (console, \`oc describe node ${node}\`); once it is Ready, uncordon it with \`oc adm uncordon ${node}\`.`;
    },
  );
  // The debug pod's work is done; `oc debug` removes its pod too.
  const pod = rb.debugPod as string | undefined;
  const ns = rb.debugNamespace as string | undefined;
  if (pod && ns) await ctx.kube.deletePod(ns, pod).catch(() => false);
  await ctx.events.record(nodeRef(node), 'NodeRebooted', `Rebooted by workflow ${ctx.workflowId}: bootID ${before} → ${after}; Ready`, 'Normal', ctx.workflowId);
  return { outcome: 'done', message: `${node} is Ready with a new bootID (${after.slice(0, 8)}…) after ${Math.round((Date.now() - started) / 1000)} s of waiting` };
}

export async function uncordon(ctx: StepContext, node: string): Promise<StepResult> {
  const was = ctx.stepById(`${node}/cordon`)?.data?.wasCordoned;
  if (was === true) return { outcome: 'skipped', message: `${node} was cordoned before the workflow; left cordoned` };
  await ctx.kube.setUnschedulable(node, false);
  await ctx.events.record(nodeRef(node), 'NodeUncordoned', `Uncordoned by workflow ${ctx.workflowId} (oc adm uncordon ${node})`, 'Normal', ctx.workflowId);
  return { outcome: 'done', message: `${node} uncordoned` };
}

export async function waitDaemonSets(ctx: StepContext, node: string, o: NodeRestartOptions): Promise<StepResult> {
  let notReady: string[] = [];
  const n = await pollUntil(
    ctx,
    deadlineOf(ctx.step(), o.daemonSetReadyTimeoutSeconds),
    async () => {
      const pods = (await ctx.kube.podsOnNode(node)).filter((p) => controllerOf(p)?.kind === 'DaemonSet' && !p.metadata?.deletionTimestamp);
      notReady = pods.filter((p) => !podReady(p)).map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
      if (notReady.length === 0) return pods.length;
      ctx.progress(`${notReady.length} DaemonSet pod${notReady.length === 1 ? '' : 's'} on ${node} not Ready yet`);
      return undefined;
    },
    () => `DaemonSet pods on ${node} were not Ready within ${o.daemonSetReadyTimeoutSeconds} s: ${notReady.slice(0, 5).join(', ')}. The workflow stopped before the next node.`,
  );
  return { outcome: 'done', message: `${n} DaemonSet pod${n === 1 ? '' : 's'} Ready on ${node}` };
}


