// Where workflows live in the cluster: the state ConfigMap (the running or last workflow, written
// with resourceVersion preconditions), the history ConfigMap (finished workflows, oldest pruned
// first to stay well under the 1 MiB object limit) and the Lease that lets one dashboard process
// run a workflow at a time (renewed; taken over when it expires, as client-go leader election).
import 'server-only';
import type { V1ConfigMap, V1Lease } from '@kubernetes/client-node';
import { timeMs } from './classify';
import { errorText, httpStatus, type Kube } from './kube';
import { mergeLogs } from './state';
import type { WorkflowState } from './types';

export const STATE_CONFIGMAP = 'bound-token-dashboard-workflow';
export const HISTORY_CONFIGMAP = 'bound-token-dashboard-workflow-history';
export const LEASE_NAME = 'bound-token-dashboard-workflow';
const STATE_KEY = 'workflow.json';
const HISTORY_BUDGET = 800_000;
const LABELS = { 'app.kubernetes.io/name': 'bound-token-dashboard', 'app.kubernetes.io/component': 'workflows' };

export class StoreError extends Error {}

/** RFC 3339 with microseconds, as metav1.MicroTime is written. */
export function microTime(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class StateStore {
  private rv: string | undefined;
  private nsReady = false;

  constructor(
    private readonly kube: Kube,
    readonly namespace: string,
  ) {}

  /** Creates the dashboard's namespace when missing (when the identity may). */
  async ensureNamespace(): Promise<void> {
    if (this.nsReady) return;
    try {
      if (!(await this.kube.getNamespace(this.namespace))) await this.kube.createNamespace(this.namespace);
    } catch (err) {
      const s = httpStatus(err);
      // 403 on get: the identity may lack namespace rights yet may still write in it; carry on.
      if (s !== 403) throw new StoreError(`Cannot prepare the namespace ${this.namespace}: ${errorText(err)}`);
    }
    this.nsReady = true;
  }

  async load(): Promise<WorkflowState | null> {
    const cm = await this.kube.getConfigMap(this.namespace, STATE_CONFIGMAP);
    this.rv = cm?.metadata?.resourceVersion;
    const raw = cm?.data?.[STATE_KEY];
    if (!raw) return null;
    try {
      return JSON.parse(raw) as WorkflowState;
    } catch {
      throw new StoreError(`The ConfigMap ${this.namespace}/${STATE_CONFIGMAP} holds unreadable state; delete it to start over.`);
    }
  }

  /**
   * Writes the state with the last seen resourceVersion. On a conflict (another replica asked for a
   * pause or abort) it rereads, keeps that request, and writes again. Returns what was written.
   */
  async save(state: WorkflowState): Promise<WorkflowState> {
    await this.ensureNamespace();
    let s = state;
    for (let attempt = 0; attempt < 5; attempt++) {
      const body: V1ConfigMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: STATE_CONFIGMAP, namespace: this.namespace, labels: LABELS, ...(this.rv ? { resourceVersion: this.rv } : {}) },
        data: { [STATE_KEY]: JSON.stringify(s) },
      };
      try {
        const res = this.rv ? await this.kube.replaceConfigMap(this.namespace, body) : await this.kube.createConfigMap(this.namespace, body);
        this.rv = res.metadata?.resourceVersion;
        return s;
      } catch (err) {
        if (httpStatus(err) !== 409) throw err;
        const remote = await this.load();
        if (remote && remote.id === s.id && remote.requested && !s.requested && (s.status === 'running' || s.status === 'paused')) s = { ...s, requested: remote.requested, log: mergeLogs(s.log, remote.log) };
        if (remote && remote.id !== s.id && (remote.status === 'running' || remote.status === 'paused')) {
          throw new StoreError(`Another workflow (${remote.id}) was started meanwhile.`);
        }
      }
    }
    throw new StoreError('The workflow state kept changing under us; giving up this write.');
  }

  /** Only merges a control request into the stored state (replicas that do not run the workflow). */
  async requestControl(fn: (s: WorkflowState) => WorkflowState): Promise<WorkflowState> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.load();
      if (!cur) throw new StoreError('No workflow is stored.');
      const next = fn(cur);
      try {
        const res = await this.kube.replaceConfigMap(this.namespace, {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: STATE_CONFIGMAP, namespace: this.namespace, labels: LABELS, resourceVersion: this.rv! },
          data: { [STATE_KEY]: JSON.stringify(next) },
        });
        this.rv = res.metadata?.resourceVersion;
        return next;
      } catch (err) {
        if (httpStatus(err) !== 409) throw err;
      }
    }
    throw new StoreError('The workflow state kept changing; try again.');
  }

  async history(): Promise<WorkflowState[]> {
    const cm = await this.kube.getConfigMap(this.namespace, HISTORY_CONFIGMAP);
    const out: WorkflowState[] = [];
    for (const v of Object.values(cm?.data ?? {})) {
      try {
        out.push(JSON.parse(v) as WorkflowState);
      } catch {
        // a damaged entry is skipped, not fatal
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Adds (or replaces) a workflow in the history, dropping the oldest beyond the size budget. */
  async archive(state: WorkflowState): Promise<void> {
    await this.ensureNamespace();
    for (let attempt = 0; attempt < 5; attempt++) {
      const cm = await this.kube.getConfigMap(this.namespace, HISTORY_CONFIGMAP);
      const data: Record<string, string> = { ...(cm?.data ?? {}) };
      data[`${state.id}.json`] = JSON.stringify(state);
      const entries = Object.entries(data).sort(([, a], [, b]) => (JSON.parse(a) as WorkflowState).createdAt.localeCompare((JSON.parse(b) as WorkflowState).createdAt));
      let size = entries.reduce((n, [k, v]) => n + k.length + v.length, 0);
      while (size > HISTORY_BUDGET && entries.length > 1) {
        const [k, v] = entries.shift()!;
        size -= k.length + v.length;
        delete data[k];
      }
      const body: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: HISTORY_CONFIGMAP, namespace: this.namespace, labels: LABELS, ...(cm ? { resourceVersion: cm.metadata!.resourceVersion! } : {}) }, data };
      try {
        if (cm) await this.kube.replaceConfigMap(this.namespace, body);
        else await this.kube.createConfigMap(this.namespace, body);
        return;
      } catch (err) {
        if (httpStatus(err) !== 409) throw err;
      }
    }
  }
}

export type LeaseResult = { ok: true } | { ok: false; holder: string; expiresAt: string | null };

/** A coordination.k8s.io/v1 Lease held by one process identity. */
export class LeaseLock {
  /** False after release(): an in-flight renew must not take the lease back. */
  private held = false;

  constructor(
    private readonly kube: Kube,
    readonly namespace: string,
    readonly identity: string,
    readonly durationSeconds: number,
    readonly name = LEASE_NAME,
  ) {}

  private spec(now: number, transitions: number, acquire: boolean, prev?: V1Lease) {
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.durationSeconds)),
      acquireTime: microTime(acquire ? now : (timeMs(prev?.spec?.acquireTime) ?? now)) as unknown as Date,
      renewTime: microTime(now) as unknown as Date,
      leaseTransitions: transitions,
    };
  }

  /** Who holds it now (null when free or expired). */
  async holder(): Promise<{ identity: string; expiresAt: string } | null> {
    const l = await this.kube.getLease(this.namespace, this.name);
    return this.liveHolder(l);
  }

  private liveHolder(l: V1Lease | null): { identity: string; expiresAt: string } | null {
    const h = l?.spec?.holderIdentity;
    if (!l || !h) return null;
    const renew = timeMs(l.spec?.renewTime) ?? 0;
    const until = renew + (l.spec?.leaseDurationSeconds ?? 0) * 1000;
    // Our own durationSeconds may be fractional (tests); the stored one is whole seconds.
    if (until < Date.now()) return null;
    return { identity: h, expiresAt: new Date(until).toISOString() };
  }

  async acquire(): Promise<LeaseResult> {
    const now = Date.now();
    const cur = await this.kube.getLease(this.namespace, this.name);
    if (!cur) {
      try {
        await this.kube.createLease(this.namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: this.namespace }, spec: this.spec(now, 0, true) });
        this.held = true;
        return { ok: true };
      } catch (err) {
        if (httpStatus(err) === 409) return this.refused();
        throw err;
      }
    }
    const live = this.liveHolder(cur);
    if (live && live.identity !== this.identity) return { ok: false, holder: live.identity, expiresAt: live.expiresAt };
    const mine = cur.spec?.holderIdentity === this.identity;
    const transitions = (cur.spec?.leaseTransitions ?? 0) + (mine ? 0 : 1);
    try {
      await this.kube.replaceLease(this.namespace, { ...cur, spec: this.spec(now, transitions, !mine, cur) });
      this.held = true;
      return { ok: true };
    } catch (err) {
      if (httpStatus(err) === 409) return this.refused();
      throw err;
    }
  }

  private async refused(): Promise<LeaseResult> {
    const h = await this.holder();
    return { ok: false, holder: h?.identity ?? 'another process', expiresAt: h?.expiresAt ?? null };
  }

  /** Renews; false when the lease was lost (someone else holds it now). */
  async renew(): Promise<boolean> {
    if (!this.held) return false;
    const cur = await this.kube.getLease(this.namespace, this.name);
    if (!cur || cur.spec?.holderIdentity !== this.identity) return false;
    try {
      if (!this.held) return false;
      await this.kube.replaceLease(this.namespace, { ...cur, spec: this.spec(Date.now(), cur.spec?.leaseTransitions ?? 0, false, cur) });
      return true;
    } catch (err) {
      if (httpStatus(err) !== 409) throw err;
      // Someone wrote in between: still ours (a concurrent renew) or lost (a takeover)?
      const now = await this.kube.getLease(this.namespace, this.name);
      return this.held && now?.spec?.holderIdentity === this.identity;
    }
  }

  async release(): Promise<void> {
    this.held = false;
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = await this.kube.getLease(this.namespace, this.name);
      if (!cur || cur.spec?.holderIdentity !== this.identity) return;
      try {
        await this.kube.replaceLease(this.namespace, { ...cur, spec: { leaseDurationSeconds: 1, renewTime: microTime() as unknown as Date, leaseTransitions: cur.spec?.leaseTransitions ?? 0 } });
        return;
      } catch (err) {
        // 409: a renew in flight wrote first; read again. Anything else: it expires on its own.
        if (httpStatus(err) !== 409) return;
      }
    }
  }

}
