// The fan-out: one SharedInformer per (cluster, resource path), shared by every subscriber, kept on
// globalThis because Next compiles route handlers into separate bundles that would otherwise each
// hold their own hub (and open their own watches). A subscriber is authorized before it is attached
// (the caller's callback asks the cluster with the user's credentials; the hub knows no users),
// then gets the current state, a snapshot (or, resuming, only the changes it missed), then deltas.
// The last subscriber leaving starts a short linger, so a page reload does not relist.
import 'server-only';
import type { KubeConfig } from '@kubernetes/client-node';
import { SharedInformer, type InformerListener, type InformerOptions } from './informer';
import type { KubeObject, LiveEvent, LiveResume, LiveSnapshot, LiveState } from './types';

export interface WatchTarget {
  /** Collection path, e.g. '/api/v1/nodes' or '/apis/operator.openshift.io/v1/kubeapiservers'. */
  path: string;
  /** Credentials of the shared watch: the dashboard's own identity, never a user's. */
  kubeConfig: KubeConfig;
  /** Names the cluster in the hub's key; default: the kubeconfig's current server URL. */
  cluster?: string;
  /** Only objects with these labels (a watch per distinct selector: keep the set small and fixed). */
  labelSelector?: string;
  fieldSelector?: string;
}

/** true/false, or a refusal that tells the caller the user may poll instead (may list, not watch). */
export type AuthorizeResult = boolean | { allowed: boolean; fallback?: 'poll'; reason?: string };

export interface Subscriber {
  /** Asked once before attaching (and again every `reauthorizeMs`): e.g. a SelfSubjectAccessReview for list+watch. */
  authorize: () => Promise<AuthorizeResult>;
  onSnapshot: (snapshot: LiveSnapshot) => void;
  onEvent: (ev: LiveEvent) => void;
  onState?: (state: LiveState) => void;
  /** Resuming from `resumeFrom` worked: the missed changes follow as onEvent calls. */
  onResume?: (resume: LiveResume) => void;
  /** The hub detached the subscriber itself (access revoked, hub closed). */
  onClose?: (reason: 'forbidden' | 'closed') => void;
  /** A resourceVersion the subscriber already has (SSE Last-Event-ID). */
  resumeFrom?: string;
  /** Aborting it unsubscribes (and cancels an attach still waiting for authorization). */
  signal?: AbortSignal;
}

export class LiveForbiddenError extends Error {
  readonly fallback?: 'poll';
  constructor(reason?: string, fallback?: 'poll') {
    super(reason ?? 'not allowed to list and watch this resource');
    this.name = 'LiveForbiddenError';
    if (fallback) this.fallback = fallback;
  }
}

export interface HubOptions {
  /** How long an informer outlives its last subscriber. Default 5 s. */
  lingerMs?: number;
  /** Re-run each subscriber's authorize this often (0 = never). Default 5 min. */
  reauthorizeMs?: number;
  informer?: InformerOptions;
}

interface Entry {
  key: string;
  informer: SharedInformer;
  /** detach function → how to tell that subscriber the hub closed it. */
  subscribers: Map<() => void, () => void>;
  linger?: ReturnType<typeof setTimeout>;
}

export interface HubStats {
  key: string;
  subscribers: number;
  state: LiveState;
  objects: number;
  resourceVersion?: string;
}

const normalize = (r: AuthorizeResult): { allowed: boolean; fallback?: 'poll'; reason?: string } => (typeof r === 'boolean' ? { allowed: r } : r);

export function targetKey(t: WatchTarget): string {
  const cluster = t.cluster ?? t.kubeConfig.getCurrentCluster()?.server ?? 'default';
  const q = new URLSearchParams();
  if (t.labelSelector) q.set('labelSelector', t.labelSelector);
  if (t.fieldSelector) q.set('fieldSelector', t.fieldSelector);
  return q.size ? `${cluster} ${t.path}?${q}` : `${cluster} ${t.path}`;
}

export class LiveHub {
  private readonly entries = new Map<string, Entry>();
  private readonly lingerMs: number;
  private readonly reauthorizeMs: number;

  constructor(private readonly opts: HubOptions = {}) {
    this.lingerMs = opts.lingerMs ?? 5_000;
    this.reauthorizeMs = opts.reauthorizeMs ?? 5 * 60_000;
  }

  /**
   * Authorizes, then attaches. Resolves to the unsubscribe function (idempotent); rejects with
   * LiveForbiddenError when `authorize` says no. Authorization errors (the review itself failed)
   * propagate unchanged.
   */
  async subscribe(target: WatchTarget, sub: Subscriber): Promise<() => void> {
    const decision = normalize(await sub.authorize());
    if (!decision.allowed) throw new LiveForbiddenError(decision.reason, decision.fallback);
    if (sub.signal?.aborted) return () => {};

    const entry = this.entry(target);
    const { informer } = entry;
    let detached = false;
    let needsSnapshot = true;
    let reauth: ReturnType<typeof setInterval> | undefined;
    let removeListener: () => void = () => {};

    const snapshot = (reason: LiveSnapshot['reason']) => {
      needsSnapshot = false;
      sub.onSnapshot({ resourceVersion: informer.resourceVersion ?? '', items: informer.items(), reason });
    };
    const listener: InformerListener = {
      onEvent: (ev) => {
        if (!needsSnapshot) sub.onEvent(ev);
      },
      onState: (s) => sub.onState?.(s),
      onSync: () => {
        if (needsSnapshot) snapshot('initial');
      },
    };

    const detach = () => {
      if (detached) return;
      detached = true;
      clearInterval(reauth);
      removeListener();
      sub.signal?.removeEventListener('abort', detach);
      entry.subscribers.delete(detach);
      if (entry.subscribers.size === 0) this.scheduleLinger(entry);
    };

    entry.subscribers.set(detach, () => sub.onClose?.('closed'));
    if (entry.linger) {
      clearTimeout(entry.linger);
      entry.linger = undefined;
    }
    removeListener = informer.addListener(listener);
    sub.signal?.addEventListener('abort', detach, { once: true });

    sub.onState?.(informer.state);
    if (informer.hasSynced) {
      const missed = sub.resumeFrom ? informer.changesSince(sub.resumeFrom) : undefined;
      if (sub.resumeFrom && missed) {
        needsSnapshot = false;
        sub.onResume?.({ from: sub.resumeFrom, resourceVersion: informer.resourceVersion ?? '', missed: missed.length });
        for (const ev of missed) sub.onEvent(ev);
      } else {
        snapshot(sub.resumeFrom ? 'resume-unavailable' : 'initial');
      }
    }
    informer.start();

    if (this.reauthorizeMs > 0) {
      reauth = setInterval(() => {
        sub.authorize().then(
          (r) => {
            if (detached || normalize(r).allowed) return;
            detach();
            sub.onClose?.('forbidden');
          },
          // A failed review (API down) is not a denial: keep serving, the next round asks again.
          () => {},
        );
      }, this.reauthorizeMs);
      reauth.unref?.();
    }
    return detach;
  }

  /** The shared cache for `target` if some subscriber keeps it open and it has data. */
  peek(target: WatchTarget): { state: LiveState; resourceVersion: string; items: Array<{ key: string; object: KubeObject }> } | undefined {
    const e = this.entries.get(targetKey(target));
    if (!e || !e.informer.hasSynced) return undefined;
    return { state: e.informer.state, resourceVersion: e.informer.resourceVersion ?? '', items: e.informer.items() };
  }

  stats(): HubStats[] {
    return [...this.entries.values()].map((e) => {
      const s: HubStats = { key: e.key, subscribers: e.subscribers.size, state: e.informer.state, objects: e.informer.size };
      if (e.informer.resourceVersion !== undefined) s.resourceVersion = e.informer.resourceVersion;
      return s;
    });
  }

  /** The informer behind `target` (operations and tests). */
  informerFor(target: WatchTarget): SharedInformer | undefined {
    return this.entries.get(targetKey(target))?.informer;
  }

  /** Detaches everyone and stops every informer. */
  close(): void {
    for (const e of [...this.entries.values()]) {
      clearTimeout(e.linger);
      for (const [detach, tell] of [...e.subscribers]) {
        detach();
        tell();
      }
      clearTimeout(e.linger);
      e.informer.stop();
    }
    this.entries.clear();
  }

  private entry(target: WatchTarget): Entry {
    const key = targetKey(target);
    let e = this.entries.get(key);
    if (!e) {
      e = { key, informer: new SharedInformer(target.kubeConfig, target.path, this.opts.informer, { labelSelector: target.labelSelector, fieldSelector: target.fieldSelector }), subscribers: new Map() };
      this.entries.set(key, e);
    }
    return e;
  }

  private scheduleLinger(e: Entry): void {
    clearTimeout(e.linger);
    e.linger = setTimeout(() => {
      e.linger = undefined;
      if (e.subscribers.size > 0 || this.entries.get(e.key) !== e) return;
      e.informer.stop();
      this.entries.delete(e.key);
    }, this.lingerMs);
  }
}

const g = globalThis as unknown as { __btdLiveHub?: LiveHub };

/** The process-wide hub (one per Node process, whatever bundle asks). */
export function getLiveHub(): LiveHub {
  return (g.__btdLiveHub ??= new LiveHub());
}
