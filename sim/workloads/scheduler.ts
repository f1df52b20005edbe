// The default scheduler: binds Pending pods without spec.nodeName to a Ready, schedulable node
// whose taints they tolerate and whose labels match their nodeSelector / required node affinity,
// preferring the least loaded node. Like kube-scheduler at scale it scores only a sample of the
// feasible nodes (percentageOfNodesToScore), starting where the last search stopped. A pod that
// fits nowhere gets PodScheduled=False, reason Unschedulable, with kube's FitError message, and
// is retried when nodes change.
import type { K8sObject } from '../store';
import type { Engine } from './engine';
import type { Kubelets } from './kubelet';
import { phaseOf, podKey, splitKey, toleratesAll, type Taint, type Toleration } from './util';

type AnyObj = Record<string, any>;

function nodeSelectorTermMatches(term: AnyObj, node: K8sObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const e of term.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const v = labels[e.key];
    const vals: string[] = e.values ?? [];
    if (e.operator === 'In' && !(has && vals.includes(v!))) return false;
    if (e.operator === 'NotIn' && has && vals.includes(v!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
    if (e.operator === 'Gt' && !(has && Number(v) > Number(vals[0]))) return false;
    if (e.operator === 'Lt' && !(has && Number(v) < Number(vals[0]))) return false;
  }
  for (const f of term.matchFields ?? []) {
    if (f.key !== 'metadata.name') return false;
    const vals: string[] = f.values ?? [];
    if (f.operator === 'In' && !vals.includes(node.metadata.name!)) return false;
    if (f.operator === 'NotIn' && vals.includes(node.metadata.name!)) return false;
  }
  return true;
}

/** NodeAffinity filter: nodeSelector AND (any required term). */
export function nodeMatchesPod(spec: AnyObj, node: K8sObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((spec.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as AnyObj[] | undefined;
  if (terms && terms.length > 0 && !terms.some((t) => nodeSelectorTermMatches(t, node))) return false;
  return true;
}

export function nodeTaints(node: K8sObject): Taint[] {
  return ((node.spec as AnyObj | undefined)?.taints ?? []) as Taint[];
}

/** Why a node does not fit a pod (kube's filter reasons), or undefined when it fits. */
export function unfitReason(spec: AnyObj, node: K8sObject): string | undefined {
  const ns = (node.spec ?? {}) as AnyObj;
  const tols = (spec.tolerations ?? []) as Toleration[];
  if (ns.unschedulable && !tols.some((t) => (t.key === 'node.kubernetes.io/unschedulable' || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === 'NoSchedule'))) return 'node(s) were unschedulable';
  // Filter plugin order: NodeUnschedulable, TaintToleration, NodeAffinity; the first failure is the node's reason.
  const bad = toleratesAll(tols, nodeTaints(node), ['NoSchedule', 'NoExecute']);
  if (bad) return `node(s) had untolerated taint {${bad.key}: ${bad.value ?? ''}}`;
  if (!nodeMatchesPod(spec, node)) return "node(s) didn't match Pod's node affinity/selector";
  return undefined;
}

export class Scheduler {
  private pending = new Set<string>();
  private unschedulable = new Set<string>();
  private cursor = 0;
  private queued = false;
  private retryTimer?: { cancel(): void };

  constructor(
    private e: Engine,
    private kubelets: Kubelets,
  ) {
    e.on('pods', (type, pod) => {
      const k = podKey(pod.metadata.namespace, pod.metadata.name!);
      if (type === 'DELETED' || (pod.spec as AnyObj)?.nodeName || pod.metadata.deletionTimestamp || phaseOf(pod) !== 'Pending') {
        this.pending.delete(k);
        this.unschedulable.delete(k);
        return;
      }
      const sn = (pod.spec as AnyObj)?.schedulerName ?? 'default-scheduler';
      if (sn !== 'default-scheduler') return;
      if (!this.unschedulable.has(k)) this.enqueue(k);
    });
    e.on('nodes', (type, node, old) => {
      // Node changes may make unschedulable pods fit (MoveAllToActiveOrBackoffQueue).
      if (type === 'MODIFIED' && old && JSON.stringify(node.spec) === JSON.stringify(old.spec) && JSON.stringify(node.metadata.labels) === JSON.stringify(old.metadata.labels)) return;
      this.retryUnschedulable();
    });
    this.retryTimer = e.clock.setInterval(() => this.retryUnschedulable(), 60_000);
  }

  close(): void {
    this.retryTimer?.cancel();
  }

  enqueue(k: string): void {
    this.pending.add(k);
    if (this.queued) return;
    this.queued = true;
    setImmediate(() => this.run());
  }

  private retryUnschedulable(): void {
    if (this.unschedulable.size === 0) return;
    const ks = [...this.unschedulable];
    this.unschedulable.clear();
    for (const k of ks) this.enqueue(k);
  }

  private run(): void {
    this.queued = false;
    const batch = [...this.pending];
    this.pending.clear();
    const nodes = this.e.store.listPage('nodes', { copy: false }).items;
    for (const k of batch) {
      const [ns, name] = splitKey(k);
      const pod = this.e.store.peek('pods', ns, name) as K8sObject | undefined;
      if (!pod || (pod.spec as AnyObj)?.nodeName || pod.metadata.deletionTimestamp) continue;
      this.scheduleOne(pod, nodes);
    }
  }

  private scheduleOne(pod: K8sObject, nodes: K8sObject[]): void {
    const spec = pod.spec as AnyObj;
    const n = nodes.length;
    // percentageOfNodesToScore adaptive default: 50 - n/125, at least 5 %, at least 100 nodes.
    const pct = Math.max(5, 50 - Math.floor(n / 125));
    const want = n < 100 ? n : Math.max(100, Math.floor((n * pct) / 100));
    const feasible: K8sObject[] = [];
    const reasons = new Map<string, number>();
    let i = 0;
    for (; i < n && feasible.length < want; i++) {
      const node = nodes[(this.cursor + i) % n]!;
      const why = unfitReason(spec, node);
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      else feasible.push(node);
    }
    this.cursor = n ? (this.cursor + i) % n : 0;
    const k = podKey(pod.metadata.namespace, pod.metadata.name!);
    if (feasible.length === 0) {
      const parts = [...reasons.entries()].map(([r, c]) => `${c} ${r}`).sort();
      const msg = `0/${n} nodes are available: ${parts.join(', ')}. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;
      this.unschedulable.add(k);
      this.e.store.mutate('pods', pod.metadata.namespace, pod.metadata.name!, (p) => {
        if ((p.spec as AnyObj).nodeName) return false;
        const st = (p.status ??= {}) as AnyObj;
        const conds: AnyObj[] = (st.conditions ??= []);
        const c = conds.find((x) => x.type === 'PodScheduled');
        if (c && c.status === 'False' && c.message === msg) return false;
        const now = this.e.clock.nowIso();
        const nc = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: c?.status === 'False' ? c.lastTransitionTime : now, reason: 'Unschedulable', message: msg };
        if (c) Object.assign(c, nc);
        else conds.push(nc);
      }, { subresource: 'status' });
      return;
    }
    let best = feasible[0]!;
    let bestLoad = Infinity;
    for (const node of feasible) {
      const load = this.kubelets.podCount(node.metadata.name!);
      if (load < bestLoad) {
        best = node;
        bestLoad = load;
      }
    }
    this.bind(pod, best.metadata.name!);
  }

  /** The pods/binding subresource: sets spec.nodeName, then PodScheduled=True. */
  bind(pod: K8sObject, node: string): void {
    const now = this.e.clock.nowIso();
    const ns = pod.metadata.namespace;
    const name = pod.metadata.name!;
    const bound = this.e.store.mutate('pods', ns, name, (p) => {
      const spec = p.spec as AnyObj;
      if (spec.nodeName || p.metadata.deletionTimestamp) return false;
      spec.nodeName = node;
    });
    if (!bound || (bound.spec as AnyObj).nodeName !== node) return;
    this.e.store.mutate('pods', ns, name, (p) => {
      if ((p.spec as AnyObj).nodeName !== node) return false;
      const st = (p.status ??= {}) as AnyObj;
      const conds: AnyObj[] = (st.conditions ?? []).filter((c: AnyObj) => c.type !== 'PodScheduled');
      conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
      st.conditions = conds;
    }, { subresource: 'status' });
  }
}
