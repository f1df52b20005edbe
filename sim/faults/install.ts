// Faults on purpose: an admin-only endpoint (/demo/v1/faults; only system:masters) and the server
// middleware that applies them to every authenticated request — fail the next N with kube's 500/503/429
// Status bodies, add latency, hang, drop every open watch — plus the node and revision faults, which
// are delegated to the workloads and operator modules. `npm run demo:fault` is the CLI over it.
import type { DemoCluster } from '../index';
import { forbidden, internalError, notFound, serviceUnavailable, StatusError, tooManyRequests, badRequest } from '../errors';
import { failRevisionOn, getOperator, recoverRevision } from '../operator/install';
import type { RequestContext } from '../server';
import { FaultState, HTTP_METHODS, KUBE_VERBS, kubeVerb, type FailCode, type RequestFault } from './state';

export const FAULTS_PATH = '/demo/v1/faults';
const API_VERSION = 'demo.btd.dev/v1';

// kube's wording for these answers (what client-go prints for each reason).
export const TOO_MANY_REQUESTS_MESSAGE = 'the server has received too many requests and has asked us to try again later';
export const SERVICE_UNAVAILABLE_MESSAGE = 'the server is currently unable to handle the request';
export const DEFAULT_INTERNAL_ERROR = 'etcdserver: request timed out';

/** Limits that keep a typo from wedging the demo for a day. */
const MAX_SECONDS = 3600;
const MAX_LATENCY_MS = 120_000;
const MAX_COUNT = 100_000;

export type ListedFault =
  | RequestFault
  | { id: string; type: 'node-down'; node: string; createdAt: string }
  | { id: string; type: 'revision-fail'; node: string; remaining?: number; message?: string };

export interface Faults {
  state: FaultState;
  list(): ListedFault[];
  dropWatches(): number;
  keepNodeDown(node: string, down: boolean): void;
  rebootNode(node: string): void;
  failRevision(node: string, opts?: { times?: number; message?: string; reason?: 'InstallerFailed' | 'OperandFailed' }): void;
  recoverRevision(node: string): void;
  clear(id?: string): number;
}

export type ClusterWithFaults = DemoCluster & { faults?: Faults };

type Workloads = { keepNodeDown(node: string, down: boolean): void; reboot?(node: string, delayMs?: number): void };

function workloadsOf(c: DemoCluster): Workloads | undefined {
  const w = (c as DemoCluster & { workloads?: Partial<Workloads> }).workloads;
  return w && typeof w.keepNodeDown === 'function' ? (w as Workloads) : undefined;
}

/**
 * Keeps `node` from coming back after its next (or current) reboot, or lets it come back. Needs
 * the workloads module (kubelets own reboots); without it this throws "workloads not installed".
 */
export function keepNodeDown(c: DemoCluster, node: string, down: boolean): void {
  const w = workloadsOf(c);
  if (!w) throw new Error('workloads not installed: node faults need the kubelet simulation (sim/workloads)');
  w.keepNodeDown(node, down);
}

/** Reboots `node` now, as `systemctl reboot` on it would (workloads module). */
export function rebootNode(c: DemoCluster, node: string): void {
  const w = workloadsOf(c);
  if (!w?.reboot) throw new Error('workloads not installed: rebooting a node needs the kubelet simulation (sim/workloads)');
  w.reboot(node, 0);
}

function failure(code: FailCode, retryAfterSeconds: number | undefined, message: string | undefined): StatusError {
  if (code === 429) return tooManyRequests(TOO_MANY_REQUESTS_MESSAGE, retryAfterSeconds ?? 1);
  if (code === 503) {
    const e = serviceUnavailable(SERVICE_UNAVAILABLE_MESSAGE);
    if (retryAfterSeconds !== undefined) e.details = { retryAfterSeconds };
    return e;
  }
  return internalError(message ?? DEFAULT_INTERNAL_ERROR);
}

export function installFaults(c: DemoCluster): Faults {
  const cw = c as ClusterWithFaults;
  if (cw.faults) return cw.faults;
  const state = new FaultState();
  const nodesDown = new Map<string, string>(); // node → since (ISO)
  let closing = false;

  const holdWhileHung = async () => {
    for (;;) {
      const until = state.hangUntil();
      const wait = until === undefined ? 0 : until - Date.now();
      if (closing || wait <= 0) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, wait);
        const off = state.onRelease(done);
        function done() {
          clearTimeout(t);
          off();
          resolve();
        }
      });
    }
  };

  c.server.use(async (ctx: RequestContext, next) => {
    // The fault endpoint itself is never faulted, so `clear` works during a hang.
    if (ctx.path === FAULTS_PATH || ctx.path.startsWith('/demo/')) return next();
    const v = state.decide({ method: ctx.method, path: ctx.path, verb: kubeVerb(ctx.method, ctx.path, ctx.name !== undefined, ctx.query) });
    if (v.holdUntilMs !== undefined) await holdWhileHung();
    if (v.delayMs > 0 && !closing) await new Promise((r) => setTimeout(r, v.delayMs));
    if (v.fail) throw failure(v.fail.code, v.fail.retryAfterSeconds, v.fail.message);
    return next();
  });

  const faults: Faults = {
    state,
    list() {
      const out: ListedFault[] = state.list();
      for (const [node, since] of nodesDown) out.push({ id: `node-down/${node}`, type: 'node-down', node, createdAt: since });
      for (const f of getOperator(c)?.activeFaults() ?? []) {
        out.push({ id: `revision-fail/${f.nodeName}`, type: 'revision-fail', node: f.nodeName, ...(Number.isFinite(f.remaining) ? { remaining: f.remaining } : {}), ...(f.message ? { message: f.message } : {}) });
      }
      return out;
    },
    dropWatches: () => c.server.dropWatches(),
    keepNodeDown(node, down) {
      if (!c.store.get('nodes', undefined, node)) throw notFound('nodes', node);
      keepNodeDown(c, node, down);
      if (down) nodesDown.set(node, new Date().toISOString());
      else nodesDown.delete(node);
    },
    rebootNode(node) {
      if (!c.store.get('nodes', undefined, node)) throw notFound('nodes', node);
      rebootNode(c, node);
    },
    failRevision(node, opts = {}) {
      failRevisionOn(c, node, opts);
    },
    recoverRevision(node) {
      recoverRevision(c, node);
    },
    clear(id) {
      if (id === undefined) {
        let n = state.clear();
        for (const node of [...nodesDown.keys()]) {
          faults.keepNodeDown(node, false);
          n++;
        }
        for (const f of getOperator(c)?.activeFaults() ?? []) {
          recoverRevision(c, f.nodeName);
          n++;
        }
        return n;
      }
      if (id.startsWith('node-down/')) {
        const node = id.slice('node-down/'.length);
        if (!nodesDown.has(node)) return 0;
        faults.keepNodeDown(node, false);
        return 1;
      }
      if (id.startsWith('revision-fail/')) {
        const node = id.slice('revision-fail/'.length);
        if (!(getOperator(c)?.activeFaults() ?? []).some((f) => f.nodeName === node)) return 0;
        recoverRevision(c, node);
        return 1;
      }
      return state.clear(id);
    },
  };
  cw.faults = faults;

  const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  const mastersOnly = (ctx: RequestContext) => {
    // The authorizer already ran (RBAC may grant non-resource paths widely); faults are for cluster admins only.
    if (!ctx.user.groups.includes('system:masters')) {
      throw forbidden(`forbidden: User "${ctx.user.username}" cannot ${ctx.method.toLowerCase()} path "${FAULTS_PATH}"`);
    }
  };
  const list = () => ({ apiVersion: API_VERSION, kind: 'FaultList', items: faults.list() });

  c.server.handlePath('GET', FAULTS_PATH, async (ctx) => {
    mastersOnly(ctx);
    return json(200, list());
  });

  c.server.handlePath('POST', FAULTS_PATH, async (ctx, raw) => {
    mastersOnly(ctx);
    const body = asObject(raw);
    const out = applyFault(faults, body);
    return json(out.status, { apiVersion: API_VERSION, kind: 'Fault', ...out.body });
  });

  c.server.handlePath('DELETE', FAULTS_PATH, async (ctx) => {
    mastersOnly(ctx);
    const id = ctx.query.get('id') ?? undefined;
    const n = faults.clear(id);
    if (id !== undefined && n === 0) throw new StatusError(404, 'NotFound', `fault "${id}" not found`, { name: id, kind: 'faults' });
    return json(200, { ...list(), cleared: n });
  });

  const close = c.close.bind(c);
  c.close = async () => {
    closing = true;
    state.clear(); // releases held requests so the server can close
    await close();
  };
  return faults;
}

function asObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the fault must be a JSON object, e.g. {"type":"drop-watches"}');
  return body as Record<string, unknown>;
}

function num(body: Record<string, unknown>, field: string, opts: { min: number; max: number; integer?: boolean; required?: boolean }): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) {
    if (opts.required) throw badRequest(`${field}: Required value`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)) || v < opts.min || v > opts.max) {
    throw badRequest(`${field}: Invalid value: ${JSON.stringify(v)}: must be ${opts.integer ? 'an integer' : 'a number'} between ${opts.min} and ${opts.max}`);
  }
  return v;
}

function str(body: Record<string, unknown>, field: string, required = false): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`${field}: Required value`);
    return undefined;
  }
  if (typeof v !== 'string') throw badRequest(`${field}: Invalid value: ${JSON.stringify(v)}: must be a string`);
  return v;
}

const TYPES = ['fail', 'latency', 'hang', 'drop-watches', 'node-down', 'node-up', 'revision-fail', 'revision-recover'];

/** Validates one fault spec and applies it; node and revision errors become 4xx Status answers. */
export function applyFault(faults: Faults, body: Record<string, unknown>): { status: number; body: object } {
  const type = str(body, 'type', true)!;
  switch (type) {
    case 'fail': {
      const count = num(body, 'count', { min: 1, max: MAX_COUNT, integer: true }) ?? 1;
      const code = num(body, 'code', { min: 0, max: 999, integer: true }) ?? 503;
      if (code !== 500 && code !== 503 && code !== 429) throw badRequest(`code: Unsupported value: ${code}: supported values: 429, 500, 503`);
      const retryAfterSeconds = num(body, 'retryAfterSeconds', { min: 0, max: MAX_SECONDS, integer: true });
      const pathPrefix = str(body, 'pathPrefix');
      if (pathPrefix !== undefined && !pathPrefix.startsWith('/')) throw badRequest(`pathPrefix: Invalid value: "${pathPrefix}": must start with "/"`);
      const verb = str(body, 'verb');
      if (verb !== undefined && !KUBE_VERBS.includes(verb) && !HTTP_METHODS.includes(verb)) {
        throw badRequest(`verb: Unsupported value: "${verb}": supported values: ${[...KUBE_VERBS, ...HTTP_METHODS].map((v) => `"${v}"`).join(', ')}`);
      }
      const message = str(body, 'message');
      const f = faults.state.addFail({ count, code, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}), ...(pathPrefix ? { pathPrefix } : {}), ...(verb ? { verb } : {}), ...(message ? { message } : {}) });
      return { status: 201, body: f };
    }
    case 'latency': {
      const ms = num(body, 'ms', { min: 1, max: MAX_LATENCY_MS, required: true })!;
      const jitterMs = num(body, 'jitterMs', { min: 0, max: MAX_LATENCY_MS });
      const durationSeconds = num(body, 'durationSeconds', { min: 0.001, max: MAX_SECONDS });
      return { status: 201, body: faults.state.addLatency({ ms, ...(jitterMs ? { jitterMs } : {}), ...(durationSeconds !== undefined ? { durationSeconds } : {}) }) };
    }
    case 'hang': {
      const durationSeconds = num(body, 'durationSeconds', { min: 0.001, max: MAX_SECONDS, required: true })!;
      return { status: 201, body: faults.state.addHang({ durationSeconds }) };
    }
    case 'drop-watches':
      return { status: 200, body: { type, dropped: faults.dropWatches() } };
    case 'node-down':
    case 'node-up': {
      const node = str(body, 'node', true)!;
      try {
        faults.keepNodeDown(node, type === 'node-down');
        if (type === 'node-down' && body.reboot === true) faults.rebootNode(node);
      } catch (e) {
        if (e instanceof StatusError) throw e;
        throw new StatusError(409, 'Conflict', e instanceof Error ? e.message : String(e));
      }
      return { status: type === 'node-down' ? 201 : 200, body: { type, node, ...(type === 'node-down' && body.reboot === true ? { rebooting: true } : {}) } };
    }
    case 'revision-fail':
    case 'revision-recover': {
      const node = str(body, 'node', true)!;
      try {
        if (type === 'revision-fail') {
          const times = num(body, 'times', { min: 1, max: MAX_COUNT, integer: true });
          const message = str(body, 'message');
          const reason = str(body, 'reason');
          if (reason !== undefined && reason !== 'InstallerFailed' && reason !== 'OperandFailed') {
            throw badRequest(`reason: Unsupported value: "${reason}": supported values: "InstallerFailed", "OperandFailed"`);
          }
          faults.failRevision(node, { ...(times ? { times } : {}), ...(message ? { message } : {}), ...(reason ? { reason } : {}) });
        } else faults.recoverRevision(node);
      } catch (e) {
        if (e instanceof StatusError) throw e;
        throw new StatusError(409, 'Conflict', e instanceof Error ? e.message : String(e));
      }
      return { status: type === 'revision-fail' ? 201 : 200, body: { type, node } };
    }
    default:
      throw badRequest(`type: Unsupported value: "${type}": supported values: ${TYPES.map((t) => `"${t}"`).join(', ')}`);
  }
}
