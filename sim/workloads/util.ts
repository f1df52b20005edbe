// Shared helpers of the workload simulation: a Clock-driven timer queue (one real timer for many
// simulated deadlines, so 100,000 pods do not mean 100,000 Node timers), label-selector and
// toleration matching as kube's helpers do, intOrPercent scaling and kube's template hash.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock';
import type { K8sObject } from '../store';

export const HASH_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** utilrand.String(n): kube's random suffix alphabet (no vowels, no look-alikes). */
export function randSuffix(n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += HASH_ALPHABET[b[i]! % HASH_ALPHABET.length];
  return s;
}

export function hex(n: number): string {
  return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

/** JSON with sorted keys, so equal objects hash equally whatever their key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** controller.ComputeHash: fnv32a of the template, printed in decimal, then rand.SafeEncodeString. */
export function computeHash(template: unknown, collisionCount = 0): string {
  const s = canonical(template) + (collisionCount ? String(collisionCount) : '');
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return String(h)
    .split('')
    .map((ch) => HASH_ALPHABET[ch.charCodeAt(0) % HASH_ALPHABET.length])
    .join('');
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.LabelSelectorAsSelector semantics; `nil` selects nothing, `{}` everything. */
export function selectorMatches(sel: LabelSelector | undefined | null, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const vals = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !vals.includes(l[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && vals.includes(l[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

export function selectorString(sel: LabelSelector | undefined): string {
  const parts = Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** v1.Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

export function toleratesAll(tols: Toleration[] | undefined, taints: Taint[], effects: string[]): Taint | undefined {
  for (const taint of taints) {
    if (!effects.includes(taint.effect)) continue;
    if (!(tols ?? []).some((t) => tolerates(t, taint))) return taint;
  }
  return undefined;
}

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaled(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export type Cond = { type: string; status: string; [k: string]: unknown };

export function getCond(o: K8sObject | { status?: unknown } | undefined, type: string): Cond | undefined {
  return ((((o as { status?: unknown } | undefined)?.status as { conditions?: Cond[] } | undefined)?.conditions ?? []) as Cond[]).find((c) => c.type === type);
}

export function isPodReady(p: K8sObject | undefined): boolean {
  return getCond(p, 'Ready')?.status === 'True';
}

export function phaseOf(p: K8sObject): string {
  return ((p.status as { phase?: string } | undefined)?.phase ?? 'Pending') as string;
}

/** controller.IsPodActive: not terminal and not being deleted. */
export function isPodActive(p: K8sObject): boolean {
  const ph = phaseOf(p);
  return ph !== 'Succeeded' && ph !== 'Failed' && !p.metadata.deletionTimestamp;
}

export function controllerRef(o: K8sObject): { kind: string; name: string; uid: string; apiVersion: string } | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller) as { kind: string; name: string; uid: string; apiVersion: string } | undefined;
}

export function podKey(ns: string | undefined, name: string): string {
  return `${ns ?? ''}/${name}`;
}

export function splitKey(k: string): [string, string] {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
}

export function deepCopy<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

interface QItem {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Many simulated deadlines on one real timer: a binary heap ordered by simulated time, drained
 * by a single Clock timeout re-armed for the earliest item. `budget` caps how many items run per
 * drain so a burst (100,000 pod starts) is spread instead of blocking the event loop.
 */
const DRAIN_SLICE_MS = 15;

export class TimerQueue {
  private heap: QItem[] = [];
  private seq = 0;
  private timer?: { cancel(): void };
  private armedAt = Infinity;
  private closed = false;

  constructor(private clock: Clock, private budget = 2000) {}

  get size(): number {
    return this.heap.length;
  }

  at(simMs: number, fn: () => void): { cancel(): void } {
    const it: QItem = { at: simMs, seq: this.seq++, fn, cancelled: false };
    this.push(it);
    this.arm();
    return { cancel: () => (it.cancelled = true) };
  }

  after(delayMs: number, fn: () => void): { cancel(): void } {
    return this.at(this.clock.nowMs() + Math.max(0, delayMs), fn);
  }

  close(): void {
    this.closed = true;
    this.timer?.cancel();
    this.heap = [];
  }

  private arm(): void {
    if (this.closed) return;
    const top = this.heap[0];
    if (!top) return;
    if (this.timer && top.at >= this.armedAt) return;
    this.timer?.cancel();
    this.armedAt = top.at;
    this.timer = this.clock.setTimeout(() => this.drain(), Math.max(0, top.at - this.clock.nowMs()));
  }

  private drain(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    if (this.closed) return;
    const now = this.clock.nowMs();
    // Count and time both bound a drain: a burst of heavy items (100,000 seeded pods' token
    // metadata) must not hold the event loop for longer than a frame, or list pages wait seconds.
    const until = performance.now() + DRAIN_SLICE_MS;
    let n = 0;
    while (this.heap.length && this.heap[0]!.at <= now && n < this.budget && performance.now() < until) {
      const it = this.pop()!;
      if (it.cancelled) continue;
      n++;
      try {
        it.fn();
      } catch (e) {
        console.error('sim workloads: timer failed', e);
      }
    }
    if (this.heap.length && this.heap[0]!.at <= this.clock.nowMs()) {
      // Over budget: yield to I/O, then continue.
      this.armedAt = 0;
      const t = setImmediate(() => this.drain());
      this.timer = { cancel: () => clearImmediate(t) };
      return;
    }
    this.arm();
  }

  private less(a: QItem, b: QItem): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(it: QItem): void {
    const h = this.heap;
    h.push(it);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): QItem | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** A uniformly random duration in [min, max] simulated ms. */
export function between(min: number, max: number): number {
  return min + Math.random() * (max - min);
}
