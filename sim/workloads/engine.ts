// The shared core of the workload simulation: one store listener per resource (each store event is
// cloned once, not once per controller), the pod indexes by owner, and the controllers' work
// queues. Controllers never write from inside a store listener: events mark keys dirty and a flush
// on the next tick reconciles each dirty key once, as client-go work queues coalesce.
import type { Clock } from '../clock';
import type { K8sObject, Store, WatchEventType } from '../store';
import { controllerRef, podKey, TimerQueue } from './util';

export type Kind = 'deployments' | 'replicasets' | 'daemonsets' | 'statefulsets' | 'jobs' | 'pdbs';
export type Handler = (type: WatchEventType, obj: K8sObject, old?: K8sObject) => void;

export const STORE_KEY: Record<Kind, string> = {
  deployments: 'deployments.apps',
  replicasets: 'replicasets.apps',
  daemonsets: 'daemonsets.apps',
  statefulsets: 'statefulsets.apps',
  jobs: 'jobs.batch',
  pdbs: 'poddisruptionbudgets.policy',
};

const FLUSH_SLICE_MS = 15;

export class Engine {
  readonly q: TimerQueue;
  /** owner uid → pod keys "ns/name" (controller references only). */
  readonly podsByOwner = new Map<string, Set<string>>();
  private dirty = new Map<Kind, Set<string>>();
  private reconcilers = new Map<Kind, (ns: string, name: string) => void>();
  private handlers = new Map<string, Handler[]>();
  private unsubs: (() => void)[] = [];
  private flushQueued = false;
  private closed = false;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
  ) {
    this.q = new TimerQueue(clock);
  }

  /** Registers a handler for a store key; one store listener per key whatever the handler count. */
  on(key: string, fn: Handler): void {
    let hs = this.handlers.get(key);
    if (!hs) {
      this.handlers.set(key, (hs = []));
      const list = hs;
      this.unsubs.push(
        this.store.on(key, (type, obj, old) => {
          if (this.closed) return;
          for (const h of list) {
            try {
              h(type, obj, old);
            } catch (e) {
              console.error(`sim workloads: ${key} handler failed`, e);
            }
          }
        }),
      );
    }
    hs.push(fn);
  }

  /** Feeds an event to the registered handlers as if the store had sent it (index bootstrap). */
  emit(key: string, type: WatchEventType, obj: K8sObject, old?: K8sObject): void {
    for (const h of this.handlers.get(key) ?? []) h(type, obj, old);
  }

  setReconciler(kind: Kind, fn: (ns: string, name: string) => void): void {
    this.reconcilers.set(kind, fn);
  }

  markDirty(kind: Kind, ns: string | undefined, name: string): void {
    let s = this.dirty.get(kind);
    if (!s) this.dirty.set(kind, (s = new Set()));
    s.add(podKey(ns, name));
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushQueued || this.closed) return;
    this.flushQueued = true;
    // Zero delay: controllers react at once; batching comes from coalescing within a tick.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.closed) return;
    const order: Kind[] = ['deployments', 'replicasets', 'daemonsets', 'statefulsets', 'jobs', 'pdbs'];
    // A slice of at most ~15 ms, then yield to I/O: at 2,000 Deployments one pass takes seconds,
    // and API requests must not wait for it.
    const until = performance.now() + FLUSH_SLICE_MS;
    for (const kind of order) {
      const s = this.dirty.get(kind);
      if (!s || s.size === 0) continue;
      const fn = this.reconcilers.get(kind);
      if (!fn) {
        s.clear();
        continue;
      }
      for (const k of s) {
        if (performance.now() >= until) {
          this.scheduleFlush();
          return;
        }
        s.delete(k);
        const i = k.indexOf('/');
        try {
          fn(k.slice(0, i), k.slice(i + 1));
        } catch (e) {
          console.error(`sim workloads: reconcile ${kind} ${k} failed`, e);
        }
      }
    }
  }

  /** Pods whose controller reference points at `uid` (frozen store objects: read only). */
  ownedPods(uid: string): K8sObject[] {
    const out: K8sObject[] = [];
    const s = this.podsByOwner.get(uid);
    if (!s) return out;
    for (const k of s) {
      const i = k.indexOf('/');
      const p = this.store.peek('pods', k.slice(0, i), k.slice(i + 1)) as K8sObject | undefined;
      if (p && controllerRef(p)?.uid === uid) out.push(p);
    }
    return out;
  }

  indexPod(type: WatchEventType, pod: K8sObject, old?: K8sObject): void {
    const k = podKey(pod.metadata.namespace, pod.metadata.name!);
    const before = old ? controllerRef(old)?.uid : undefined;
    const now = type === 'DELETED' ? undefined : controllerRef(pod)?.uid;
    if (before && before !== now) this.podsByOwner.get(before)?.delete(k);
    if (type === 'DELETED') {
      const u = controllerRef(pod)?.uid;
      if (u) {
        const s = this.podsByOwner.get(u);
        s?.delete(k);
        if (s && s.size === 0) this.podsByOwner.delete(u);
      }
      return;
    }
    if (now) {
      let s = this.podsByOwner.get(now);
      if (!s) this.podsByOwner.set(now, (s = new Set()));
      s.add(k);
    }
  }

  close(): void {
    this.closed = true;
    for (const u of this.unsubs) u();
    this.unsubs = [];
    this.q.close();
  }
}
