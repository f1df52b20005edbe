// The simulated cluster-kube-apiserver-operator: the ServiceAccountIssuerController, the config
// observer's issuer check, the revision controller and library-go's installer rolling a revision
// over the control-plane nodes one at a time, with the operator's conditions, events, mirror pod
// restarts and installer pods. Every delay goes through the demo Clock, so DEMO_SPEED scales it.

import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '../clock';
import { invalid, StatusError } from '../errors';
import type { K8sObject, Store } from '../store';
import { applyConditions, installerConditions } from './conditions';
import {
  installerBackoffMs,
  installerFailed,
  installerPodName,
  nodeToStartRevisionWith,
  noDetailMessage,
  targetNode,
  type StaticPodInfo,
} from './installer';
import { activeIssuer, DEFAULT_ISSUER, goTimeString, issuerFlags, nextExpiryMs, syncServiceAccountIssuers, type OperatorEvent } from './issuers';
import type { KubeAPIServerStatus, NodeStatus, OperatorCondition, Wording } from './types';
import { checkIssuer, validateKubeAPIServerStatusUpdate } from './validation';

export const KAS_KEY = 'kubeapiservers.operator.openshift.io';
export const AUTH_KEY = 'authentications.config.openshift.io';
export const CO_KEY = 'clusteroperators.config.openshift.io';
export const OPERAND_NS = 'openshift-kube-apiserver';
export const OPERATOR_NS = 'openshift-kube-apiserver-operator';

/** Simulated durations (ms). Real-cluster orders of magnitude; none of them are specified in code. */
export interface Timings {
  /** issuer controller / config observer reaction to an informer event */
  reactMs: number;
  /** config observed → revision controller has copied the revisioned resources */
  revisionMs: number;
  /** installer controller picks the next node after a revision or a settle */
  pickMs: number;
  /** installer pod run (copies the revision's resources onto the node) */
  installerMs: number;
  /** installer pod run that ends in failure (fault) */
  installerFailMs: number;
  /** old kube-apiserver graceful termination (shutdown-delay-duration 70 s on most platforms) */
  shutdownMs: number;
  /** new kube-apiserver start until the mirror pod is Ready */
  startupMs: number;
  /** minReadyDuration for kube-apiserver (starter.go) */
  minReadyMs: number;
  /** controllers' resync period (issuer pruning check) */
  resyncMs: number;
  /** Degraded inertia for the ClusterOperator rollup (KAS default) */
  degradedInertiaMs: number;
  /** ... and for NodeControllerDegraded, StaticPodsDegraded, GuardControllerDegraded */
  nodeDegradedInertiaMs: number;
}

export const DEFAULT_TIMINGS: Timings = {
  reactMs: 1_000,
  revisionMs: 12_000,
  pickMs: 5_000,
  installerMs: 45_000,
  installerFailMs: 25_000,
  shutdownMs: 70_000,
  startupMs: 40_000,
  minReadyMs: 30_000,
  resyncMs: 60_000,
  degradedInertiaMs: 120_000,
  nodeDegradedInertiaMs: 600_000,
};

export interface OperatorOptions {
  wording?: Wording;
  /** ≤4.19 ServiceAccountIssuerController (reset to the default alone when the issuer is cleared). */
  legacyIssuerReset?: boolean;
  timings?: Partial<Timings>;
  /** Create installer-<rev>-<node> pods in openshift-kube-apiserver (default true). */
  installerPods?: boolean;
  /** infrastructure/cluster status.apiServerURL: the default issuer's service-account-jwks-uri base. */
  apiServerUrl?: string;
}

export interface FailRevisionOptions {
  /** The installer container's termination message; without one the no-detail text is recorded. */
  message?: string;
  /** Fail this many installer attempts, then succeed (default: until recover()). */
  times?: number;
  /**
   * InstallerFailed (default): the installer pod fails, the target stays and the pod is retried.
   * OperandFailed: the installer succeeds but the new kube-apiserver never gets Ready (crash loop);
   * the target is reset to 0 and the node re-targeted after the backoff.
   */
  reason?: 'InstallerFailed' | 'OperandFailed';
}

interface Fault {
  message?: string;
  remaining: number; // Infinity until recovered
  reason: 'InstallerFailed' | 'OperandFailed';
}

interface InFlight {
  node: string;
  target: number;
  phase: 'installing' | 'backoff' | 'restarting';
  timer?: TimerHandle;
  /** The installer pod of this attempt, finished when a newer revision takes the node over. */
  podName?: string;
}

const ISSUER_COMPONENT = 'kube-apiserver-operator-serviceaccountissuer-controller';
const REVISION_COMPONENT = 'kube-apiserver-operator-revisioncontroller';
const INSTALLER_COMPONENT = 'kube-apiserver-operator-installer-controller';
const NODE_COMPONENT = 'kube-apiserver-operator-node-controller';
const OBSERVER_COMPONENT = 'kube-apiserver-operator-config-observer-configobserver';

type ReadyCond = { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string };
function readyOf(o: K8sObject | undefined): ReadyCond | undefined {
  return ((o?.status as { conditions?: ReadyCond[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
}
function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

export class KubeAPIServerOperator {
  readonly timings: Timings;
  readonly wording: Wording;
  /** `--service-account-issuer` values of each revision this operator knows (seeded ones share the initial list). */
  readonly revisionFlags = new Map<number, string[]>();
  private initialFlags: string[] = [];
  private faults = new Map<string, Fault>();
  private inflight: InFlight | undefined;
  private timers = new Set<TimerHandle>();
  private unsubs: (() => void)[] = [];
  private stopped = false;
  private installerTimer: TimerHandle | undefined;
  private revisionTimer: TimerHandle | undefined;
  private pendingRevision: { flags: string[]; reason: string } | undefined;
  private observedFlags: string[] = [];
  private lastForceReason: string | undefined;
  private readonly processStartMs: number;
  private lastSettleMs = 0;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    private readonly opts: OperatorOptions = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...(opts.timings ?? {}) };
    this.wording = opts.wording ?? 'current';
    this.processStartMs = clock.nowMs();
  }

  // ---------------------------------------------------------------- lifecycle

  start(): void {
    const kas = this.kas();
    const status = (kas?.status ?? {}) as KubeAPIServerStatus;
    this.initialFlags = issuerFlags(status.serviceAccountIssuers);
    this.observedFlags = [...this.initialFlags];
    const latest = status.latestAvailableRevision ?? 0;
    this.revisionFlags.set(latest, [...this.initialFlags]);
    this.lastForceReason = ((kas?.spec as Record<string, unknown> | undefined)?.forceRedeploymentReason as string | undefined) ?? '';

    this.store.addAdmission(KAS_KEY, (op, obj, old, ctx) => {
      if (op !== 'UPDATE' || ctx.subresource !== 'status') return;
      const causes = validateKubeAPIServerStatusUpdate(obj.status as KubeAPIServerStatus, old?.status as KubeAPIServerStatus);
      if (causes.length) throw invalid('KubeAPIServer.operator.openshift.io', obj.metadata.name ?? '', causes);
    });
    this.unsubs.push(
      this.store.on(AUTH_KEY, (_t, obj) => {
        if (obj.metadata.name === 'cluster') this.later(() => this.syncIssuers(), this.timings.reactMs);
      }),
      this.store.on('nodes', (_t, obj, old) => {
        if (obj.metadata.labels?.['node-role.kubernetes.io/master'] === undefined && old?.metadata.labels?.['node-role.kubernetes.io/master'] === undefined) return;
        if (readyOf(obj)?.status === readyOf(old)?.status) return;
        this.later(() => {
          this.syncNodeController();
          this.kickInstaller(0);
        }, this.timings.reactMs);
      }),
      this.store.on(KAS_KEY, (_t, obj) => {
        if (obj.metadata.name !== 'cluster') return;
        const reason = ((obj.spec as Record<string, unknown> | undefined)?.forceRedeploymentReason as string | undefined) ?? '';
        if (reason !== this.lastForceReason) {
          this.lastForceReason = reason;
          this.later(() => this.requestRevision(this.observedFlags, 'required configmap/kube-apiserver-pod has changed'), this.timings.reactMs);
        }
      }),
    );
    const resync = this.clock.setInterval(() => this.resync(), this.timings.resyncMs);
    this.timers.add(resync);
    // Catch up with whatever the seed or a previous run left (as the informers' initial list does).
    this.later(() => this.resync(), this.timings.reactMs);
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unsubs) u();
    for (const t of this.timers) t.cancel();
    this.inflight?.timer?.cancel();
    this.installerTimer?.cancel();
    this.revisionTimer?.cancel();
  }

  private later(fn: () => void, simMs: number): TimerHandle {
    const h = this.clock.setTimeout(() => {
      this.timers.delete(h);
      if (this.stopped) return;
      try {
        fn();
      } catch (e) {
        console.error('sim operator:', e);
      }
    }, simMs);
    this.timers.add(h);
    return h;
  }

  private resync(): void {
    if (this.stopped) return;
    this.syncNodeController();
    this.syncIssuers();
    this.kickInstaller(0);
    this.updateClusterOperator();
  }

  // ---------------------------------------------------------------- hook for the tokens module

  /**
   * The issuer flags the kube-apiserver serves. A real cluster round-robins over the nodes, each
   * serving its own revision; the simulator answers as "some kube-apiserver": the newest revision
   * any node runs signs, and every issuer trusted by any running revision is trusted.
   */
  serviceAccountIssuers(): string[] {
    const status = (this.kas()?.status ?? {}) as KubeAPIServerStatus;
    const revs = [...new Set((status.nodeStatuses ?? []).map((n) => n.currentRevision ?? 0).filter((r) => r > 0))].sort((a, b) => b - a);
    const out: string[] = [];
    for (const r of revs) for (const i of this.flagsOf(r)) if (!out.includes(i)) out.push(i);
    return out.length ? out : [...this.initialFlags];
  }

  private flagsOf(rev: number): string[] {
    const f = this.revisionFlags.get(rev);
    if (f) return f;
    // Revisions older than this process: the newest known one at or below it, else the initial flags.
    let best: number | undefined;
    for (const k of this.revisionFlags.keys()) if (k <= rev && (best === undefined || k > best)) best = k;
    return best !== undefined ? this.revisionFlags.get(best)! : this.initialFlags;
  }

  // ---------------------------------------------------------------- faults

  /** Throws when `nodeName` is not one of kubeapiserver/cluster's nodeStatuses (a control-plane node). */
  failRevisionOn(nodeName: string, opts: FailRevisionOptions = {}): void {
    const nodes = ((this.kas()?.status ?? {}) as KubeAPIServerStatus).nodeStatuses ?? [];
    if (!nodes.some((n) => n.nodeName === nodeName)) {
      throw new Error(`node "${nodeName}" is not a control-plane node of kubeapiserver/cluster (${nodes.map((n) => n.nodeName).join(', ')})`);
    }
    this.faults.set(nodeName, { message: opts.message, remaining: opts.times ?? Infinity, reason: opts.reason ?? 'InstallerFailed' });
  }

  recover(nodeName: string): void {
    this.faults.delete(nodeName);
  }

  activeFaults(): { nodeName: string; message?: string; remaining: number }[] {
    return [...this.faults].map(([nodeName, f]) => ({ nodeName, ...f }));
  }

  /** Creates a new revision with the current flags (what `spec.forceRedeploymentReason` does). */
  forceRedeployment(): void {
    this.requestRevision(this.observedFlags, 'required configmap/kube-apiserver-pod has changed');
  }

  // ---------------------------------------------------------------- store helpers

  private kas(): K8sObject | undefined {
    return this.store.get(KAS_KEY, undefined, 'cluster');
  }

  /** Writes the KubeAPIServer status and recomputes the installer's conditions from the result. */
  private writeStatus(fn: (s: KubeAPIServerStatus) => void | false, extra?: Omit<OperatorCondition, 'lastTransitionTime'>[]): KubeAPIServerStatus | undefined {
    const now = this.clock.nowIso();
    const out = this.store.mutate(
      KAS_KEY,
      undefined,
      'cluster',
      (obj) => {
        const s = ((obj.status ??= {}) as KubeAPIServerStatus);
        if (fn(s) === false) return false;
        if (typeof obj.metadata.generation === 'number') s.observedGeneration = obj.metadata.generation;
        const conds = installerConditions(s.nodeStatuses ?? [], s.latestAvailableRevision ?? 0, this.wording);
        s.conditions = applyConditions(s.conditions, [...conds, ...(extra ?? [])], now);
      },
      { subresource: 'status' },
    );
    const st = out?.status as KubeAPIServerStatus | undefined;
    this.updateClusterOperator(st);
    return st;
  }

  private setCondition(c: Omit<OperatorCondition, 'lastTransitionTime'>): void {
    const cur = ((this.kas()?.status ?? {}) as KubeAPIServerStatus).conditions?.find((x) => x.type === c.type);
    if (cur && cur.status === c.status && (cur.reason ?? '') === (c.reason ?? '') && (cur.message ?? '') === (c.message ?? '')) return;
    if (!cur && c.status === 'False') return;
    this.writeStatus(() => undefined, [c]);
  }

  private event(component: string, reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    const now = this.clock.now();
    const dep = this.store.get('deployments.apps', OPERATOR_NS, 'kube-apiserver-operator');
    const name = `kube-apiserver-operator.${(BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    try {
      this.store.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: OPERATOR_NS },
        involvedObject: { kind: 'Deployment', namespace: OPERATOR_NS, name: 'kube-apiserver-operator', uid: dep?.metadata.uid ?? '', apiVersion: 'apps/v1' },
        reason,
        message,
        source: { component },
        firstTimestamp: this.clock.nowIso(),
        lastTimestamp: this.clock.nowIso(),
        count: 1,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: '',
      } as K8sObject);
    } catch {
      // Events are best effort, as in client-go's recorder.
    }
  }

  private events(component: string, evs: OperatorEvent[]): void {
    for (const e of evs) this.event(component, e.reason, e.message, e.type ?? 'Normal');
  }

  // ---------------------------------------------------------------- issuer controller + config observer

  syncIssuers(): void {
    if (this.stopped) return;
    const auth = this.store.get(AUTH_KEY, undefined, 'cluster');
    const kas = this.kas();
    if (!auth || !kas) return;
    const spec = (auth.spec ?? {}) as { serviceAccountIssuer?: string };
    const status = (kas.status ?? {}) as KubeAPIServerStatus;
    const r = syncServiceAccountIssuers(status.serviceAccountIssuers, spec.serviceAccountIssuer, this.clock.nowMs(), {
      legacyReset: this.opts.legacyIssuerReset,
      processStartMs: this.processStartMs,
    });
    if (r.error) {
      this.setCondition({ type: 'ServiceAccountIssuerControllerDegraded', status: 'True', reason: 'SyncError', message: r.error });
    } else {
      this.setCondition({ type: 'ServiceAccountIssuerControllerDegraded', status: 'False' });
      if (r.changed) {
        this.writeStatus((s) => {
          s.serviceAccountIssuers = r.issuers;
        });
        this.events(ISSUER_COMPONENT, r.events);
      }
    }
    this.observeConfig();
    this.schedulePrune();
  }

  private pruneTimer: TimerHandle | undefined;
  private schedulePrune(): void {
    const status = (this.kas()?.status ?? {}) as KubeAPIServerStatus;
    const exp = nextExpiryMs(status.serviceAccountIssuers);
    this.pruneTimer?.cancel();
    this.pruneTimer = undefined;
    if (exp === undefined) return;
    // The real controller notices on its 60 s resync; the resync interval covers that, this timer only
    // makes sure a slow resync never misses it.
    this.pruneTimer = this.later(() => this.syncIssuers(), Math.max(0, exp - this.clock.nowMs()) + this.timings.resyncMs);
  }

  /** auth.ObserveServiceAccountIssuer: the flags come from the operator status; checkIssuer guards the active one. */
  private observeConfig(): void {
    const status = (this.kas()?.status ?? {}) as KubeAPIServerStatus;
    const active = activeIssuer(status.serviceAccountIssuers);
    const err = active ? checkIssuer(active) : undefined;
    if (err) {
      this.setCondition({ type: 'ConfigObservationDegraded', status: 'True', reason: 'Error', message: err });
      return;
    }
    this.setCondition({ type: 'ConfigObservationDegraded', status: 'False' });
    const flags = issuerFlags(status.serviceAccountIssuers);
    this.writeObservedConfig(flags);
    if (sameList(flags, this.observedFlags)) return;
    const from = this.observedFlags[0] ?? '';
    this.observedFlags = flags;
    if (from !== flags[0]) this.event(OBSERVER_COMPONENT, 'ObserveServiceAccountIssuer', `ServiceAccount issuer changed from ${from} to ${flags[0]}`);
    this.requestRevision(flags, 'required configmap/config has changed');
  }

  /** spec.observedConfig.apiServerArguments as auth.ObserveServiceAccountIssuer writes them. */
  private writeObservedConfig(flags: string[]): void {
    const active = flags[0] ?? DEFAULT_ISSUER;
    let jwks: string | undefined;
    if (active === DEFAULT_ISSUER) jwks = this.opts.apiServerUrl ? `${this.opts.apiServerUrl}/openid/v1/jwks` : undefined;
    else if (/^https:\/\//i.test(active)) jwks = `${active}/openid/v1/jwks`;
    try {
      this.store.mutate(KAS_KEY, undefined, 'cluster', (obj) => {
        const spec = (obj.spec ??= {}) as Record<string, unknown>;
        const oc = spec.observedConfig && typeof spec.observedConfig === 'object' ? (spec.observedConfig as Record<string, unknown>) : {};
        const args = { ...((oc.apiServerArguments as Record<string, unknown> | undefined) ?? {}) };
        args['api-audiences'] = [...flags];
        args['service-account-issuer'] = [...flags];
        if (jwks) args['service-account-jwks-uri'] = [jwks];
        else delete args['service-account-jwks-uri'];
        const sorted = Object.fromEntries(Object.keys(args).sort().map((k) => [k, args[k]]));
        const merged: Record<string, unknown> = { ...oc, apiServerArguments: sorted };
        const next = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
        if (JSON.stringify(next) === JSON.stringify(spec.observedConfig)) return false;
        spec.observedConfig = next;
      });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  // ---------------------------------------------------------------- node controller

  /** library-go's node controller: NodeControllerDegraded from the master nodes' Ready condition. */
  syncNodeController(): void {
    const masters = this.store.list('nodes', { labelSelector: 'node-role.kubernetes.io/master' });
    if (masters.length === 0) return;
    const status = (this.kas()?.status ?? {}) as KubeAPIServerStatus;
    const order = (status.nodeStatuses ?? []).map((n) => n.nodeName);
    masters.sort((a, b) => rank(order, a.metadata.name!) - rank(order, b.metadata.name!));
    const lines: string[] = [];
    for (const n of masters) {
      const r = readyOf(n);
      if (!r) lines.push(`node ${JSON.stringify(n.metadata.name)} not ready, no Ready condition found in status block`);
      else if (r.status !== 'True') {
        const since = r.lastTransitionTime ? goTimeString(Date.parse(r.lastTransitionTime)) : '0001-01-01 00:00:00 +0000 UTC';
        lines.push(`node ${JSON.stringify(n.metadata.name)} not ready since ${since} because ${r.reason ?? ''} (${r.message ?? ''})`);
      }
    }
    const c: Omit<OperatorCondition, 'lastTransitionTime'> = lines.length
      ? { type: 'NodeControllerDegraded', status: 'True', reason: 'MasterNodesReady', message: `The master nodes not ready: ${lines.join(', ')}` }
      : { type: 'NodeControllerDegraded', status: 'False', reason: 'MasterNodesReady', message: 'All master nodes are ready' };
    const cur = status.conditions?.find((x) => x.type === c.type);
    if (cur && cur.status !== c.status) this.event(NODE_COMPONENT, 'MasterNodesReadyChanged', lines.length ? `The master nodes not ready: ${lines.join(', ')}` : 'All master nodes are ready');
    this.setCondition(c);
  }

  // ---------------------------------------------------------------- revision controller

  private requestRevision(flags: string[], reason: string): void {
    // Changes that arrive before the revision controller runs fold into one revision.
    this.pendingRevision = { flags: [...flags], reason };
    if (this.revisionTimer) return;
    this.revisionTimer = this.later(() => {
      this.revisionTimer = undefined;
      const p = this.pendingRevision;
      this.pendingRevision = undefined;
      if (p) this.createRevision(p.flags, p.reason);
    }, this.timings.revisionMs);
  }

  private createRevision(flags: string[], reason: string): void {
    const status = (this.kas()?.status ?? {}) as KubeAPIServerStatus;
    const rev = (status.latestAvailableRevision ?? 0) + 1;
    this.revisionFlags.set(rev, [...flags]);
    try {
      this.store.create('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `revision-status-${rev}`, namespace: OPERAND_NS, annotations: { 'operator.openshift.io/revision-ready': 'true' } },
        data: { reason, revision: String(rev) },
      } as K8sObject);
    } catch {
      // A leftover from an earlier run is fine.
    }
    this.event(REVISION_COMPONENT, 'RevisionTriggered', `new revision ${rev} triggered by ${JSON.stringify(reason)}`);
    this.writeStatus((s) => {
      s.latestAvailableRevision = rev;
    });
    this.kickInstaller(this.timings.pickMs);
  }

  // ---------------------------------------------------------------- installer controller

  private kickInstaller(delayMs: number): void {
    if (this.stopped) return;
    this.installerTimer?.cancel();
    this.installerTimer = this.later(() => {
      this.installerTimer = undefined;
      this.syncInstaller();
    }, delayMs);
  }

  private mirrorPods(): Map<string, StaticPodInfo & { obj: K8sObject }> {
    const out = new Map<string, StaticPodInfo & { obj: K8sObject }>();
    for (const p of this.store.list('pods', { namespace: OPERAND_NS, labelSelector: 'apiserver=true' })) {
      const node = (p.spec as { nodeName?: string } | undefined)?.nodeName;
      if (!node) continue;
      const st = (p.status ?? {}) as { conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
      const ready = st.conditions?.find((c) => c.type === 'Ready');
      const rev = Number(p.metadata.labels?.revision);
      out.set(node, {
        ready: ready?.status === 'True' && !p.metadata.deletionTimestamp,
        readySinceMs: ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0,
        ...(Number.isFinite(rev) ? { revision: rev } : {}),
        obj: p,
      });
    }
    return out;
  }

  private nodeReady(name: string): boolean {
    const n = this.store.get('nodes', undefined, name);
    if (!n) return true;
    const c = ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((x) => x.type === 'Ready');
    return !c || c.status === 'True';
  }

  /** One pass of the installer controller: at most one state change, then it waits for the next kick. */
  syncInstaller(): void {
    if (this.stopped) return;
    const status = (this.kas()?.status ?? {}) as KubeAPIServerStatus;
    const latest = status.latestAvailableRevision ?? 0;
    const nodes = status.nodeStatuses ?? [];
    if (latest === 0 || nodes.length === 0) return;

    const f = this.inflight;
    if (f) {
      // A newer revision takes over a node whose installer has not finished yet.
      if (f.target < latest && f.phase !== 'restarting') {
        f.timer?.cancel();
        this.inflight = undefined;
        // The superseded installer still runs to its end, as a real one does; it must not be left
        // Running forever (a drain would refuse it: it has no controller).
        if (f.phase === 'installing' && f.podName) this.finishInstallerPod(f.podName, true);
        const idx = nodes.findIndex((n) => n.nodeName === f.node);
        if (idx >= 0) this.startNode(idx, latest, `node ${f.node} is progressing towards ${f.target}`);
      }
      return;
    }

    if (nodes.every((n) => (n.currentRevision ?? 0) === latest && !(n.targetRevision ?? 0))) {
      // Nothing to move; make sure the conditions agree (e.g. after a restart of the simulator).
      this.writeStatus((s) => {
        const before = JSON.stringify(s.conditions);
        const after = JSON.stringify(applyConditions(s.conditions, installerConditions(s.nodeStatuses ?? [], latest, this.wording), this.clock.nowIso()));
        if (before === after) return false;
      });
      return;
    }

    // minReadyDuration: every kube-apiserver must have been Ready for 30 s before the next node.
    const pods = this.mirrorPods();
    const now = this.clock.nowMs();
    const pick = nodeToStartRevisionWith(nodes, pods);
    if (!pick) return;
    const node = nodes[pick.index]!;
    let waitMs = 0;
    for (const [podNode, p] of pods) {
      // The node about to be (re)installed does not hold itself up (its pod may be the broken one).
      if (podNode === node.nodeName) continue;
      if (!p.ready) waitMs = Math.max(waitMs, this.timings.pickMs);
      else waitMs = Math.max(waitMs, (p.readySinceMs ?? 0) + this.timings.minReadyMs - now);
    }
    if (pods.size === 0) waitMs = Math.max(waitMs, this.lastSettleMs + this.timings.minReadyMs - now);
    const lf = node.lastFailedTime ? Date.parse(node.lastFailedTime) : 0;
    if (node.lastFailedReason === 'OperandFailed' && !isResumeOf(node)) {
      waitMs = Math.max(waitMs, lf + installerBackoffMs(node.lastFailedCount ?? 1) - now);
    }
    const isResume = (node.targetRevision ?? 0) !== 0;
    if (!isResume && waitMs > 0) {
      this.kickInstaller(waitMs);
      return;
    }
    if (!this.nodeReady(node.nodeName)) {
      // An installer pod cannot run on a NotReady node: the rollout waits for it.
      this.kickInstaller(this.timings.pickMs);
      return;
    }
    this.startNode(pick.index, latest, pick.reason);
  }

  private startNode(index: number, target: number, why: string): void {
    let nodeName = '';
    let from = 0;
    let needWrite = true;
    const st = this.writeStatus((s) => {
      const ns = s.nodeStatuses?.[index];
      if (!ns) return false;
      nodeName = ns.nodeName;
      from = ns.currentRevision ?? 0;
      if (ns.targetRevision === target) {
        needWrite = false;
        return false;
      }
      s.nodeStatuses![index] = targetNode(ns, target);
    });
    if (!nodeName) return;
    if (needWrite) this.event(INSTALLER_COMPONENT, 'NodeTargetRevisionChanged', `Updating node ${JSON.stringify(nodeName)} from revision ${from} to ${target} because ${why}`);
    const ns = (st ?? (this.kas()?.status as KubeAPIServerStatus)).nodeStatuses?.[index];
    if (ns) this.runInstaller(ns, target);
  }

  private runInstaller(ns: NodeStatus, target: number): void {
    const podName = installerPodName(target, ns);
    const fault = this.faults.get(ns.nodeName);
    const willFail = !!fault && fault.remaining > 0 && fault.reason === 'InstallerFailed';
    this.createInstallerPod(podName, ns.nodeName, target);
    const f: InFlight = { node: ns.nodeName, target, phase: 'installing', podName };
    this.inflight = f;
    f.timer = this.later(
      () => {
        if (this.inflight !== f) return;
        if (willFail) this.installerFails(f, podName, fault!);
        else this.installerSucceeds(f, podName);
      },
      willFail ? this.timings.installerFailMs : this.timings.installerMs,
    );
  }

  private installerFails(f: InFlight, podName: string, fault: Fault): void {
    fault.remaining--;
    if (fault.remaining <= 0 && this.faults.get(f.node) === fault) this.faults.delete(f.node);
    const errors = fault.message ? [`installer: ${fault.message}`] : [noDetailMessage(podName)];
    this.finishInstallerPod(podName, false, fault.message);
    let failed: NodeStatus | undefined;
    this.writeStatus((s) => {
      const i = (s.nodeStatuses ?? []).findIndex((n) => n.nodeName === f.node);
      if (i < 0) return false;
      failed = installerFailed(s.nodeStatuses![i]!, this.clock.nowIso(), errors);
      s.nodeStatuses![i] = failed;
    });
    this.event(INSTALLER_COMPONENT, 'InstallerPodFailed', `installer errors: ${errors.join('\n')}`, 'Warning');
    if (!failed) {
      this.inflight = undefined;
      return;
    }
    f.phase = 'backoff';
    const nsNow = failed;
    f.timer = this.later(() => {
      if (this.inflight !== f) return;
      const status = (this.kas()?.status ?? {}) as KubeAPIServerStatus;
      const latest = status.latestAvailableRevision ?? f.target;
      const cur = (status.nodeStatuses ?? []).find((n) => n.nodeName === f.node) ?? nsNow;
      if (latest > f.target) {
        this.inflight = undefined;
        this.syncInstaller();
        return;
      }
      this.runInstaller(cur, f.target);
    }, installerBackoffMs(failed.lastFailedCount ?? 1));
  }

  private installerSucceeds(f: InFlight, podName: string): void {
    this.finishInstallerPod(podName, true);
    f.phase = 'restarting';
    this.restartMirrorPod(f.node, 'stopping');
    f.timer = this.later(() => {
      if (this.inflight !== f) return;
      const fault = this.faults.get(f.node);
      if (fault && fault.reason === 'OperandFailed' && fault.remaining > 0) {
        this.operandFails(f, fault);
        return;
      }
      this.restartMirrorPod(f.node, 'ready', f.target);
      this.setCondition({ type: 'StaticPodsDegraded', status: 'False' });
      let from = 0;
      this.writeStatus((s) => {
        const i = (s.nodeStatuses ?? []).findIndex((n) => n.nodeName === f.node);
        if (i < 0) return false;
        const ns = s.nodeStatuses![i]!;
        from = ns.currentRevision ?? 0;
        s.nodeStatuses![i] = { ...ns, currentRevision: Math.max(f.target, from), targetRevision: 0 };
      });
      this.event(INSTALLER_COMPONENT, 'NodeCurrentRevisionChanged', `Updated node ${JSON.stringify(f.node)} from revision ${from} to ${f.target} because static pod is ready`);
      this.inflight = undefined;
      this.lastSettleMs = this.clock.nowMs();
      this.kickInstaller(this.timings.minReadyMs);
    }, this.timings.shutdownMs + this.timings.startupMs);
  }

  /** HA path without a startup monitor: the new static pod crash-loops; the target goes back to 0. */
  private operandFails(f: InFlight, fault: Fault): void {
    fault.remaining--;
    if (fault.remaining <= 0 && this.faults.get(f.node) === fault) this.faults.delete(f.node);
    const podName = `kube-apiserver-${f.node}`;
    const uid = this.restartMirrorPod(f.node, 'crashloop', f.target, fault.message);
    const errors = [fault.message ?? noDetailMessage(podName)];
    this.writeStatus(
      (s) => {
        const i = (s.nodeStatuses ?? []).findIndex((n) => n.nodeName === f.node);
        if (i < 0) return false;
        const ns = s.nodeStatuses![i]!;
        const prevCount = ns.lastFailedRevision === f.target ? ns.lastFailedCount ?? 0 : 0;
        s.nodeStatuses![i] = {
          ...ns,
          targetRevision: 0,
          lastFailedRevision: f.target,
          lastFailedTime: this.clock.nowIso(),
          lastFailedReason: 'OperandFailed',
          lastFailedCount: prevCount + 1,
          lastFailedRevisionErrors: errors,
        };
      },
      [
        {
          type: 'StaticPodsDegraded',
          status: 'True',
          reason: 'Error',
          message: `pod/${podName} container "kube-apiserver" is waiting: CrashLoopBackOff: back-off 5m0s restarting failed container=kube-apiserver pod=${podName}_${OPERAND_NS}(${uid ?? ''})`,
        },
      ],
    );
    this.inflight = undefined;
    this.kickInstaller(this.timings.pickMs);
  }

  // ---------------------------------------------------------------- pods

  private createInstallerPod(name: string, node: string, rev: number): void {
    if (this.opts.installerPods === false) return;
    const now = this.clock.nowIso();
    try {
      this.store.create('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace: OPERAND_NS,
          labels: { app: 'installer' },
          annotations: { 'openshift.io/scc': 'privileged' },
        },
        spec: {
          nodeName: node,
          serviceAccountName: 'installer-sa',
          serviceAccount: 'installer-sa',
          restartPolicy: 'Never',
          priorityClassName: 'system-node-critical',
          containers: [
            {
              name: 'installer',
              image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f',
              command: ['cluster-kube-apiserver-operator', 'installer'],
              args: ['-v=2', `--revision=${rev}`, `--namespace=${OPERAND_NS}`, '--pod=kube-apiserver-pod', '--resource-dir=/etc/kubernetes/static-pod-resources', '--pod-manifest-dir=/etc/kubernetes/manifests'],
              terminationMessagePolicy: 'FallbackToLogsOnError',
            },
          ],
          tolerations: [{ operator: 'Exists' }],
        },
        status: {
          phase: 'Running',
          startTime: now,
          conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: now }],
          containerStatuses: [{ name: 'installer', ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } }],
        },
      } as K8sObject);
    } catch {
      // A pod of the same name from an earlier attempt: leave it.
    }
  }

  private finishInstallerPod(name: string, ok: boolean, message?: string): void {
    if (this.opts.installerPods === false) return;
    const now = this.clock.nowIso();
    try {
      this.store.mutate(
        'pods',
        OPERAND_NS,
        name,
        (p) => {
          const st = (p.status ??= {}) as Record<string, unknown>;
          const started = (st.startTime as string | undefined) ?? now;
          st.phase = ok ? 'Succeeded' : 'Failed';
          st.conditions = [{ type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: now, reason: 'PodCompleted' }];
          st.containerStatuses = [
            {
              name: 'installer',
              ready: false,
              restartCount: 0,
              started: false,
              state: {
                terminated: {
                  exitCode: ok ? 0 : 1,
                  reason: ok ? 'Completed' : 'Error',
                  ...(message ? { message } : {}),
                  startedAt: started,
                  finishedAt: now,
                },
              },
            },
          ];
        },
        { subresource: 'status' },
      );
    } catch {
      // The pod may have been deleted by someone; the outcome is in the operator status anyway.
    }
  }

  /** The kubelet swapping the static pod: the mirror pod goes unready, then comes back at `rev`. */
  private restartMirrorPod(node: string, phase: 'stopping' | 'ready' | 'crashloop', rev?: number, message?: string): string | undefined {
    const name = `kube-apiserver-${node}`;
    const now = this.clock.nowIso();
    let uid: string | undefined;
    try {
      if (phase !== 'stopping' && rev !== undefined) {
        this.store.mutate('pods', OPERAND_NS, name, (p) => {
          p.metadata.labels = { ...(p.metadata.labels ?? {}), revision: String(rev) };
          p.metadata.annotations = {
            ...(p.metadata.annotations ?? {}),
            'kubernetes.io/config.hash': randomUUID().replace(/-/g, ''),
            'kubernetes.io/config.seen': this.clock.now().toISOString(),
          };
        });
      }
      this.store.mutate(
        'pods',
        OPERAND_NS,
        name,
        (p) => {
          const st = (p.status ??= {}) as Record<string, any>;
          const ready = phase === 'ready' ? 'True' : 'False';
          st.conditions = ((st.conditions as any[]) ?? []).map((c) =>
            c.type === 'Ready' || c.type === 'ContainersReady'
              ? { ...c, status: ready, lastTransitionTime: now, ...(ready === 'False' ? { reason: 'ContainersNotReady', message: `containers with unready status: [kube-apiserver]` } : { reason: undefined, message: undefined }) }
              : c,
          );
          for (const c of st.conditions) {
            if (c.reason === undefined) delete c.reason;
            if (c.message === undefined) delete c.message;
          }
          if (phase !== 'stopping') st.startTime = now;
          st.containerStatuses = ((st.containerStatuses as any[]) ?? []).map((c) =>
            phase === 'ready' || (phase === 'crashloop' && c.name !== 'kube-apiserver')
              ? { ...c, ready: true, started: true, restartCount: 0, state: { running: { startedAt: now } }, lastState: {} }
              : phase === 'crashloop'
                ? {
                    ...c,
                    ready: false,
                    started: false,
                    restartCount: 3,
                    state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=kube-apiserver pod=${name}_${OPERAND_NS}(${p.metadata.uid})` } },
                    lastState: { terminated: { exitCode: 1, reason: 'Error', ...(message ? { message } : {}), startedAt: now, finishedAt: now } },
                  }
                : c.name === 'kube-apiserver'
                  ? { ...c, ready: false }
                  : c,
          );
          uid = p.metadata.uid;
        },
        { subresource: 'status' },
      );
    } catch {
      // No mirror pod (a bare store): the operator status alone carries the rollout.
    }
    return uid;
  }

  // ---------------------------------------------------------------- ClusterOperator rollup

  private updateClusterOperator(st?: KubeAPIServerStatus): void {
    const status = st ?? ((this.kas()?.status ?? {}) as KubeAPIServerStatus);
    const conds = status.conditions ?? [];
    const now = this.clock.nowMs();
    const nowIso = this.clock.nowIso();
    const line = (c: OperatorCondition) => (c.message ? `${c.type}: ${c.message}` : undefined);
    const union = (suffix: string, defaultStatus: 'True' | 'False', inertiaMs: number) => {
      const matching = conds.filter((c) => c.type.endsWith(suffix));
      const inertia = (t: string) => (inertiaMs === 0 ? 0 : LONG_INERTIA.includes(t) ? this.timings.nodeDegradedInertiaMs : inertiaMs);
      const bad = matching.filter((c) => c.status !== defaultStatus && c.status !== 'Unknown' && now - Date.parse(c.lastTransitionTime ?? nowIso) >= inertia(c.type));
      const opposite = defaultStatus === 'True' ? 'False' : 'True';
      if (bad.length === 0) {
        const msg = matching.map(line).filter(Boolean).join('\n') || 'All is well';
        return { status: defaultStatus, reason: 'AsExpected', message: msg };
      }
      const reasons = bad.map((c) => `${c.type.slice(0, -suffix.length)}${c.reason ? `_${c.reason}` : ''}`).sort();
      return { status: opposite, reason: reasons.join('::'), message: bad.map(line).filter(Boolean).join('\n') };
    };
    const wanted: Record<string, { status: string; reason: string; message: string }> = {
      Degraded: union('Degraded', 'False', this.timings.degradedInertiaMs),
      Progressing: union('Progressing', 'False', 0),
      Available: union('Available', 'True', 0),
    };
    try {
      this.store.mutate(
        CO_KEY,
        undefined,
        'kube-apiserver',
        (co) => {
          const s = (co.status ??= {}) as { conditions?: OperatorCondition[] };
          const before = JSON.stringify(s.conditions ?? []);
          const list = (s.conditions ?? []).map((c) => ({ ...c }));
          for (const [type, w] of Object.entries(wanted)) {
            const i = list.findIndex((c) => c.type === type);
            const prev = list[i];
            const ltt = prev && prev.status === w.status && prev.lastTransitionTime ? prev.lastTransitionTime : nowIso;
            const next = { type, status: w.status as OperatorCondition['status'], lastTransitionTime: ltt, reason: w.reason, message: w.message };
            if (i >= 0) list[i] = next;
            else list.push(next);
          }
          if (JSON.stringify(list) === before) return false;
          s.conditions = list;
        },
        { subresource: 'status' },
      );
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}

const LONG_INERTIA = ['NodeControllerDegraded', 'StaticPodsDegraded', 'GuardControllerDegraded'];

function isResumeOf(ns: NodeStatus): boolean {
  return (ns.targetRevision ?? 0) !== 0;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
