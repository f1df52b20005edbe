// The workflow engine: plan (dry run) → preflight → access review of the initiator → typed
// confirmation → steps run in the background under the dashboard's identity, one workflow at a
// time cluster-wide (a Lease), state and history in ConfigMaps, every action an Event, progress
// to subscribers, pause/resume/abort, and a restarted process picking up where the last one stopped.
import 'server-only';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { checkAccess, deniedText } from './access';
import { RunInterrupted, StepFailure, type StepContext, type StepResult } from './context';
import { EventRecorder, type EventReason } from './events';
import { errorText, Kube } from './kube';
import { cordon, drain, reboot, uncordon, waitDaemonSets, waitNodeReady } from './node-steps';
import { accessFor, normalizeOptions, planFor } from './plan';
import { deleteNamespacePods, restartNamespace } from './pod-steps';
import { preflight as runPreflight } from './preflight';
import { issuerChangeCutoff, type ClusterSnapshot } from './snapshot';
import * as S from './state';
import { LeaseLock, STATE_CONFIGMAP, StateStore } from './store';
import type {
  AccessCheck,
  Initiator,
  NodeRestartOptions,
  ObjectRef,
  Plan,
  PodRestartOptions,
  PreflightResult,
  StepRecord,
  WorkflowErrorCode,
  WorkflowEvent,
  WorkflowKind,
  WorkflowOptions,
  WorkflowState,
  WorkflowSummary,
} from './types';

export const DEFAULT_NAMESPACE = 'bound-token-dashboard';

export class WorkflowError extends Error {
  constructor(
    readonly code: WorkflowErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}

export interface EngineOptions {
  /** The dashboard's own identity: every workflow action runs with it. */
  kubeConfig: KubeConfig;
  /** Where state, history and the Lease live (default: env BTD_NAMESPACE, else bound-token-dashboard). */
  namespace?: string;
  /** This process's Lease holder identity (default: host-pid-random). */
  identity?: string;
  leaseDurationSeconds?: number;
  /** Poll interval of the waits (node Ready, rollouts, drains), in ms. */
  pollMs?: number;
  /** Resume a stored running workflow on first access and keep checking for orphans (default true). */
  autoResume?: boolean;
  /** Page size of lists (default 500). */
  pageSize?: number;
}

export interface StartRequest {
  kind: WorkflowKind;
  options?: Partial<WorkflowOptions>;
  /** What the user typed; must equal the plan's confirmation phrase. */
  confirmation: string;
  initiator: Initiator;
  /** The initiator's own credentials, for the SelfSubjectAccessReviews. */
  userKubeConfig: KubeConfig;
  /** Session id, to cache the access reviews briefly. */
  cacheKey?: string;
}

export interface ControlRequest {
  by: string;
  /** When given, the caller must pass the same access review as a start. */
  userKubeConfig?: KubeConfig;
  cacheKey?: string;
}

class ActiveRun {
  readonly controller = new AbortController();
  why: 'abort' | 'crash' | null = null;
  private waker: (() => void) | null = null;
  chain: Promise<unknown> = Promise.resolve();
  renewTimer: ReturnType<typeof setInterval> | null = null;

  constructor(public state: WorkflowState) {}

  interrupt(why: 'abort' | 'crash'): void {
    if (this.why === 'crash') return;
    this.why = why;
    this.controller.abort(why);
    this.wake();
  }
  wake(): void {
    const w = this.waker;
    this.waker = null;
    w?.();
  }
  waitWake(): Promise<void> {
    return new Promise((res) => (this.waker = res));
  }
}

const nowIso = () => new Date().toISOString();

/** The state could not be written: the run stops and is picked up again once the Lease expires. */
class PersistError extends Error {}

export class WorkflowEngine {
  readonly identity: string;
  readonly namespace: string;
  readonly kube: Kube;
  private readonly store: StateStore;
  private readonly lease: LeaseLock;
  private readonly recorder: EventRecorder;
  private readonly emitter = new EventEmitter();
  private readonly pollMs: number;
  private readonly leaseSeconds: number;
  private readonly autoResume: boolean;
  private run: ActiveRun | null = null;
  private resumeOnce: Promise<void> | null = null;
  private adoptTimer: ReturnType<typeof setInterval> | null = null;
  private disposed = false;

  constructor(opts: EngineOptions) {
    this.namespace = opts.namespace ?? (process.env.BTD_NAMESPACE || DEFAULT_NAMESPACE);
    this.identity = opts.identity ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.kube = new Kube(opts.kubeConfig, opts.pageSize ?? 500);
    this.store = new StateStore(this.kube, this.namespace);
    this.leaseSeconds = opts.leaseDurationSeconds ?? 15;
    this.lease = new LeaseLock(this.kube, this.namespace, this.identity, this.leaseSeconds);
    this.recorder = new EventRecorder(this.kube, this.identity);
    this.pollMs = opts.pollMs ?? 2000;
    this.autoResume = opts.autoResume ?? true;
    this.emitter.setMaxListeners(0);
  }

  // ------------------------------------------------------------------ reading the cluster

  async snapshot(kind: WorkflowKind): Promise<ClusterSnapshot> {
    const k = this.kube;
    const [nodes, pods, pdbs, deployments, statefulSets, replicaSets, kubeApiServer] = await Promise.all([
      k.listNodes(),
      k.listPods(),
      k.listPdbs(),
      k.listDeployments(),
      k.listStatefulSets(),
      k.listReplicaSets(),
      k.getKubeApiServer().catch((err) => {
        // No rights to read it is not "plain Kubernetes"; say so through the preflight instead.
        throw new WorkflowError('cluster', `Cannot read the KubeAPIServer: ${errorText(err)}`);
      }),
    ]);
    const daemonSets = kind === 'restart-all-pods' ? await k.listDaemonSets() : [];
    const namespaces = kind === 'restart-all-pods' ? (await k.listNamespaces()).map((n) => n.metadata?.name ?? '') : [];
    return { nodes, pods, pdbs, deployments, statefulSets, daemonSets, replicaSets, jobs: [], namespaces, kubeApiServer };
  }

  private resolveCutoff(options: WorkflowOptions, snap: Pick<ClusterSnapshot, 'kubeApiServer'>): string | null {
    const o = options as Partial<PodRestartOptions>;
    if (!o.onlyStartedBefore) return null;
    if (o.onlyStartedBefore !== 'issuer-change') return new Date(o.onlyStartedBefore).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const c = issuerChangeCutoff(snap.kubeApiServer);
    if (!c) throw new WorkflowError('invalid', 'No previous issuer is trusted any more (or the issuer never changed), so "only pods started before the issuer change" has no cutoff. Restart without that filter, or give a time.');
    return c;
  }

  private normalize(kind: WorkflowKind, raw: Partial<WorkflowOptions> | undefined): WorkflowOptions {
    if (kind !== 'rolling-node-restart' && kind !== 'restart-all-pods') throw new WorkflowError('invalid', `Unknown workflow "${String(kind)}".`);
    try {
      return normalizeOptions(kind, raw);
    } catch (err) {
      throw new WorkflowError('invalid', (err as Error).message);
    }
  }

  /** The dry run plus the preflight, from one read of the cluster. Read-only. */
  async inspect(kind: WorkflowKind, rawOptions?: Partial<WorkflowOptions>): Promise<{ plan: Plan; preflight: PreflightResult }> {
    const options = this.normalize(kind, rawOptions);
    const snap = await this.snapshot(kind);
    const cutoff = this.resolveCutoff(options, snap);
    const createdAt = nowIso();
    let plan: Plan;
    try {
      plan = planFor(kind, snap, options, { dashboardNamespace: this.namespace, createdAt, cutoff, openshift: snap.kubeApiServer !== null });
    } catch (err) {
      throw new WorkflowError('invalid', (err as Error).message);
    }
    const pre = runPreflight(kind, options, snap, { dashboardNamespace: this.namespace, checkedAt: createdAt, cutoffMs: cutoff ? Date.parse(cutoff) : null });
    return { plan, preflight: pre };
  }

  async plan(kind: WorkflowKind, rawOptions?: Partial<WorkflowOptions>): Promise<Plan> {
    return (await this.inspect(kind, rawOptions)).plan;
  }

  async preflight(kind: WorkflowKind, rawOptions?: Partial<WorkflowOptions>): Promise<PreflightResult> {
    return (await this.inspect(kind, rawOptions)).preflight;
  }

  /** SelfSubjectAccessReviews, with the user's credentials, for every verb the workflow uses. */
  async checkAccess(kind: WorkflowKind, rawOptions: Partial<WorkflowOptions> | undefined, userKubeConfig: KubeConfig, cacheKey?: string): Promise<AccessCheck> {
    const options = this.normalize(kind, rawOptions);
    const openshift = (await this.kube.getKubeApiServer().catch(() => null)) !== null;
    return checkAccess(userKubeConfig, accessFor(kind, options, { dashboardNamespace: this.namespace, openshift }), cacheKey ? { cacheKey } : {});
  }

  // ------------------------------------------------------------------ state reads

  /** The running, paused or last workflow (null when none was ever run). */
  async current(): Promise<WorkflowState | null> {
    await this.ensureResumed();
    if (this.run) return this.run.state;
    return this.store.load();
  }

  async get(id: string): Promise<WorkflowState | null> {
    const cur = await this.current();
    if (cur?.id === id) return cur;
    return (await this.store.history()).find((w) => w.id === id) ?? null;
  }

  /** Newest first: the current one, then the archived ones. */
  async history(): Promise<WorkflowSummary[]> {
    const cur = await this.current();
    const past = await this.store.history();
    const all = cur ? [cur, ...past.filter((p) => p.id !== cur.id)] : past;
    return all.map(S.summarize);
  }

  /** Is a workflow running in this process right now? */
  isRunning(): boolean {
    return this.run !== null;
  }

  // ------------------------------------------------------------------ start and control

  async start(req: StartRequest): Promise<WorkflowState> {
    if (this.disposed) throw new WorkflowError('state', 'The workflow engine is shut down.');
    await this.ensureResumed();
    await this.settling;
    const options = this.normalize(req.kind, req.options);
    const access = await this.checkAccess(req.kind, options, req.userKubeConfig, req.cacheKey);
    if (!access.allowed) {
      throw new WorkflowError('forbidden', `${req.initiator.username} may not start this workflow: the access review refused ${deniedText(access)}. A workflow starts only when its initiator may do everything it does.`, access);
    }
    const { plan, preflight } = await this.inspect(req.kind, options);
    await this.settling;
    if (req.confirmation.trim() !== plan.confirmation) {
      throw new WorkflowError('confirmation', `Type "${plan.confirmation}" to confirm.`, { expected: plan.confirmation });
    }
    if (preflight.blocked) {
      const blocking = preflight.findings.filter((f) => f.blocks).map((f) => f.title);
      throw new WorkflowError('blocked', `The preflight blocks the start: ${blocking.join('; ')}.`, preflight);
    }
    try {
      await this.store.ensureNamespace();
    } catch (err) {
      throw new WorkflowError('cluster', `${errorText(err)} The dashboard keeps workflow state there; create the namespace (or set BTD_NAMESPACE to one it may write in).`);
    }
    const busy = (s: WorkflowState | null) => {
      if (S.isActive(s)) throw new WorkflowError('busy', `Workflow ${s!.id} (${s!.kind}, started by ${s!.initiator.username}) is ${s!.status}; only one runs at a time.`, S.summarize(s!));
    };
    if (this.run) busy(this.run.state);
    busy(await this.store.load());
    const l = await this.lease.acquire();
    if (!l.ok) throw new WorkflowError('busy', `Another dashboard process (${l.holder}) holds the workflow lease${l.expiresAt ? ` until ${l.expiresAt}` : ''}; only one workflow runs at a time.`);
    try {
      busy(await this.store.load());
      if (this.run) busy(this.run.state);
    } catch (err) {
      await this.lease.release();
      throw err;
    }
    const id = `${req.kind === 'rolling-node-restart' ? 'nodes' : 'pods'}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
    const now = nowIso();
    const state: WorkflowState = { ...S.createState(plan, { id, initiator: req.initiator, now, stamp: now.replace(/\.\d{3}Z$/, 'Z'), ...(plan.cutoff ? { cutoff: plan.cutoff } : {}) }), runner: this.identity };
    const run = new ActiveRun(state);
    this.run = run;
    try {
      await this.commit(run, (s) => s);
    } catch (err) {
      this.run = null;
      await this.lease.release();
      throw new WorkflowError('cluster', `Could not store the workflow state in ${this.namespace}/${STATE_CONFIGMAP}: ${errorText(err)}`);
    }
    await this.event(this.stateRef(), 'WorkflowStarted', `${req.kind} started by ${req.initiator.username}: ${plan.steps.length} steps; options ${JSON.stringify(options)}`, 'Normal', id);
    this.launch(run);
    return run.state;
  }

  private async authorizeControl(req: ControlRequest, s: WorkflowState): Promise<void> {
    if (!req.userKubeConfig) return;
    const access = await this.checkAccess(s.kind, s.options, req.userKubeConfig, req.cacheKey);
    if (!access.allowed) throw new WorkflowError('forbidden', `${req.by} may not control this workflow: the access review refused ${deniedText(access)}.`, access);
  }

  private async active(id?: string): Promise<WorkflowState> {
    const s = await this.current();
    if (!s || !S.isActive(s) || (id && s.id !== id)) throw new WorkflowError('not-found', id ? `Workflow ${id} is not running.` : 'No workflow is running.');
    return s;
  }

  /** Pauses after the current step (a step in progress finishes first). */
  async pause(req: ControlRequest, id?: string): Promise<WorkflowState> {
    const s = await this.active(id);
    await this.authorizeControl(req, s);
    const now = nowIso();
    if (this.run) {
      await this.commit(this.run, (x) => S.requestControl(x, 'pause', req.by, now));
      return this.run.state;
    }
    return this.store.requestControl((x) => S.requestControl(x, 'pause', req.by, now));
  }

  async resume(req: ControlRequest, id?: string): Promise<WorkflowState> {
    const s = await this.active(id);
    await this.authorizeControl(req, s);
    const now = nowIso();
    const apply = (x: WorkflowState) => {
      if (x.status === 'running' && x.requested?.action === 'pause') return S.addLog({ ...x, requested: undefined }, req.by, 'pause cancelled', now);
      return S.resumeState(x, req.by, now);
    };
    try {
      if (this.run) {
        const run = this.run;
        await this.commit(run, apply);
        await this.event(this.stateRef(), 'WorkflowResumed', `Workflow ${s.id} resumed by ${req.by}`, 'Normal', s.id);
        run.wake();
        return run.state;
      }
      return await this.store.requestControl(apply);
    } catch (err) {
      if (err instanceof S.StateError) throw new WorkflowError('state', err.message);
      throw err;
    }
  }

  /** Stops at the next safe point (waits are interrupted; an API call in flight completes). */
  async abort(req: ControlRequest, id?: string): Promise<WorkflowState> {
    const s = await this.active(id);
    await this.authorizeControl(req, s);
    const now = nowIso();
    if (this.run) {
      const run = this.run;
      await this.commit(run, (x) => S.requestControl(x, 'abort', req.by, now));
      run.interrupt('abort');
      return run.state;
    }
    return this.store.requestControl((x) => S.requestControl(x, 'abort', req.by, now));
  }

  // ------------------------------------------------------------------ progress

  /** Every WorkflowEvent of the workflow this process runs. Returns the unsubscribe function. */
  subscribe(fn: (e: WorkflowEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }

  /**
   * The SSE route's source: the current state first, then every event. When another process runs
   * the workflow, the stored state is polled instead (every pollMs) and sent when it changes.
   */
  async *events(signal?: AbortSignal): AsyncGenerator<WorkflowEvent> {
    const queue: WorkflowEvent[] = [];
    let notify: (() => void) | null = null;
    const unsubscribe = this.subscribe((e) => {
      queue.push(e);
      notify?.();
    });
    const onAbort = () => notify?.();
    signal?.addEventListener('abort', onAbort);
    try {
      const first = await this.current();
      let lastSeen = first ? `${first.id}@${first.updatedAt}` : '';
      if (first) yield { type: 'state', state: first };
      while (!signal?.aborted && !this.disposed) {
        if (!queue.length) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          await new Promise<void>((res) => {
            notify = res;
            timer = setTimeout(res, this.run ? 15_000 : this.pollMs);
          });
          clearTimeout(timer);
          notify = null;
        }
        if (signal?.aborted) break;
        if (queue.length) {
          yield queue.shift()!;
          continue;
        }
        if (!this.run) {
          const s = await this.store.load().catch(() => null);
          const seen = s ? `${s.id}@${s.updatedAt}` : '';
          if (s && seen !== lastSeen) {
            lastSeen = seen;
            yield { type: 'state', state: s };
          }
        }
      }
    } finally {
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private emit(e: WorkflowEvent): void {
    this.emitter.emit('event', e);
  }

  // ------------------------------------------------------------------ resume after a restart

  /** On first access: pick up a stored running workflow whose runner is gone; then keep checking. */
  ensureResumed(): Promise<void> {
    if (!this.autoResume || this.disposed) return Promise.resolve();
    if (!this.adoptTimer) {
      const every = Math.max(250, (this.leaseSeconds * 1000) / 2);
      this.adoptTimer = setInterval(() => void this.adopt().catch((err) => this.warnOnce(`could not check for a workflow to resume: ${errorText(err)}`)), every);
      this.adoptTimer.unref?.();
    }
    this.resumeOnce ??= this.adopt().catch((err) => {
      this.resumeOnce = null;
      console.warn(`[workflows] could not check for a workflow to resume: ${errorText(err)}`);
    });
    return this.resumeOnce;
  }

  private adopting = false;
  private lastWarning = '';

  private warnOnce(message: string): void {
    if (message === this.lastWarning) return;
    this.lastWarning = message;
    console.warn(`[workflows] ${message}`);
  }

  private async adopt(): Promise<void> {
    if (this.run || this.disposed || this.adopting) return;
    this.adopting = true;
    try {
      const s = await this.store.load();
      if (!S.isActive(s)) return;
      const l = await this.lease.acquire();
      if (!l.ok) return; // its runner is alive (or its lease has not expired yet): try again later
      const fresh = await this.store.load();
      if (!S.isActive(fresh) || this.run || this.disposed) {
        await this.lease.release();
        return;
      }
      const prev = fresh!.runner;
      const now = nowIso();
      const state = { ...S.addLog(fresh!, 'engine', `resumed by ${this.identity}${prev && prev !== this.identity ? ` (previous runner ${prev} stopped)` : ''} at "${fresh!.steps[fresh!.cursor]?.title ?? 'the end'}"`, now), runner: this.identity };
      const run = new ActiveRun(state);
      this.run = run;
      try {
        await this.commit(run, (x) => x);
      } catch (err) {
        // Not recorded, so not resumed: the Lease lapses and the timer tries again.
        this.run = null;
        throw err;
      }
      await this.event(this.stateRef(), 'WorkflowTakenOver', `Workflow ${state.id} resumed by ${this.identity} at step ${state.cursor + 1}/${state.steps.length}`, 'Normal', state.id);
      this.launch(run);
    } finally {
      this.adopting = false;
    }
  }

  // ------------------------------------------------------------------ shutting down

  /** Drops the run as a killed process would: no more writes, the Lease is left to expire (tests). */
  crash(): void {
    this.disposed = true;
    if (this.adoptTimer) clearInterval(this.adoptTimer);
    this.adoptTimer = null;
    const run = this.run;
    if (run) {
      if (run.renewTimer) clearInterval(run.renewTimer);
      run.interrupt('crash');
    }
    this.run = null;
  }

  /** Graceful stop (process shutdown): the run stops where it is and the Lease is released, so another process resumes it at once. */
  async dispose(): Promise<void> {
    const hadRun = this.run !== null;
    this.crash();
    if (hadRun) await this.lease.release().catch(() => {});
  }

  // ------------------------------------------------------------------ the run

  private stateRef(): ObjectRef {
    return { kind: 'ConfigMap', name: STATE_CONFIGMAP, namespace: this.namespace, apiVersion: 'v1' };
  }

  private event(obj: ObjectRef, reason: EventReason, message: string, type: 'Normal' | 'Warning', id: string): Promise<void> {
    return this.recorder.record(obj, reason, message, type, id);
  }

  /** Applies a change to the run's state and persists it (writes are serialized per run). */
  private commit(run: ActiveRun, fn: (s: WorkflowState) => WorkflowState): Promise<void> {
    const p = run.chain.then(async () => {
      if (run.why === 'crash') throw new RunInterrupted('crash');
      run.state = fn(run.state);
      let saved: WorkflowState;
      try {
        saved = await this.store.save(run.state);
      } catch (err) {
        throw new PersistError(errorText(err));
      }
      if (saved.requested && !run.state.requested) {
        run.state = { ...run.state, requested: saved.requested, log: saved.log };
        if (saved.requested.action === 'abort') run.interrupt('abort');
      }
      this.emit({ type: 'state', state: run.state });
    });
    run.chain = p.catch(() => {});
    return p;
  }

  /** Reads the stored state to pick up pause/resume/abort asked through another process. */
  private syncRemote(run: ActiveRun): Promise<void> {
    const p = run.chain.then(async () => {
      if (run.why === 'crash') return;
      const remote = await this.store.load();
      if (!remote || remote.id !== run.state.id) return;
      if (remote.requested && !run.state.requested) {
        run.state = { ...run.state, requested: remote.requested, log: S.mergeLogs(run.state.log, remote.log) };
        if (remote.requested.action === 'abort') run.interrupt('abort');
        this.emit({ type: 'state', state: run.state });
      } else if (remote.status === 'running' && run.state.status === 'paused') {
        run.state = { ...run.state, status: 'running', requested: undefined, log: S.mergeLogs(run.state.log, remote.log) };
        this.emit({ type: 'state', state: run.state });
        run.wake();
      }
    });
    run.chain = p.catch(() => {});
    return p;
  }

  private launch(run: ActiveRun): void {
    const every = Math.max(200, (this.leaseSeconds * 1000) / 3);
    let renewing = false;
    run.renewTimer = setInterval(() => {
      if (run.why === 'crash' || renewing) return;
      renewing = true;
      this.lease
        .renew()
        .finally(() => (renewing = false))
        .then((ok) => {
          if (!ok && run.why !== 'crash' && this.run === run && S.isActive(run.state)) {
            console.warn(`[workflows] lost the workflow lease; ${this.identity} stops running ${run.state.id}`);
            if (run.renewTimer) clearInterval(run.renewTimer);
            run.interrupt('crash');
            if (this.run === run) this.run = null;
          }
        })
        .catch(() => {});
      void this.syncRemote(run).catch(() => {});
    }, every);
    run.renewTimer.unref?.();
    void this.loop(run).catch((err) => console.error(`[workflows] run ${run.state.id} stopped: ${errorText(err)}`));
  }

  private leftBehind(s: WorkflowState): string {
    if (s.kind !== 'rolling-node-restart') return '';
    const cur = s.steps[Math.min(s.cursor, s.steps.length - 1)];
    if (!cur) return '';
    const node = cur.group;
    const c = s.steps.find((x) => x.id === `${node}/cordon`);
    const u = s.steps.find((x) => x.id === `${node}/uncordon`);
    if (c && c.status === 'done' && c.data?.wasCordoned === false && u && u.status !== 'done') return `${node} is left cordoned (uncordon it with \`oc adm uncordon ${node}\` once it is Ready)`;
    return '';
  }

  private async finish(run: ActiveRun, fn: (s: WorkflowState) => WorkflowState, reason: EventReason, type: 'Normal' | 'Warning'): Promise<void> {
    await this.commit(run, fn);
    // Until the tail is done (archive, Lease released) a new start waits, so it cannot lose the Lease to it.
    const tail = (async () => {
      if (run.renewTimer) clearInterval(run.renewTimer);
      await this.event(this.stateRef(), reason, `Workflow ${run.state.id}: ${run.state.message ?? run.state.status}`, type, run.state.id);
      await this.store.archive(run.state).catch((err) => console.warn(`[workflows] could not archive ${run.state.id}: ${errorText(err)}`));
      if (this.run === run) {
        await this.lease.release().catch(() => {});
        this.run = null;
      }
    })();
    this.settling = tail;
    await tail;
  }

  /** The tail of the last finished run (archive, Lease release). */
  private settling: Promise<void> = Promise.resolve();

  private context(run: ActiveRun, index: number): StepContext {
    const signal = run.controller.signal;
    const interrupted = () => new RunInterrupted(run.why ?? 'crash');
    return {
      kube: this.kube,
      events: this.recorder,
      workflowId: run.state.id,
      state: () => run.state,
      step: () => run.state.steps[index]!,
      stepById: (id) => run.state.steps.find((x) => x.id === id),
      remember: (data) => this.commit(run, (s) => S.updateStep(s, index, { data }, nowIso())),
      progress: (message) => {
        const at = nowIso();
        const st = run.state.steps[index];
        if (st) run.state = S.updateStep(run.state, index, { message }, at);
        this.emit({ type: 'progress', workflowId: run.state.id, stepId: st?.id ?? '', message, at });
      },
      sleep: (ms) =>
        new Promise<void>((resolve, reject) => {
          if (signal.aborted) return reject(interrupted());
          const onAbort = () => {
            clearTimeout(t);
            reject(interrupted());
          };
          const t = setTimeout(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          }, ms);
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      checkpoint: () => {
        if (signal.aborted) throw interrupted();
      },
      pollMs: this.pollMs,
      dashboardNamespace: this.namespace,
    };
  }

  private execute(ctx: StepContext, step: StepRecord, s: WorkflowState, index: number): Promise<StepResult> {
    const name = step.target.name;
    const last = index === s.steps.length - 1;
    const no = s.options as NodeRestartOptions;
    const po = s.options as PodRestartOptions;
    switch (step.action) {
      case 'cordon':
        return cordon(ctx, name);
      case 'drain':
        return drain(ctx, name, no);
      case 'reboot':
        return reboot(ctx, name, no);
      case 'wait-node-ready':
        return waitNodeReady(ctx, name, no);
      case 'uncordon':
        return uncordon(ctx, name);
      case 'wait-daemonsets':
        return waitDaemonSets(ctx, name, no);
      case 'restart-namespace':
        return restartNamespace(ctx, name, po, last);
      case 'delete-namespace-pods':
        return deleteNamespacePods(ctx, name, po, last);
    }
  }

  private async loop(run: ActiveRun): Promise<void> {
    try {
      await this.steps(run);
    } catch (err) {
      if (err instanceof RunInterrupted) return;
      this.stall(run, err instanceof PersistError ? err.message : `unexpected: ${errorText(err)}`);
    }
  }

  /**
   * The state cannot be stored: stop running (a step not recorded must not run on) and stop
   * renewing the Lease, so this or another process resumes from the stored step once it expires.
   */
  private stall(run: ActiveRun, why: string): void {
    console.warn(`[workflows] cannot store the state of ${run.state.id} (${why}); pausing this run until the cluster answers again`);
    if (run.renewTimer) clearInterval(run.renewTimer);
    run.interrupt('crash');
    if (this.run === run) this.run = null;
  }

  private async steps(run: ActiveRun): Promise<void> {
    const MAX_ATTEMPTS = 3;
    for (;;) {
      if (run.why === 'crash') return;
      const s = run.state;
      if (s.requested?.action === 'abort' || run.why === 'abort') {
        await this.finish(run, (x) => S.applyAbort({ ...x, requested: x.requested ?? { action: 'abort', by: 'engine', at: nowIso() } }, nowIso(), this.leftBehind(x)), 'WorkflowAborted', 'Warning');
        return;
      }
      if (s.requested?.action === 'pause' || s.status === 'paused') {
        if (s.status !== 'paused') {
          await this.commit(run, (x) => S.applyPause(x, nowIso()));
          await this.event(this.stateRef(), 'WorkflowPaused', `Workflow ${s.id} paused by ${s.requested?.by ?? 'someone'}`, 'Normal', s.id);
        }
        await run.waitWake();
        continue;
      }
      if (s.cursor >= s.steps.length) {
        await this.finish(run, (x) => S.complete(x, nowIso()), 'WorkflowSucceeded', 'Normal');
        return;
      }
      const index = s.cursor;
      const step = s.steps[index]!;
      if (step.status === 'done' || step.status === 'skipped') {
        run.state = { ...s, cursor: index + 1 };
        continue;
      }
      try {
        await this.commit(run, (x) => S.startStep(x, index, nowIso()));
        this.emit({ type: 'step', workflowId: s.id, step: run.state.steps[index]!, index });
        await this.event(step.target.kind === 'Node' || step.target.kind === 'Namespace' ? { ...step.target } : this.stateRef(), 'WorkflowStepStarted', `${step.title} (workflow ${s.id}; ${step.command.split('\n')[0]})`, 'Normal', s.id);
        let result: StepResult | undefined;
        for (let attempt = 1; ; attempt++) {
          try {
            result = await this.execute(this.context(run, index), run.state.steps[index]!, run.state, index);
            break;
          } catch (err) {
            if (err instanceof StepFailure || err instanceof RunInterrupted || err instanceof PersistError || attempt >= MAX_ATTEMPTS) throw err;
            this.context(run, index).progress(`retrying after an error (${attempt}/${MAX_ATTEMPTS - 1}): ${errorText(err)}`);
            await this.context(run, index).sleep(Math.max(this.pollMs, 500) * attempt);
          }
        }
        await this.commit(run, (x) => S.finishStep(x, index, result!.outcome, result!.message, nowIso()));
        this.emit({ type: 'step', workflowId: s.id, step: run.state.steps[index]!, index });
        await this.event(step.target.kind === 'Node' || step.target.kind === 'Namespace' ? { ...step.target } : this.stateRef(), 'WorkflowStepDone', `${step.title}: ${result!.message}`, 'Normal', s.id);
      } catch (err) {
        if (err instanceof PersistError) throw err;
        if (err instanceof RunInterrupted) {
          if (err.why === 'crash' || run.why === 'crash') return;
          continue; // abort: handled at the top of the loop
        }
        const message = err instanceof StepFailure ? err.message : `unexpected error: ${errorText(err)}`;
        await this.event(step.target.kind === 'Node' || step.target.kind === 'Namespace' ? { ...step.target } : this.stateRef(), 'WorkflowStepFailed', `${step.title}: ${message}`, 'Warning', s.id);
        await this.finish(run, (x) => S.failStep(x, index, message, nowIso()), 'WorkflowFailed', 'Warning');
        this.emit({ type: 'step', workflowId: s.id, step: run.state.steps[index]!, index });
        return;
      }
    }
  }
}

// ------------------------------------------------------------------ the process-wide engine

const g = globalThis as unknown as { __btdWorkflowEngine?: WorkflowEngine };

/**
 * The engine of this dashboard process, on the dashboard's identity (kept on globalThis: Next
 * compiles routes into separate bundles). Resumes a stored running workflow on first access.
 * Env: BTD_NAMESPACE (state namespace), BTD_WORKFLOW_POLL_MS (default 2000; lower for a sped-up
 * demo cluster), BTD_WORKFLOW_LEASE_SECONDS (default 15).
 */
export async function getWorkflowEngine(): Promise<WorkflowEngine> {
  if (!g.__btdWorkflowEngine) {
    const { getConnection } = await import('@/lib/k8s/connection');
    const env = (name: string) => {
      const v = Number(process.env[name]);
      return Number.isFinite(v) && v > 0 ? v : undefined;
    };
    const pollMs = env('BTD_WORKFLOW_POLL_MS');
    const leaseDurationSeconds = env('BTD_WORKFLOW_LEASE_SECONDS');
    g.__btdWorkflowEngine = new WorkflowEngine({
      kubeConfig: getConnection().kubeConfig,
      ...(pollMs ? { pollMs } : {}),
      ...(leaseDurationSeconds ? { leaseDurationSeconds } : {}),
    });
  }
  const e = g.__btdWorkflowEngine;
  await e.ensureResumed();
  return e;
}
