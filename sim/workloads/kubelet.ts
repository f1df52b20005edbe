// The kubelets of every node and the node lifecycle controller: pods bound to a node start
// (ContainerCreating, token volumes mounted, then Running with container statuses as CRI-O
// reports them), gracefully deleted pods stop, finite commands complete, nodes heartbeat
// (Leases in kube-node-lease, the Ready condition's lastHeartbeatTime) and reboot when a pod runs
// `chroot /host shutdown -r ...` or `systemctl reboot`. A node whose kubelet stopped is marked
// Unknown after the 40 s grace period with the unreachable taints, its pods NotReady, and pods
// are evicted when their unreachable toleration runs out (300 s by default). Mirror pods and the
// kube-apiserver guard pods come back when deleted, as the kubelet and the operator recreate them.
import { randomUUID } from 'node:crypto';
import { notFound } from '../errors';
import type { K8sObject } from '../store';
import type { Engine } from './engine';
import { between, controllerRef, getCond, hex, phaseOf, podKey, splitKey, tolerates, type Taint, type Toleration } from './util';

type AnyObj = Record<string, any>;

/** Timings in simulated ms (realistic at DEMO_SPEED 1). */
export interface KubeletTimings {
  /** bind → ContainerCreating */
  acceptMs: [number, number];
  /** ContainerCreating → Running */
  startMs: [number, number];
  /** a container that handles SIGTERM stops within this (capped by the grace period) */
  stopMs: [number, number];
  /** node-monitor-grace-period */
  nodeMonitorGraceMs: number;
  /** power-off to kubelet posting status again */
  bootMs: [number, number];
  /** kubelet start → Ready */
  readyAfterBootMs: [number, number];
  leaseRenewMs: number;
  heartbeatMs: [number, number];
  /** status/lease writes per real second the heartbeats may use (they stretch beyond that) */
  heartbeatWritesPerSecond: number;
}

export const DEFAULT_TIMINGS: KubeletTimings = {
  acceptMs: [300, 900],
  startMs: [1500, 4000],
  stopMs: [500, 2500],
  nodeMonitorGraceMs: 40_000,
  bootMs: [70_000, 100_000],
  readyAfterBootMs: [3_000, 8_000],
  leaseRenewMs: 10_000,
  heartbeatMs: [40_000, 60_000],
  heartbeatWritesPerSecond: 400,
};

export interface TokenMounter {
  /** Issues the pod's projected tokens (the kubelet's token manager); a message on failure. */
  mount(pod: K8sObject, reason: 'start' | 'restart'): Promise<string | undefined>;
  /** Describes the tokens a pod running before the simulation started already holds. */
  adopt(pod: K8sObject): void;
  forget(uid: string): void;
}

interface NodeState {
  name: string;
  up: boolean;
  keepDown: boolean;
  bootSeq: number;
  downSince?: number;
  bootDue?: number;
  shutdownTimer?: { cancel(): void };
  pendingTerm: Map<string, () => void>;
  ipSeq: number;
}

const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const REBOOT_RE = /(\bshutdown\b[^;&|]*(\s-r\b|\s--reboot\b))|(\bsystemctl\s+(--\S+\s+)*reboot\b)|(^|[\s;&|/])reboot(\s|$)/;

/** The delay a reboot command asks for: `shutdown -r +N` N minutes, `now`/`+0`/systemctl at once, default one minute. */
export function rebootDelayMs(cmd: string): number | undefined {
  if (!REBOOT_RE.test(cmd)) return undefined;
  if (/systemctl\s+(--\S+\s+)*reboot/.test(cmd) || /(^|[\s;&|/])reboot(\s|$)/.test(cmd)) {
    if (!/\bshutdown\b/.test(cmd)) return 0;
  }
  const m = /\bshutdown\b(.*)$/.exec(cmd);
  const rest = m?.[1] ?? '';
  if (/\bnow\b/.test(rest)) return 0;
  // systemd's shutdown: "+m" or a bare number of minutes, "hh:mm", "now".
  const plus = /(^|\s)\+?(\d+)(\s|$)/.exec(rest);
  if (plus) return Number(plus[2]) * 60_000;
  const hhmm = /(^|\s)(\d{1,2}):(\d{2})\b/.exec(rest);
  if (hhmm) return 60_000;
  return 60_000;
}

export function commandLine(c: AnyObj): string {
  return [...(c.command ?? []), ...(c.args ?? [])].join(' ');
}

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class Kubelets {
  readonly nodes = new Map<string, NodeState>();
  private podsOnNode = new Map<string, Set<string>>();
  private starting = new Map<string, number>(); // pod uid → node bootSeq it is starting under
  private timers: { cancel(): void }[] = [];
  private hbTick?: ReturnType<typeof setInterval>;
  private leaseDue = new Map<string, number>();
  private hbDue = new Map<string, number>();
  tokens?: TokenMounter;
  /** Called when a pod that runs a reboot command starts. */
  private t: KubeletTimings;

  constructor(
    private e: Engine,
    timings: Partial<KubeletTimings> = {},
  ) {
    this.t = { ...DEFAULT_TIMINGS, ...timings };
    e.store.setPodTermination((pod, grace, done) => this.terminate(pod, grace, done));
    e.on('nodes', (type, node) => {
      const name = node.metadata.name!;
      if (type === 'DELETED') {
        this.nodes.delete(name);
        return;
      }
      if (!this.nodes.has(name)) this.addNode(node);
      // TaintNodesByCondition: a cordoned node carries node.kubernetes.io/unschedulable:NoSchedule.
      const spec = (node.spec ?? {}) as AnyObj;
      const has = ((spec.taints ?? []) as Taint[]).some((t) => t.key === UNSCHEDULABLE && t.effect === 'NoSchedule');
      if (!!spec.unschedulable !== has) setImmediate(() => this.syncUnschedulableTaint(name));
    });
    e.on('pods', (type, pod, old) => this.onPod(type, pod, old));
  }

  start(): void {
    for (const n of this.e.store.listPage('nodes', { copy: false }).items) if (!this.nodes.has(n.metadata.name!)) this.addNode(n);
    for (const p of this.e.store.listPage('pods', { copy: false }).items) {
      this.track(p);
      const ph = phaseOf(p);
      const node = (p.spec as AnyObj)?.nodeName as string | undefined;
      if (!node || p.metadata.deletionTimestamp) continue;
      if (ph === 'Pending') this.maybeStart(p);
      else if (ph === 'Running') {
        // Running before the simulation started (the seed, the operator's own pods): their
        // containers are left as they are; only their tokens are described.
        // Spread over the timer queue's budget: 100,000 seeded pods must not block start-up.
        const ns = p.metadata.namespace;
        const name = p.metadata.name!;
        const uid = p.metadata.uid!;
        this.e.q.after(0, () => {
          const cur = this.e.store.peek('pods', ns, name) as K8sObject | undefined;
          if (cur && cur.metadata.uid === uid) this.tokens?.adopt(cur);
        });
      }
    }
    // Heartbeats: a real-time cadence; each node's due times are simulated.
    this.hbTick = setInterval(() => this.heartbeatTick(), 200);
    this.hbTick.unref?.();
  }

  close(): void {
    if (this.hbTick) clearInterval(this.hbTick);
    for (const t of this.timers) t.cancel();
    for (const n of this.nodes.values()) n.shutdownTimer?.cancel();
  }

  podCount(node: string): number {
    return this.podsOnNode.get(node)?.size ?? 0;
  }

  isUp(node: string): boolean {
    return this.nodes.get(node)?.up ?? false;
  }

  private addNode(node: K8sObject): void {
    const name = node.metadata.name!;
    const ready = getCond(node, 'Ready')?.status === 'True';
    this.nodes.set(name, { name, up: ready, keepDown: false, bootSeq: 1, pendingTerm: new Map(), ipSeq: 100 + Math.floor(Math.random() * 50) });
    const now = this.e.clock.nowMs();
    this.leaseDue.set(name, now + Math.random() * this.t.leaseRenewMs);
    this.hbDue.set(name, now + between(0, this.t.heartbeatMs[1]));
    this.ensureLease(name);
  }

  // ------------------------------------------------------------------ pod index and starts

  private track(p: K8sObject, gone = false): void {
    const node = (p.spec as AnyObj)?.nodeName as string | undefined;
    if (!node) return;
    const k = podKey(p.metadata.namespace, p.metadata.name!);
    const ph = phaseOf(p);
    let s = this.podsOnNode.get(node);
    if (gone || ph === 'Succeeded' || ph === 'Failed') {
      s?.delete(k);
      return;
    }
    if (!s) this.podsOnNode.set(node, (s = new Set()));
    s.add(k);
  }

  private onPod(type: string, pod: K8sObject, old?: K8sObject): void {
    const oldNode = (old?.spec as AnyObj | undefined)?.nodeName;
    if (old && oldNode && oldNode !== (pod.spec as AnyObj)?.nodeName) this.podsOnNode.get(oldNode)?.delete(podKey(old.metadata.namespace, old.metadata.name!));
    if (type === 'DELETED') {
      this.track(pod, true);
      this.starting.delete(pod.metadata.uid!);
      this.tokens?.forget(pod.metadata.uid!);
      this.maybeRecreateStatic(pod);
      return;
    }
    this.track(pod);
    if (phaseOf(pod) === 'Pending' && (pod.spec as AnyObj)?.nodeName && !pod.metadata.deletionTimestamp) this.maybeStart(pod);
  }

  /** Pods the kubelet of `node` runs (frozen store objects). */
  podsOn(node: string): K8sObject[] {
    return this.e.store.listPage('pods', { fieldSelector: `spec.nodeName=${node}`, copy: false }).items;
  }

  private maybeStart(pod: K8sObject): void {
    const uid = pod.metadata.uid!;
    const st = this.nodes.get((pod.spec as AnyObj).nodeName);
    if (!st || !st.up || this.starting.has(uid)) return;
    this.starting.set(uid, st.bootSeq);
    const seq = st.bootSeq;
    this.e.q.after(between(...this.t.acceptMs), () => this.accept(pod.metadata.namespace!, pod.metadata.name!, uid, st, seq));
  }

  private current(ns: string, name: string, uid: string, st: NodeState, seq: number): K8sObject | undefined {
    const p = this.e.store.peek('pods', ns, name) as K8sObject | undefined;
    if (!p || p.metadata.uid !== uid || p.metadata.deletionTimestamp) return undefined;
    if (!st.up || st.bootSeq !== seq || this.starting.get(uid) !== seq) return undefined;
    return p;
  }

  private nodeIP(node: string): string {
    const n = this.e.store.peek('nodes', undefined, node) as K8sObject | undefined;
    return (((n?.status as AnyObj)?.addresses ?? []) as AnyObj[]).find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
  }

  private podIP(st: NodeState): string {
    const n = this.e.store.peek('nodes', undefined, st.name) as K8sObject | undefined;
    const cidr = ((n?.spec as AnyObj)?.podCIDR as string | undefined) ?? '10.128.0.0/23';
    const [a, b, c] = cidr.split('/')[0]!.split('.').map(Number) as [number, number, number];
    const seq = (st.ipSeq = (st.ipSeq % 500) + 1) + 1;
    return `${a}.${b}.${c + Math.floor(seq / 256)}.${seq % 256}`;
  }

  private accept(ns: string, name: string, uid: string, st: NodeState, seq: number): void {
    const p = this.current(ns, name, uid, st, seq);
    if (!p) return;
    const now = this.e.clock.nowIso();
    const hostIP = this.nodeIP(st.name);
    this.e.store.mutate('pods', ns, name, (o) => {
      if (o.metadata.uid !== uid) return false;
      const spec = o.spec as AnyObj;
      const s = (o.status ??= {}) as AnyObj;
      const names = (spec.containers ?? []).map((c: AnyObj) => c.name).join(' ');
      const hasInit = (spec.initContainers ?? []).length > 0;
      const sched = (s.conditions ?? []).find((c: AnyObj) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now };
      s.phase = 'Pending';
      s.conditions = [
        { type: 'PodReadyToStartContainers', status: 'False', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Initialized', status: hasInit ? 'False' : 'True', lastProbeTime: null, lastTransitionTime: now, ...(hasInit ? { reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${(spec.initContainers ?? []).map((c: AnyObj) => c.name).join(' ')}]` } : {}) },
        { type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: now, reason: 'ContainersNotReady', message: `containers with unready status: [${names}]` },
        { type: 'ContainersReady', status: 'False', lastProbeTime: null, lastTransitionTime: now, reason: 'ContainersNotReady', message: `containers with unready status: [${names}]` },
        sched,
      ];
      s.hostIP = hostIP;
      s.hostIPs = [{ ip: hostIP }];
      s.startTime ??= now;
      s.containerStatuses = (spec.containers ?? []).map((c: AnyObj) => ({
        name: c.name,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
        ready: false,
        restartCount: 0,
        image: c.image,
        imageID: '',
        started: false,
      }));
      s.qosClass ??= 'BestEffort';
    }, { subresource: 'status' });
    void this.mountThenRun(ns, name, uid, st, seq, 0);
  }

  private async mountThenRun(ns: string, name: string, uid: string, st: NodeState, seq: number, attempt: number): Promise<void> {
    const p = this.current(ns, name, uid, st, seq);
    if (!p) return;
    const err = this.tokens ? await this.tokens.mount(p, 'start') : undefined;
    if (err) {
      // MountVolume.SetUp failed: the pod stays in ContainerCreating and the kubelet retries with backoff.
      this.e.q.after(Math.min(120_000, 2_000 * 2 ** attempt), () => void this.mountThenRun(ns, name, uid, st, seq, attempt + 1));
      return;
    }
    this.e.q.after(between(...this.t.startMs), () => this.run(ns, name, uid, st, seq));
  }

  private containerStatus(c: AnyObj, startedAt: string, restartCount: number, lastState: AnyObj = {}): AnyObj {
    const image: string = c.image ?? '';
    const repo = image.split('@')[0]!.replace(/:[^/:]+$/, '');
    return {
      name: c.name,
      state: { running: { startedAt } },
      lastState,
      ready: true,
      restartCount,
      image,
      imageID: image.includes('@') ? image : `${repo}@sha256:${hex(64)}`,
      containerID: `cri-o://${hex(64)}`,
      started: true,
    };
  }

  private runningStatus(o: K8sObject, st: NodeState, now: string, restart?: { finishedAt: string }): void {
    const spec = o.spec as AnyObj;
    const s = (o.status ??= {}) as AnyObj;
    const prev: AnyObj[] = s.containerStatuses ?? [];
    const ip = spec.hostNetwork ? this.nodeIP(st.name) : this.podIP(st);
    s.phase = 'Running';
    const sched = (s.conditions ?? []).find((c: AnyObj) => c.type === 'PodScheduled') ?? { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now };
    s.conditions = [
      { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: (s.conditions ?? []).find((c: AnyObj) => c.type === 'Initialized' && c.status === 'True')?.lastTransitionTime ?? now },
      { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      sched,
    ];
    s.podIP = ip;
    s.podIPs = [{ ip }];
    s.hostIP ??= this.nodeIP(st.name);
    s.hostIPs ??= [{ ip: s.hostIP }];
    s.startTime ??= now;
    if ((spec.initContainers ?? []).length) {
      s.initContainerStatuses = (spec.initContainers as AnyObj[]).map((c) => ({
        name: c.name,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now, containerID: `cri-o://${hex(64)}` } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image: c.image,
        imageID: `${String(c.image).split('@')[0]}@sha256:${hex(64)}`,
        containerID: `cri-o://${hex(64)}`,
        started: false,
      }));
    }
    s.containerStatuses = (spec.containers ?? []).map((c: AnyObj) => {
      const old = prev.find((x) => x.name === c.name);
      if (!restart) return this.containerStatus(c, now, old?.restartCount ?? 0);
      const startedAt = old?.state?.running?.startedAt ?? s.startTime ?? now;
      const cs = this.containerStatus(c, now, (old?.restartCount ?? 0) + 1, { terminated: { exitCode: 255, reason: 'Unknown', startedAt, finishedAt: restart.finishedAt, containerID: old?.containerID } });
      if (old?.imageID) cs.imageID = old.imageID;
      return cs;
    });
  }

  private run(ns: string, name: string, uid: string, st: NodeState, seq: number): void {
    const p = this.current(ns, name, uid, st, seq);
    if (!p) return;
    this.starting.delete(uid);
    const now = this.e.clock.nowIso();
    const r = this.e.store.mutate('pods', ns, name, (o) => {
      if (o.metadata.uid !== uid) return false;
      this.runningStatus(o, st, now);
    }, { subresource: 'status' });
    if (r) this.maybeComplete(r);
  }

  // ------------------------------------------------------------------ finite commands, reboot

  /** How long a pod's containers run before exiting 0, or undefined for long-running ones. */
  private finiteRunMs(pod: K8sObject): number | undefined {
    const spec = pod.spec as AnyObj;
    if ((spec.restartPolicy ?? 'Always') === 'Always') return undefined;
    let longest = 0;
    for (const c of (spec.containers ?? []) as AnyObj[]) {
      const cmd = commandLine(c);
      if (!cmd) return undefined;
      const sleep = /\bsleep\s+(\S+)/.exec(cmd);
      if (sleep) {
        const v = sleep[1]!;
        if (/^inf/.test(v)) return undefined;
        const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(v);
        if (!m) return undefined;
        const unit = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
        longest = Math.max(longest, Number(m[1]) * unit);
      } else longest = Math.max(longest, controllerRef(pod)?.kind === 'Job' ? between(5_000, 15_000) : 1_000);
    }
    return longest;
  }

  private maybeComplete(pod: K8sObject): void {
    const spec = pod.spec as AnyObj;
    const node = spec.nodeName as string;
    const st = this.nodes.get(node);
    if (!st) return;
    for (const c of (spec.containers ?? []) as AnyObj[]) {
      const d = rebootDelayMs(commandLine(c));
      if (d !== undefined) this.scheduleShutdown(node, d);
    }
    const ms = this.finiteRunMs(pod);
    if (ms === undefined) return;
    const uid = pod.metadata.uid!;
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const seq = st.bootSeq;
    this.e.q.after(ms, () => {
      if (!st.up || st.bootSeq !== seq) return;
      const now = this.e.clock.nowIso();
      this.e.store.mutate('pods', ns, name, (o) => {
        if (o.metadata.uid !== uid || phaseOf(o) !== 'Running') return false;
        const s = o.status as AnyObj;
        s.phase = 'Succeeded';
        s.conditions = (s.conditions ?? []).map((c: AnyObj) =>
          c.type === 'Ready' || c.type === 'ContainersReady'
            ? { type: c.type, status: 'False', lastProbeTime: null, lastTransitionTime: now, reason: 'PodCompleted' }
            : c.type === 'PodReadyToStartContainers'
              ? { ...c, status: 'False', lastTransitionTime: now }
              : c,
        );
        s.containerStatuses = (s.containerStatuses ?? []).map((cs: AnyObj) => ({
          ...cs,
          ready: false,
          started: false,
          state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: cs.state?.running?.startedAt ?? now, finishedAt: now, containerID: cs.containerID } },
        }));
      }, { subresource: 'status' });
    });
  }

  /** `shutdown -r`: power goes off after the delay; a later command replaces a pending one, as systemd does. */
  scheduleShutdown(node: string, delayMs: number): void {
    const st = this.nodes.get(node);
    if (!st || !st.up) return;
    st.shutdownTimer?.cancel();
    const seq = st.bootSeq;
    st.shutdownTimer = this.e.q.after(delayMs, () => {
      st.shutdownTimer = undefined;
      if (st.bootSeq === seq && st.up) this.powerOff(st);
    });
  }

  /** Reboots a node now (or after `delayMs`), as `systemctl reboot` on it would. */
  reboot(node: string, delayMs = 0): void {
    this.scheduleShutdown(node, delayMs);
  }

  keepNodeDown(node: string, down: boolean): void {
    const st = this.nodes.get(node);
    if (!st) throw notFound('nodes', node);
    st.keepDown = down;
    if (!down && !st.up && st.bootDue !== undefined && st.bootDue <= this.e.clock.nowMs()) this.boot(st);
  }

  private powerOff(st: NodeState): void {
    st.up = false;
    const seq = ++st.bootSeq;
    st.downSince = this.e.clock.nowMs();
    for (const [uid, s] of this.starting) if (s !== seq) this.starting.delete(uid);
    // Node lifecycle controller: no heartbeat for the grace period → Unknown, taints, pods NotReady.
    this.e.q.after(this.t.nodeMonitorGraceMs, () => {
      if (!st.up && st.bootSeq === seq) this.markUnknown(st, seq);
    });
    const bootIn = between(...this.t.bootMs);
    st.bootDue = this.e.clock.nowMs() + bootIn;
    this.e.q.after(bootIn, () => {
      if (!st.up && st.bootSeq === seq && !st.keepDown) this.boot(st);
    });
  }

  private markUnknown(st: NodeState, seq: number): void {
    const now = this.e.clock.nowIso();
    const msg = 'Kubelet stopped posting node status.';
    this.e.store.mutate('nodes', undefined, st.name, (n) => {
      const s = n.status as AnyObj;
      s.conditions = (s.conditions ?? []).map((c: AnyObj) => (['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].includes(c.type) ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: msg, lastTransitionTime: c.status === 'Unknown' ? c.lastTransitionTime : now } : c));
    }, { subresource: 'status' });
    this.setTaints(st.name, 'node.kubernetes.io/unreachable', now);
    this.nodeEvent(st.name, 'node-controller', 'Normal', 'NodeNotReady', `Node ${st.name} status is now: NodeNotReady`);
    // MarkPodsNotReady, then the taint manager (NoExecutionTaintManager) evicts what does not tolerate.
    const taint: Taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
    for (const p of this.podsOn(st.name)) {
      const ns = p.metadata.namespace!;
      const name = p.metadata.name!;
      const uid = p.metadata.uid!;
      if (phaseOf(p) === 'Succeeded' || phaseOf(p) === 'Failed') continue;
      this.e.store.mutate('pods', ns, name, (o) => {
        if (o.metadata.uid !== uid) return false;
        const c = ((o.status as AnyObj)?.conditions ?? []).find((x: AnyObj) => x.type === 'Ready');
        if (!c || c.status === 'False') return false;
        c.status = 'False';
        c.lastTransitionTime = now;
      }, { subresource: 'status' });
      if (p.metadata.deletionTimestamp) continue;
      const tols = ((p.spec as AnyObj).tolerations ?? []) as Toleration[];
      const matching = tols.filter((t) => tolerates(t, taint));
      if (matching.length === 0) this.taintEvict(ns, name, uid, st, seq);
      else if (matching.every((t) => t.tolerationSeconds !== undefined)) {
        const secs = Math.max(0, Math.min(...matching.map((t) => t.tolerationSeconds!)));
        this.e.q.after(secs * 1000, () => this.taintEvict(ns, name, uid, st, seq));
      }
    }
  }

  private taintEvict(ns: string, name: string, uid: string, st: NodeState, seq: number): void {
    if (st.up || st.bootSeq !== seq) return;
    const now = this.e.clock.nowIso();
    try {
      this.e.store.mutate('pods', ns, name, (o) => {
        if (o.metadata.uid !== uid || o.metadata.deletionTimestamp) return false;
        const s = (o.status ??= {}) as AnyObj;
        s.conditions = [...(s.conditions ?? []).filter((c: AnyObj) => c.type !== 'DisruptionTarget'), { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: now, reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }];
      }, { subresource: 'status' });
      this.e.store.delete('pods', ns, name, { preconditions: { uid } });
    } catch {
      // gone or replaced meanwhile
    }
  }

  private syncUnschedulableTaint(node: string): void {
    this.e.store.mutate('nodes', undefined, node, (n) => {
      const spec = (n.spec ??= {}) as AnyObj;
      const taints = (spec.taints ?? []) as Taint[];
      const has = taints.some((t) => t.key === UNSCHEDULABLE && t.effect === 'NoSchedule');
      if (!!spec.unschedulable === has) return false;
      const next = spec.unschedulable ? [...taints, { key: UNSCHEDULABLE, effect: 'NoSchedule', timeAdded: this.e.clock.nowIso() }] : taints.filter((t) => t.key !== UNSCHEDULABLE);
      if (next.length) spec.taints = next;
      else delete spec.taints;
    });
  }

  /** Replaces the lifecycle controller's taints: `key` for NoSchedule and NoExecute, or none. */
  private setTaints(node: string, key: string | undefined, now: string): void {
    this.e.store.mutate('nodes', undefined, node, (n) => {
      const spec = (n.spec ??= {}) as AnyObj;
      const keep = ((spec.taints ?? []) as Taint[]).filter((t) => t.key !== 'node.kubernetes.io/unreachable' && t.key !== 'node.kubernetes.io/not-ready');
      const next = key ? [...keep, { key, effect: 'NoSchedule' }, { key, effect: 'NoExecute', timeAdded: now }] : keep;
      if (JSON.stringify(next) === JSON.stringify(spec.taints ?? [])) return false;
      if (next.length) spec.taints = next;
      else delete spec.taints;
    });
  }

  private boot(st: NodeState): void {
    st.up = true;
    const seq = ++st.bootSeq;
    st.bootDue = undefined;
    const nowMs = this.e.clock.nowMs();
    const now = this.e.clock.nowIso();
    const shutdownAt = Clock_iso(st.downSince ?? nowMs);
    st.downSince = undefined;
    const kubeletConds: Record<string, [string, string, string]> = {
      MemoryPressure: ['False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      DiskPressure: ['False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
      PIDPressure: ['False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      Ready: ['False', 'KubeletNotReady', 'container runtime status check may not have completed yet'],
    };
    const post = (ready: boolean) =>
      this.e.store.mutate('nodes', undefined, st.name, (n) => {
        const s = n.status as AnyObj;
        if (!ready) s.nodeInfo = { ...(s.nodeInfo ?? {}), bootID: randomUUID() };
        s.conditions = (s.conditions ?? []).map((c: AnyObj) => {
          const want = c.type === 'Ready' && ready ? (['True', 'KubeletReady', 'kubelet is posting ready status'] as const) : kubeletConds[c.type];
          if (!want) return c;
          return { ...c, status: want[0], reason: want[1], message: want[2], lastHeartbeatTime: now, lastTransitionTime: c.status === want[0] ? c.lastTransitionTime : this.e.clock.nowIso() };
        });
      }, { subresource: 'status' });
    const booted = post(false);
    const newBoot = ((booted?.status as AnyObj | undefined)?.nodeInfo?.bootID as string | undefined) ?? '';
    this.nodeEvent(st.name, 'kubelet', 'Normal', 'Starting', 'Starting kubelet.');
    this.nodeEvent(st.name, 'kubelet', 'Warning', 'Rebooted', `Node ${st.name} has been rebooted, boot id: ${newBoot}`);
    this.setTaints(st.name, 'node.kubernetes.io/not-ready', now);
    this.renewLease(st.name);
    this.hbDue.set(st.name, nowMs + between(...this.t.heartbeatMs));
    // Containers that were stopping are gone after a power cycle.
    const pend = [...st.pendingTerm.values()];
    st.pendingTerm.clear();
    for (const done of pend) done();
    this.e.q.after(between(...this.t.readyAfterBootMs), () => {
      if (!st.up || st.bootSeq !== seq) return;
      post(true);
      this.nodeEvent(st.name, 'kubelet', 'Normal', 'NodeReady', `Node ${st.name} status is now: NodeReady`);
      this.setTaints(st.name, undefined, this.e.clock.nowIso());
    });
    // Every pod on the node gets a new sandbox and its containers start again (restartCount + 1).
    for (const p of this.podsOn(st.name)) {
      const ph = phaseOf(p);
      if (ph === 'Succeeded' || ph === 'Failed' || p.metadata.deletionTimestamp) continue;
      const ns = p.metadata.namespace!;
      const name = p.metadata.name!;
      const uid = p.metadata.uid!;
      if (ph === 'Pending') {
        this.starting.delete(uid);
        this.maybeStart(p);
        continue;
      }
      this.starting.set(uid, seq);
      this.e.store.mutate('pods', ns, name, (o) => {
        if (o.metadata.uid !== uid) return false;
        const s = o.status as AnyObj;
        s.conditions = (s.conditions ?? []).map((c: AnyObj) => (['Ready', 'ContainersReady', 'PodReadyToStartContainers'].includes(c.type) && c.status !== 'False' ? { ...c, status: 'False', lastTransitionTime: now, ...(c.type !== 'PodReadyToStartContainers' ? { reason: 'ContainersNotReady', message: `containers with unready status: [${((o.spec as AnyObj).containers ?? []).map((x: AnyObj) => x.name).join(' ')}]` } : {}) } : c));
        s.containerStatuses = (s.containerStatuses ?? []).map((cs: AnyObj) => ({ ...cs, ready: false, started: false }));
      }, { subresource: 'status' });
      this.e.q.after(between(this.t.readyAfterBootMs[0], this.t.readyAfterBootMs[1] + this.t.startMs[1]), async () => {
        const cur = this.current(ns, name, uid, st, seq);
        if (!cur) return;
        if (((cur.spec as AnyObj).restartPolicy ?? 'Always') === 'Never') {
          this.starting.delete(uid);
          this.failAfterReboot(ns, name, uid, shutdownAt);
          return;
        }
        const err = this.tokens ? await this.tokens.mount(cur, 'restart') : undefined;
        if (err || !this.current(ns, name, uid, st, seq)) return;
        this.starting.delete(uid);
        const t = this.e.clock.nowIso();
        const r = this.e.store.mutate('pods', ns, name, (o) => {
          if (o.metadata.uid !== uid) return false;
          this.runningStatus(o, st, t, { finishedAt: shutdownAt });
        }, { subresource: 'status' });
        if (r) this.maybeComplete(r);
      });
    }
  }

  private failAfterReboot(ns: string, name: string, uid: string, finishedAt: string): void {
    this.e.store.mutate('pods', ns, name, (o) => {
      if (o.metadata.uid !== uid) return false;
      const s = o.status as AnyObj;
      s.phase = 'Failed';
      s.containerStatuses = (s.containerStatuses ?? []).map((cs: AnyObj) => ({ ...cs, ready: false, started: false, state: { terminated: { exitCode: 255, reason: 'Unknown', startedAt: cs.state?.running?.startedAt ?? finishedAt, finishedAt, containerID: cs.containerID } } }));
    }, { subresource: 'status' });
  }

  // ------------------------------------------------------------------ graceful deletion

  private terminate(pod: K8sObject, grace: number, done: () => void): void {
    const node = (pod.spec as AnyObj)?.nodeName as string | undefined;
    const st = node ? this.nodes.get(node) : undefined;
    this.starting.delete(pod.metadata.uid!);
    if (!st) {
      // No such node: the pod garbage collector removes it.
      this.e.q.after(0, done);
      return;
    }
    if (!st.up) {
      // Nobody can confirm the containers stopped: the pod stays Terminating until the kubelet is back.
      st.pendingTerm.set(pod.metadata.uid!, done);
      return;
    }
    const seq = st.bootSeq;
    const running = phaseOf(pod) === 'Running';
    // PID 1 `sleep` ignores SIGTERM and is killed when the grace period ends; others exit promptly.
    const ignoresTerm = ((pod.spec as AnyObj).containers ?? []).some((c: AnyObj) => /(^|\/)sleep$/.test((c.command ?? [])[0] ?? ''));
    const ms = !running ? Math.min(grace * 1000, 200) : ignoresTerm ? grace * 1000 : Math.min(grace * 1000, between(...this.t.stopMs));
    this.e.q.after(ms, () => {
      if (st.up && st.bootSeq === seq) done();
      else st.pendingTerm.set(pod.metadata.uid!, done);
    });
  }

  // ------------------------------------------------------------------ static and guard pods

  private maybeRecreateStatic(pod: K8sObject): void {
    const node = (pod.spec as AnyObj)?.nodeName as string | undefined;
    const st = node ? this.nodes.get(node) : undefined;
    if (!st) return;
    const mirror = pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;
    // OpenShift's static-pod operators keep one guard pod per control-plane node (GuardController).
    const guard = !mirror && pod.metadata.labels?.app === 'guard' && !controllerRef(pod) && /-guard-/.test(pod.metadata.name ?? '');
    if (!mirror && !guard) return;
    const again = (): void => {
      if (!st.up) {
        this.e.q.after(5_000, again);
        return;
      }
      if (this.e.store.peek('pods', pod.metadata.namespace, pod.metadata.name!)) return;
      const now = this.e.clock.nowIso();
      const o: AnyObj = JSON.parse(JSON.stringify(pod));
      const md = o.metadata;
      for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) delete md[f];
      if (mirror) {
        // The static pod kept running; only its API mirror is new.
        o.status = { ...(o.status ?? {}) };
      } else {
        o.status = { phase: 'Pending' };
      }
      try {
        const created = this.e.store.create('pods', o as K8sObject);
        if (!mirror) this.maybeStart(created);
        void now;
      } catch {
        // already back
      }
    };
    this.e.q.after(between(500, 1500), again);
  }

  // ------------------------------------------------------------------ node events

  /** A core/v1 Event about a node, as the kubelet (uid = node name) or the node controller records it. */
  private nodeEvent(node: string, component: 'kubelet' | 'node-controller', type: 'Normal' | 'Warning', reason: string, message: string): void {
    const now = this.e.clock.nowIso();
    const uid = component === 'kubelet' ? node : ((this.e.store.peek('nodes', undefined, node) as K8sObject | undefined)?.metadata.uid ?? node);
    try {
      this.e.store.create('events', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${node}.${hex(16)}`, namespace: 'default' },
        involvedObject: { kind: 'Node', name: node, uid, ...(component === 'node-controller' ? { apiVersion: 'v1' } : {}) },
        reason,
        message,
        source: { component, ...(component === 'kubelet' ? { host: node } : {}) },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: component === 'kubelet' ? node : '',
      } as unknown as K8sObject);
    } catch {
      // events are best effort, as in kube
    }
  }

  // ------------------------------------------------------------------ heartbeats

  private ensureLease(node: string): void {
    if (this.e.store.peek('leases.coordination.k8s.io', 'kube-node-lease', node)) return;
    if (!this.e.store.peek('namespaces', undefined, 'kube-node-lease')) return;
    const n = this.e.store.peek('nodes', undefined, node) as K8sObject | undefined;
    try {
      this.e.store.create('leases.coordination.k8s.io', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: node, namespace: 'kube-node-lease', ...(n ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: n.metadata.uid! }] } : {}) },
        spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime: microTime(this.e.clock.nowMs()) },
      } as K8sObject);
    } catch {
      // raced
    }
  }

  private renewLease(node: string): void {
    const now = this.e.clock.nowMs();
    const r = this.e.store.mutate('leases.coordination.k8s.io', 'kube-node-lease', node, (l) => {
      (l.spec as AnyObj).renewTime = microTime(now);
    });
    if (!r) this.ensureLease(node);
  }

  private heartbeatTick(): void {
    const now = this.e.clock.nowMs();
    const n = this.nodes.size;
    // Stretch the intervals when nodes × speed would exceed the write budget (5,000 nodes at speed 60).
    const stretch = Math.max(1, (n * this.e.clock.speed) / (this.t.heartbeatWritesPerSecond * (this.t.leaseRenewMs / 1000)));
    let budget = Math.ceil(this.t.heartbeatWritesPerSecond / 5);
    for (const st of this.nodes.values()) {
      if (budget <= 0) break;
      if (!st.up) continue;
      if ((this.leaseDue.get(st.name) ?? 0) <= now) {
        this.leaseDue.set(st.name, now + this.t.leaseRenewMs * stretch);
        this.renewLease(st.name);
        budget--;
      }
      if ((this.hbDue.get(st.name) ?? 0) <= now) {
        this.hbDue.set(st.name, now + between(...this.t.heartbeatMs) * stretch);
        const iso = this.e.clock.nowIso();
        this.e.store.mutate('nodes', undefined, st.name, (node) => {
          const s = node.status as AnyObj;
          if (getCond(node, 'Ready')?.status !== 'True') return false;
          for (const c of s.conditions ?? []) c.lastHeartbeatTime = iso;
        }, { subresource: 'status' });
        budget--;
      }
    }
  }

  /** For tests and faults: keys of pods the kubelet of `node` currently runs. */
  podKeysOn(node: string): string[] {
    return [...(this.podsOnNode.get(node) ?? [])];
  }
}

function Clock_iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export { splitKey };
