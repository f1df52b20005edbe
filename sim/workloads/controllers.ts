// kube-controller-manager's workload controllers, reduced to what the demo needs but with kube's
// rules and status fields: ReplicaSet (keep `replicas` active pods, kube's deletion ranking),
// Deployment (pod-template-hash ReplicaSets, RollingUpdate with maxSurge/maxUnavailable as
// rolling.go computes them, Recreate, revisions, history cleanup, Available/Progressing
// conditions), DaemonSet (one pod per eligible node, RollingUpdate maxUnavailable, OnDelete),
// StatefulSet (ordered `<name>-<i>` pods, RollingUpdate from the highest ordinal with partition,
// OnDelete), Job (parallelism/completions/backoffLimit) and the disruption controller that keeps
// PodDisruptionBudget status.
import type { K8sObject } from '../store';
import { STORE_KEY, type Engine } from './engine';
import { nodeMatchesPod, nodeTaints } from './scheduler';
import { canonical, computeHash, controllerRef, deepCopy, isPodActive, isPodReady, phaseOf, podKey, scaled, selectorMatches, toleratesAll, type Toleration } from './util';

type AnyObj = Record<string, any>;
const HASH_LABEL = 'pod-template-hash';
const REV_ANN = 'deployment.kubernetes.io/revision';

function ownerRef(o: K8sObject): AnyObj {
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function templateWithoutHash(t: AnyObj | undefined): string {
  const c = deepCopy(t ?? {}) as AnyObj;
  if (c.metadata?.labels) {
    delete c.metadata.labels[HASH_LABEL];
    if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
  }
  if (c.metadata && Object.keys(c.metadata).length === 0) delete c.metadata;
  return canonical(c);
}

/** controller.ActivePods ranking: the pods to delete first come first. */
function deletionRank(a: K8sObject, b: K8sObject): number {
  const sa = a.spec as AnyObj;
  const sb = b.spec as AnyObj;
  if (!!sa.nodeName !== !!sb.nodeName) return sa.nodeName ? 1 : -1;
  const order: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
  const pa = order[phaseOf(a)] ?? 1;
  const pb = order[phaseOf(b)] ?? 1;
  if (pa !== pb) return pa - pb;
  if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
  const ra = ((a.status as AnyObj)?.containerStatuses ?? []).reduce((n: number, c: AnyObj) => n + (c.restartCount ?? 0), 0);
  const rb = ((b.status as AnyObj)?.containerStatuses ?? []).reduce((n: number, c: AnyObj) => n + (c.restartCount ?? 0), 0);
  if (ra !== rb) return rb - ra;
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  return ca === cb ? 0 : ca > cb ? -1 : 1;
}

function podFromTemplate(owner: K8sObject, template: AnyObj, extra: { name?: string; generateName?: string; labels?: Record<string, string> } = {}): K8sObject {
  const tm = (template.metadata ?? {}) as AnyObj;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(extra.name ? { name: extra.name } : { generateName: extra.generateName ?? `${owner.metadata.name}-` }),
      namespace: owner.metadata.namespace,
      labels: { ...(tm.labels ?? {}), ...(extra.labels ?? {}) },
      ...(tm.annotations ? { annotations: { ...tm.annotations } } : {}),
      ownerReferences: [ownerRef(owner) as any],
    },
    spec: deepCopy(template.spec ?? {}),
  } as K8sObject;
}

function setCondition(conds: AnyObj[], c: AnyObj, now: string, bumpUpdate: boolean): boolean {
  const i = conds.findIndex((x) => x.type === c.type);
  const cur = conds[i];
  if (cur && cur.status === c.status && cur.reason === c.reason && cur.message === c.message && !bumpUpdate) return false;
  const next = { type: c.type, status: c.status, lastUpdateTime: now, lastTransitionTime: cur && cur.status === c.status ? cur.lastTransitionTime : now, reason: c.reason, message: c.message };
  if (i >= 0) conds[i] = next;
  else conds.push(next);
  return true;
}

export class Controllers {
  private pdbsByNs = new Map<string, Set<string>>();
  private progressTimers = new Map<string, { cancel(): void }>();

  constructor(private e: Engine) {
    const st = e.store;
    e.on('pods', (type, pod, old) => {
      e.indexPod(type, pod, old);
      for (const o of [pod, old]) {
        const ref = o ? controllerRef(o) : undefined;
        if (!ref) continue;
        const ns = o!.metadata.namespace;
        if (ref.kind === 'ReplicaSet') e.markDirty('replicasets', ns, ref.name);
        else if (ref.kind === 'DaemonSet') e.markDirty('daemonsets', ns, ref.name);
        else if (ref.kind === 'StatefulSet') e.markDirty('statefulsets', ns, ref.name);
        else if (ref.kind === 'Job') e.markDirty('jobs', ns, ref.name);
      }
      const pdbs = this.pdbsByNs.get(pod.metadata.namespace ?? '');
      if (pdbs) for (const n of pdbs) e.markDirty('pdbs', pod.metadata.namespace, n);
    });
    e.on(STORE_KEY.replicasets, (_t, rs) => {
      e.markDirty('replicasets', rs.metadata.namespace, rs.metadata.name!);
      const ref = controllerRef(rs);
      if (ref?.kind === 'Deployment') e.markDirty('deployments', rs.metadata.namespace, ref.name);
    });
    e.on(STORE_KEY.deployments, (_t, d) => e.markDirty('deployments', d.metadata.namespace, d.metadata.name!));
    e.on(STORE_KEY.daemonsets, (_t, d) => e.markDirty('daemonsets', d.metadata.namespace, d.metadata.name!));
    e.on(STORE_KEY.statefulsets, (_t, d) => e.markDirty('statefulsets', d.metadata.namespace, d.metadata.name!));
    e.on(STORE_KEY.jobs, (_t, d) => e.markDirty('jobs', d.metadata.namespace, d.metadata.name!));
    e.on(STORE_KEY.pdbs, (type, p) => {
      const ns = p.metadata.namespace ?? '';
      let s = this.pdbsByNs.get(ns);
      if (!s) this.pdbsByNs.set(ns, (s = new Set()));
      if (type === 'DELETED') s.delete(p.metadata.name!);
      else {
        s.add(p.metadata.name!);
        e.markDirty('pdbs', ns, p.metadata.name!);
      }
    });
    e.on('nodes', (type, node, old) => {
      if (type === 'MODIFIED' && old && JSON.stringify(node.spec) === JSON.stringify(old.spec) && JSON.stringify(node.metadata.labels) === JSON.stringify(old.metadata.labels)) return;
      for (const ds of st.listPage(STORE_KEY.daemonsets, { copy: false }).items) e.markDirty('daemonsets', ds.metadata.namespace, ds.metadata.name!);
    });
    e.setReconciler('replicasets', (ns, n) => this.syncReplicaSet(ns, n));
    e.setReconciler('deployments', (ns, n) => this.syncDeployment(ns, n));
    e.setReconciler('daemonsets', (ns, n) => this.syncDaemonSet(ns, n));
    e.setReconciler('statefulsets', (ns, n) => this.syncStatefulSet(ns, n));
    e.setReconciler('jobs', (ns, n) => this.syncJob(ns, n));
    e.setReconciler('pdbs', (ns, n) => this.syncPdb(ns, n));
  }

  /** Marks every workload object dirty once (initial informer sync). */
  start(): void {
    for (const p of this.e.store.listPage('pods', { copy: false }).items) this.e.indexPod('ADDED', p);
    for (const kind of ['deployments', 'replicasets', 'daemonsets', 'statefulsets', 'jobs', 'pdbs'] as const) {
      for (const o of this.e.store.listPage(STORE_KEY[kind], { copy: false }).items) {
        if (kind === 'pdbs') this.e.emit(STORE_KEY.pdbs, 'ADDED', o);
        this.e.markDirty(kind, o.metadata.namespace, o.metadata.name!);
      }
    }
  }

  close(): void {
    for (const t of this.progressTimers.values()) t.cancel();
  }

  private create(pod: K8sObject): K8sObject | undefined {
    try {
      const p = this.e.store.create('pods', pod);
      // Index at once (the store listener may be deferred when we run inside another notification).
      this.e.indexPod('ADDED', p);
      return p;
    } catch (err) {
      if (!(err as AnyObj)?.code) console.error('sim workloads: pod create failed', err);
      return undefined;
    }
  }

  private deletePod(p: K8sObject): void {
    try {
      this.e.store.delete('pods', p.metadata.namespace, p.metadata.name!, { preconditions: { uid: p.metadata.uid! } });
    } catch {
      // already gone
    }
  }

  private writeStatus(key: string, ns: string | undefined, name: string, uid: string, status: AnyObj): void {
    this.e.store.mutate(key, ns, name, (o) => {
      if (o.metadata.uid !== uid) return false;
      if (canonical(o.status ?? {}) === canonical(status)) return false;
      o.status = status;
    }, { subresource: 'status' });
  }

  // ---------------------------------------------------------------- ReplicaSet

  private syncReplicaSet(ns: string, name: string): void {
    const rs = this.e.store.peek(STORE_KEY.replicasets, ns, name) as K8sObject | undefined;
    if (!rs || rs.metadata.deletionTimestamp) return;
    const spec = rs.spec as AnyObj;
    const want = spec.replicas ?? 1;
    let pods = this.e.ownedPods(rs.metadata.uid!).filter(isPodActive);
    const diff = pods.length - want;
    if (diff < 0) {
      for (let i = 0; i < -diff; i++) {
        const p = this.create(podFromTemplate(rs, spec.template ?? {}));
        if (p) pods.push(p);
      }
    } else if (diff > 0) {
      const victims = [...pods].sort(deletionRank).slice(0, diff);
      for (const v of victims) this.deletePod(v);
      const gone = new Set(victims.map((v) => v.metadata.uid));
      pods = pods.filter((p) => !gone.has(p.metadata.uid));
    }
    const ready = pods.filter(isPodReady).length;
    const status: AnyObj = {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => selectorMatches(spec.selector, p.metadata.labels)).length,
      readyReplicas: ready,
      availableReplicas: this.available(pods, spec.minReadySeconds ?? 0, () => this.e.markDirty('replicasets', ns, name)),
      observedGeneration: rs.metadata.generation ?? 1,
    };
    if (status.readyReplicas === 0) delete status.readyReplicas;
    if (status.availableReplicas === 0) delete status.availableReplicas;
    if (status.fullyLabeledReplicas === 0) delete status.fullyLabeledReplicas;
    this.writeStatus(STORE_KEY.replicasets, ns, name, rs.metadata.uid!, status);
  }

  /** Pods Ready for at least minReadySeconds; schedules a re-sync for the ones not there yet. */
  private available(pods: K8sObject[], minReadySeconds: number, resync: () => void): number {
    const now = this.e.clock.nowMs();
    let n = 0;
    let next = Infinity;
    for (const p of pods) {
      const c = ((p.status as AnyObj)?.conditions ?? []).find((x: AnyObj) => x.type === 'Ready');
      if (c?.status !== 'True') continue;
      if (minReadySeconds <= 0) {
        n++;
        continue;
      }
      const at = Date.parse(c.lastTransitionTime ?? '') + minReadySeconds * 1000;
      if (at <= now) n++;
      else next = Math.min(next, at);
    }
    if (next !== Infinity) this.e.q.at(next + 1, resync);
    return n;
  }

  // ---------------------------------------------------------------- Deployment

  private replicaSetsOf(d: K8sObject): K8sObject[] {
    return this.e.store
      .listPage(STORE_KEY.replicasets, { namespace: d.metadata.namespace, copy: false })
      .items.filter((rs) => controllerRef(rs)?.uid === d.metadata.uid);
  }

  private scaleRS(rs: K8sObject, replicas: number, d: K8sObject, maxSurge: number): void {
    const desired = (d.spec as AnyObj).replicas ?? 1;
    this.e.store.mutate(STORE_KEY.replicasets, rs.metadata.namespace, rs.metadata.name!, (o) => {
      if (o.metadata.uid !== rs.metadata.uid) return false;
      const s = o.spec as AnyObj;
      const ann = (o.metadata.annotations ??= {});
      const same = s.replicas === replicas && ann['deployment.kubernetes.io/desired-replicas'] === String(desired) && ann['deployment.kubernetes.io/max-replicas'] === String(desired + maxSurge);
      if (same) return false;
      s.replicas = replicas;
      ann['deployment.kubernetes.io/desired-replicas'] = String(desired);
      ann['deployment.kubernetes.io/max-replicas'] = String(desired + maxSurge);
    });
  }

  private syncDeployment(ns: string, name: string): void {
    const d = this.e.store.peek(STORE_KEY.deployments, ns, name) as K8sObject | undefined;
    if (!d || d.metadata.deletionTimestamp) return;
    const spec = d.spec as AnyObj;
    const replicas: number = spec.replicas ?? 1;
    const template = spec.template ?? {};
    const rses = this.replicaSetsOf(d);
    const key = templateWithoutHash(template);
    let newRS = rses.find((rs) => templateWithoutHash((rs.spec as AnyObj).template) === key);
    const maxRev = Math.max(0, ...rses.map((rs) => Number(rs.metadata.annotations?.[REV_ANN] ?? 0)));
    const strategy = spec.strategy ?? { type: 'RollingUpdate' };
    const rolling = strategy.type !== 'Recreate';
    let maxSurge = rolling ? scaled(strategy.rollingUpdate?.maxSurge ?? '25%', replicas, true) : 0;
    let maxUnavailable = rolling ? scaled(strategy.rollingUpdate?.maxUnavailable ?? '25%', replicas, false) : 0;
    if (rolling && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    let created = false;
    let found = false;
    if (!newRS && !spec.paused) {
      let collision = ((d.status as AnyObj)?.collisionCount ?? 0) as number;
      for (let attempt = 0; attempt < 5 && !newRS; attempt++) {
        const hash = computeHash(template, collision);
        const labels = { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash };
        const sel = deepCopy(spec.selector ?? {}) as AnyObj;
        sel.matchLabels = { ...(sel.matchLabels ?? {}), [HASH_LABEL]: hash };
        const t = deepCopy(template) as AnyObj;
        t.metadata = { ...(t.metadata ?? {}), labels };
        const rs = {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: `${name}-${hash}`,
            namespace: ns,
            labels,
            annotations: {
              'deployment.kubernetes.io/desired-replicas': String(replicas),
              'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge),
              [REV_ANN]: String(maxRev + 1),
            },
            ownerReferences: [ownerRef(d)],
          },
          spec: { replicas: 0, ...(spec.minReadySeconds ? { minReadySeconds: spec.minReadySeconds } : {}), selector: sel, template: t },
        } as unknown as K8sObject;
        try {
          newRS = this.e.store.create(STORE_KEY.replicasets, rs);
          created = true;
        } catch {
          collision++;
        }
      }
      if (created) {
        this.e.store.mutate(STORE_KEY.deployments, ns, name, (o) => {
          const ann = (o.metadata.annotations ??= {});
          if (ann[REV_ANN] === String(maxRev + 1)) return false;
          ann[REV_ANN] = String(maxRev + 1);
        });
      }
    } else if (newRS) {
      const rev = Number(newRS.metadata.annotations?.[REV_ANN] ?? 0);
      if (rev < maxRev && rses.length > 1) {
        // Rolling back to an older template: that ReplicaSet becomes the newest revision again.
        found = true;
        this.e.store.mutate(STORE_KEY.replicasets, ns, newRS.metadata.name!, (o) => {
          (o.metadata.annotations ??= {})[REV_ANN] = String(maxRev + 1);
        });
        this.e.store.mutate(STORE_KEY.deployments, ns, name, (o) => {
          (o.metadata.annotations ??= {})[REV_ANN] = String(maxRev + 1);
        });
      } else if (d.metadata.annotations?.[REV_ANN] !== String(rev) && rev > 0) {
        this.e.store.mutate(STORE_KEY.deployments, ns, name, (o) => {
          (o.metadata.annotations ??= {})[REV_ANN] = String(rev);
        });
      }
    }
    const olds = rses.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
    const rsReplicas = (rs: K8sObject | undefined) => ((rs?.spec as AnyObj)?.replicas ?? 0) as number;
    const rsAvail = (rs: K8sObject | undefined) => ((rs?.status as AnyObj)?.availableReplicas ?? 0) as number;

    if (!spec.paused && newRS) {
      if (!rolling) {
        // Recreate: old pods all gone before the new ReplicaSet scales up.
        for (const o of olds) if (rsReplicas(o) > 0) this.scaleRS(o, 0, d, 0);
        const oldPods = olds.reduce((n, o) => n + this.e.ownedPods(o.metadata.uid!).length, 0);
        if (oldPods === 0) this.scaleRS(newRS, replicas, d, 0);
      } else if (olds.every((o) => rsReplicas(o) === 0)) {
        this.scaleRS(newRS, replicas, d, maxSurge);
      } else {
        // rolling.go reconcileNewReplicaSet
        const all = [newRS, ...olds];
        const current = all.reduce((n, r) => n + rsReplicas(r), 0);
        let newCount = rsReplicas(newRS);
        if (newCount > replicas) newCount = replicas;
        else if (newCount < replicas) {
          const maxTotal = replicas + maxSurge;
          if (current < maxTotal) newCount += Math.min(maxTotal - current, replicas - newCount);
        }
        if (newCount !== rsReplicas(newRS)) this.scaleRS(newRS, newCount, d, maxSurge);
        // reconcileOldReplicaSets
        const allPods = all.reduce((n, r) => n + (r === newRS ? newCount : rsReplicas(r)), 0);
        const minAvailable = replicas - maxUnavailable;
        const newUnavailable = newCount - rsAvail(newRS);
        let maxScaledDown = allPods - minAvailable - newUnavailable;
        const oldSorted = [...olds].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
        const scaledOld = new Map<string, number>(olds.map((o) => [o.metadata.uid!, rsReplicas(o)]));
        if (maxScaledDown > 0) {
          // cleanupUnhealthyReplicas
          for (const o of oldSorted) {
            if (maxScaledDown <= 0) break;
            const cur = scaledOld.get(o.metadata.uid!)!;
            const unhealthy = cur - rsAvail(o);
            if (unhealthy <= 0) continue;
            const down = Math.min(maxScaledDown, unhealthy);
            scaledOld.set(o.metadata.uid!, cur - down);
            maxScaledDown -= down;
          }
          // scaleDownOldReplicaSetsForRollingUpdate
          const availableAll = rsAvail(newRS) + olds.reduce((n, o) => n + Math.min(rsAvail(o), scaledOld.get(o.metadata.uid!)!), 0);
          let total = availableAll - minAvailable;
          for (const o of oldSorted) {
            if (total <= 0) break;
            const cur = scaledOld.get(o.metadata.uid!)!;
            if (cur === 0) continue;
            const down = Math.min(cur, total);
            scaledOld.set(o.metadata.uid!, cur - down);
            total -= down;
          }
          for (const o of olds) if (scaledOld.get(o.metadata.uid!)! !== rsReplicas(o)) this.scaleRS(o, scaledOld.get(o.metadata.uid!)!, d, maxSurge);
        }
      }
      // cleanupDeployment: keep revisionHistoryLimit old ReplicaSets that are scaled to zero.
      const limit = spec.revisionHistoryLimit ?? 10;
      const idle = olds.filter((o) => rsReplicas(o) === 0 && ((o.status as AnyObj)?.replicas ?? 0) === 0 && !o.metadata.deletionTimestamp);
      if (idle.length > limit) {
        idle.sort((a, b) => Number(a.metadata.annotations?.[REV_ANN] ?? 0) - Number(b.metadata.annotations?.[REV_ANN] ?? 0));
        for (const o of idle.slice(0, idle.length - limit)) {
          try {
            this.e.store.delete(STORE_KEY.replicasets, ns, o.metadata.name!, { propagationPolicy: 'Background' });
          } catch {
            // gone
          }
        }
      }
    }

    // ---- status (re-read: the scale writes above changed the ReplicaSets)
    const cur = this.replicaSetsOf(d);
    const nrs = newRS ? cur.find((r) => r.metadata.uid === newRS!.metadata.uid) : undefined;
    const sum = (f: string) => cur.reduce((n, r) => n + (((r.status as AnyObj)?.[f] ?? 0) as number), 0);
    const old = (d.status ?? {}) as AnyObj;
    const status: AnyObj = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: sum('replicas'),
      updatedReplicas: ((nrs?.status as AnyObj)?.replicas ?? 0) as number,
      readyReplicas: sum('readyReplicas'),
      availableReplicas: sum('availableReplicas'),
    };
    status.unavailableReplicas = Math.max(0, replicas - status.availableReplicas);
    for (const f of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas']) if (status[f] === 0) delete status[f];
    if (old.collisionCount) status.collisionCount = old.collisionCount;
    const now = this.e.clock.nowIso();
    const conds: AnyObj[] = deepCopy(old.conditions ?? []);
    const avail = (status.availableReplicas ?? 0) >= replicas - maxUnavailable;
    setCondition(conds, avail ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' } : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }, now, false);
    const rsName = nrs?.metadata.name ?? '';
    const complete = !!nrs && (status.updatedReplicas ?? 0) === replicas && (status.replicas ?? 0) === replicas && (status.availableReplicas ?? 0) === replicas;
    const progressed = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'].some((f) => (status[f] ?? 0) !== (old[f] ?? 0));
    const prog = conds.find((c) => c.type === 'Progressing');
    if (spec.paused) setCondition(conds, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, now, false);
    else if (complete) setCondition(conds, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }, now, false);
    else if (created) setCondition(conds, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` }, now, true);
    else if (found) setCondition(conds, { type: 'Progressing', status: 'True', reason: 'FoundNewReplicaSet', message: `Found new replica set "${rsName}"` }, now, true);
    else if (progressed || !prog) setCondition(conds, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` }, now, true);
    else if (prog && prog.status === 'True' && prog.reason !== 'NewReplicaSetAvailable') {
      const deadline = (spec.progressDeadlineSeconds ?? 600) * 1000;
      const since = Date.parse(prog.lastUpdateTime ?? now);
      if (this.e.clock.nowMs() >= since + deadline) setCondition(conds, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }, now, false);
    }
    const p2 = conds.find((c) => c.type === 'Progressing');
    if (p2?.status === 'True' && p2.reason !== 'NewReplicaSetAvailable' && spec.progressDeadlineSeconds !== undefined) {
      const k = podKey(ns, name);
      this.progressTimers.get(k)?.cancel();
      this.progressTimers.set(k, this.e.q.at(Date.parse(p2.lastUpdateTime) + spec.progressDeadlineSeconds * 1000 + 1000, () => this.e.markDirty('deployments', ns, name)));
    }
    // Available first, then Progressing, as the controller creates them.
    conds.sort((a, b) => (a.type === 'Available' ? -1 : b.type === 'Available' ? 1 : 0));
    status.conditions = conds;
    this.writeStatus(STORE_KEY.deployments, ns, name, d.metadata.uid!, status);
  }

  // ---------------------------------------------------------------- DaemonSet

  private static DS_TOLERATIONS = (hostNetwork: boolean): Toleration[] => [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
    ...(hostNetwork ? [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] : []),
  ];

  private syncDaemonSet(ns: string, name: string): void {
    const ds = this.e.store.peek(STORE_KEY.daemonsets, ns, name) as K8sObject | undefined;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const spec = ds.spec as AnyObj;
    const tspec = (spec.template?.spec ?? {}) as AnyObj;
    const tols: Toleration[] = [...(tspec.tolerations ?? [])];
    for (const t of Controllers.DS_TOLERATIONS(!!tspec.hostNetwork)) if (!tols.some((x) => x.key === t.key && x.effect === t.effect)) tols.push(t);
    const gen = String(ds.metadata.generation ?? 1);
    const hash = computeHash(spec.template ?? {}).slice(0, 10);
    const updated = (p: K8sObject) => p.metadata.labels?.['pod-template-generation'] === gen || p.metadata.labels?.['controller-revision-hash'] === hash;
    const byNode = new Map<string, K8sObject[]>();
    for (const p of this.e.ownedPods(ds.metadata.uid!)) {
      const ps = p.spec as AnyObj;
      const node = ps.nodeName ?? ps.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
      if (!node) continue;
      let l = byNode.get(node);
      if (!l) byNode.set(node, (l = []));
      l.push(p);
    }
    const nodes = this.e.store.listPage('nodes', { copy: false }).items;
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updatedN = 0;
    let unavailable = 0;
    const oldAvailable: K8sObject[] = [];
    let oldUnavailable = 0;
    for (const node of nodes) {
      const nn = node.metadata.name!;
      const fits = nodeMatchesPod(tspec, node);
      const should = fits && !toleratesAll(tols, nodeTaints(node), ['NoSchedule', 'NoExecute']);
      const keep = fits && !toleratesAll(tols, nodeTaints(node), ['NoExecute']);
      const pods = (byNode.get(nn) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      for (const p of pods) if (phaseOf(p) === 'Failed') this.deletePod(p);
      const live = pods.filter((p) => phaseOf(p) !== 'Failed');
      if (should) desired++;
      if (should || keep) {
        // A terminating pod still occupies the node: the replacement waits for it to go.
        if (live.length === 0 && should && (byNode.get(nn) ?? []).length === 0) {
          const pod = podFromTemplate(ds, spec.template ?? {}, { labels: { 'controller-revision-hash': hash, 'pod-template-generation': gen } });
          const ps = pod.spec as AnyObj;
          ps.tolerations = tols.map((t) => ({ ...t }));
          ps.affinity = { ...(ps.affinity ?? {}), nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nn] }] }] } } };
          this.create(pod);
          unavailable++;
          continue;
        }
        if (live.length > 1) {
          const extra = [...live].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '')).slice(1);
          for (const p of extra) this.deletePod(p);
        }
        const p = live[0];
        if (!p) {
          // Only a terminating pod (or none yet): the node counts as unavailable for the rollout.
          if (should) unavailable++;
          continue;
        }
        current++;
        if (isPodReady(p)) ready++;
        else unavailable++;
        if (updated(p)) updatedN++;
        else if (isPodReady(p)) oldAvailable.push(p);
        else oldUnavailable++;
      } else if (live.length) {
        misscheduled++;
        for (const p of live) this.deletePod(p);
      }
    }
    const strategy = spec.updateStrategy ?? { type: 'RollingUpdate' };
    if (strategy.type === 'RollingUpdate') {
      const maxUnavailable = Math.max(1, scaled(strategy.rollingUpdate?.maxUnavailable ?? 1, desired, true));
      // Old pods that are not available go first (they cost nothing), then as many as the budget allows.
      for (const [nn, list] of byNode) {
        for (const p of list) if (!p.metadata.deletionTimestamp && !updated(p) && !isPodReady(p) && nn) this.deletePod(p);
      }
      let budget = maxUnavailable - unavailable;
      for (const p of oldAvailable) {
        if (budget <= 0) break;
        this.deletePod(p);
        budget--;
      }
      void oldUnavailable;
    }
    const status: AnyObj = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration: ds.metadata.generation ?? 1,
      updatedNumberScheduled: updatedN,
      numberAvailable: ready,
      numberUnavailable: Math.max(0, desired - ready),
    };
    if (status.numberUnavailable === 0) delete status.numberUnavailable;
    if (status.numberAvailable === 0) delete status.numberAvailable;
    if (status.updatedNumberScheduled === 0) delete status.updatedNumberScheduled;
    this.writeStatus(STORE_KEY.daemonsets, ns, name, ds.metadata.uid!, status);
  }

  // ---------------------------------------------------------------- StatefulSet

  private syncStatefulSet(ns: string, name: string): void {
    const sts = this.e.store.peek(STORE_KEY.statefulsets, ns, name) as K8sObject | undefined;
    if (!sts || sts.metadata.deletionTimestamp) return;
    const spec = sts.spec as AnyObj;
    const replicas: number = spec.replicas ?? 1;
    const ordered = (spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const updateRevision = `${name}-${computeHash(spec.template ?? {}).slice(0, 10)}`;
    const old = (sts.status ?? {}) as AnyObj;
    const currentRevision: string = old.currentRevision || updateRevision;
    const byOrdinal = new Map<number, K8sObject>();
    const re = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`);
    for (const p of this.e.ownedPods(sts.metadata.uid!)) {
      const m = re.exec(p.metadata.name!);
      if (m) byOrdinal.set(Number(m[1]), p);
    }
    const rev = (p: K8sObject) => p.metadata.labels?.['controller-revision-hash'];
    let blocked = false;
    for (let i = 0; i < replicas && !blocked; i++) {
      const p = byOrdinal.get(i);
      if (!p) {
        const podName = `${name}-${i}`;
        const pod = podFromTemplate(sts, spec.template ?? {}, { name: podName, labels: { 'controller-revision-hash': updateRevision, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(i) } });
        const ps = pod.spec as AnyObj;
        ps.hostname = podName;
        if (spec.serviceName) ps.subdomain = spec.serviceName;
        const created = this.create(pod);
        if (created) byOrdinal.set(i, created);
        if (ordered) blocked = true;
        continue;
      }
      if (p.metadata.deletionTimestamp) {
        if (ordered) blocked = true;
        continue;
      }
      if (phaseOf(p) === 'Failed' || phaseOf(p) === 'Succeeded') {
        this.deletePod(p);
        if (ordered) blocked = true;
        continue;
      }
      if (ordered && !isPodReady(p)) blocked = true;
    }
    // Scale down from the highest ordinal, one at a time when ordered.
    const extra = [...byOrdinal.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    if (!blocked) {
      for (const i of extra) {
        const p = byOrdinal.get(i)!;
        if (!p.metadata.deletionTimestamp) this.deletePod(p);
        if (ordered) break;
      }
    }
    const strategy = spec.updateStrategy ?? { type: 'RollingUpdate' };
    const inRange = [...byOrdinal.entries()].filter(([i]) => i < replicas);
    if (strategy.type === 'RollingUpdate' && !blocked && extra.length === 0) {
      const partition = strategy.rollingUpdate?.partition ?? 0;
      const allReady = inRange.length === replicas && inRange.every(([, p]) => isPodReady(p) && !p.metadata.deletionTimestamp);
      if (allReady) {
        for (let i = replicas - 1; i >= partition; i--) {
          const p = byOrdinal.get(i);
          if (p && rev(p) !== updateRevision) {
            this.deletePod(p);
            break;
          }
        }
      }
    }
    const live = inRange.map(([, p]) => p).filter((p) => !p.metadata.deletionTimestamp);
    const updatedReplicas = live.filter((p) => rev(p) === updateRevision).length;
    const readyN = live.filter(isPodReady).length;
    const done = updatedReplicas === replicas && readyN === replicas;
    const curRev = done ? updateRevision : currentRevision;
    const status: AnyObj = {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: live.length,
      readyReplicas: readyN,
      currentReplicas: live.filter((p) => rev(p) === curRev).length,
      updatedReplicas,
      currentRevision: curRev,
      updateRevision,
      collisionCount: 0,
      availableReplicas: readyN,
    };
    for (const f of ['readyReplicas', 'currentReplicas', 'updatedReplicas']) if (status[f] === 0) delete status[f];
    this.writeStatus(STORE_KEY.statefulsets, ns, name, sts.metadata.uid!, status);
  }

  // ---------------------------------------------------------------- Job

  private syncJob(ns: string, name: string): void {
    const job = this.e.store.peek(STORE_KEY.jobs, ns, name) as K8sObject | undefined;
    if (!job || job.metadata.deletionTimestamp) return;
    const spec = job.spec as AnyObj;
    const old = (job.status ?? {}) as AnyObj;
    if ((old.conditions ?? []).some((c: AnyObj) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return;
    const pods = this.e.ownedPods(job.metadata.uid!);
    const succeeded = pods.filter((p) => phaseOf(p) === 'Succeeded').length;
    const failed = pods.filter((p) => phaseOf(p) === 'Failed').length;
    let active = pods.filter(isPodActive);
    const completions: number | null = spec.completions ?? null;
    const parallelism: number = spec.parallelism ?? 1;
    const now = this.e.clock.nowIso();
    const status: AnyObj = { ...old, startTime: old.startTime ?? now };
    const conds: AnyObj[] = deepCopy(old.conditions ?? []);
    const finished = completions === null ? succeeded > 0 && active.length === 0 : succeeded >= completions;
    if (finished) {
      conds.push({ type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now });
      status.completionTime = now;
    } else if (failed > (spec.backoffLimit ?? 6)) {
      for (const p of active) this.deletePod(p);
      active = [];
      conds.push({ type: 'Failed', status: 'True', lastProbeTime: now, lastTransitionTime: now, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    } else if (!spec.suspend) {
      const want = completions === null ? (succeeded > 0 ? 0 : parallelism) : Math.min(parallelism, completions - succeeded);
      for (let i = active.length; i < want; i++) {
        const p = this.create(podFromTemplate(job, spec.template ?? {}));
        if (p) active.push(p);
      }
    }
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.succeeded = succeeded;
    status.failed = failed;
    status.terminating = pods.filter((p) => p.metadata.deletionTimestamp).length;
    status.uncountedTerminatedPods = {};
    for (const f of ['active', 'succeeded', 'failed']) if (status[f] === 0) delete status[f];
    if (conds.length) status.conditions = conds;
    this.writeStatus(STORE_KEY.jobs, ns, name, job.metadata.uid!, status);
  }

  // ---------------------------------------------------------------- PodDisruptionBudget

  /** The scale of the controllers owning the pods (getExpectedScale); undefined when one has none. */
  private expectedScale(pods: K8sObject[]): number | undefined {
    const seen = new Map<string, number>();
    for (const p of pods) {
      const ref = controllerRef(p);
      if (!ref) return undefined;
      if (seen.has(ref.uid)) continue;
      const ns = p.metadata.namespace;
      let scale: number | undefined;
      if (ref.kind === 'ReplicaSet') {
        const rs = this.e.store.peek(STORE_KEY.replicasets, ns, ref.name) as K8sObject | undefined;
        const dref = rs ? controllerRef(rs) : undefined;
        const d = dref?.kind === 'Deployment' ? (this.e.store.peek(STORE_KEY.deployments, ns, dref.name) as K8sObject | undefined) : undefined;
        if (d) {
          if (seen.has(d.metadata.uid!)) {
            seen.set(ref.uid, 0);
            continue;
          }
          seen.set(d.metadata.uid!, 0);
          scale = (d.spec as AnyObj).replicas ?? 1;
        } else scale = (rs?.spec as AnyObj)?.replicas;
      } else if (ref.kind === 'StatefulSet') scale = ((this.e.store.peek(STORE_KEY.statefulsets, ns, ref.name) as K8sObject | undefined)?.spec as AnyObj)?.replicas;
      if (scale === undefined) return undefined;
      seen.set(ref.uid, scale);
    }
    let n = 0;
    for (const v of seen.values()) n += v;
    return n;
  }

  private syncPdb(ns: string, name: string): void {
    const pdb = this.e.store.peek(STORE_KEY.pdbs, ns, name) as K8sObject | undefined;
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const spec = pdb.spec as AnyObj;
    const pods = this.e.store.listPage('pods', { namespace: ns, copy: false }).items.filter((p) => selectorMatches(spec.selector, p.metadata.labels));
    const old = (pdb.status ?? {}) as AnyObj;
    const nowMs = this.e.clock.nowMs();
    const disrupted: Record<string, string> = {};
    for (const [pn, t] of Object.entries((old.disruptedPods ?? {}) as Record<string, string>)) {
      const p = pods.find((x) => x.metadata.name === pn);
      // Evictions the API server recorded: forgotten once the pod is deleting or after 2 minutes.
      if (p && !p.metadata.deletionTimestamp && Date.parse(t) + 120_000 > nowMs) disrupted[pn] = t;
    }
    const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p) && !disrupted[p.metadata.name!]).length;
    let expected = pods.length;
    let desired = 0;
    const pct = (v: unknown) => typeof v === 'string' && v.endsWith('%');
    if (spec.maxUnavailable !== undefined) {
      expected = this.expectedScale(pods) ?? pods.length;
      desired = Math.max(0, expected - scaled(spec.maxUnavailable, expected, true));
    } else if (pct(spec.minAvailable)) {
      expected = this.expectedScale(pods) ?? pods.length;
      desired = scaled(spec.minAvailable, expected, true);
    } else desired = Number(spec.minAvailable ?? 0);
    const allowed = expected <= 0 || healthy - desired <= 0 ? 0 : healthy - desired;
    const gen = pdb.metadata.generation ?? 1;
    const prev = (old.conditions ?? []).find((c: AnyObj) => c.type === 'DisruptionAllowed');
    const condStatus = allowed > 0 ? 'True' : 'False';
    const cond = {
      type: 'DisruptionAllowed',
      status: condStatus,
      observedGeneration: gen,
      lastTransitionTime: prev && prev.status === condStatus ? prev.lastTransitionTime : this.e.clock.nowIso(),
      reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
      message: '',
    };
    const status: AnyObj = {
      observedGeneration: gen,
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: [cond],
    };
    this.writeStatus(STORE_KEY.pdbs, ns, name, pdb.metadata.uid!, status);
    if (Object.keys(disrupted).length) this.e.q.after(120_000, () => this.e.markDirty('pdbs', ns, name));
  }
}
