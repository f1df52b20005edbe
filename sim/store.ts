// The demo cluster's in-memory object store, the etcd + registry of the fake kube-apiserver:
// one global resourceVersion counter, kube's create/update/delete semantics (defaults, minimal
// validation, status subresource, generation, finalizers, graceful pod deletion, namespace
// termination, ownerReference garbage collection), paginated lists and watches with a bounded
// history. Objects are stored deeply frozen; every read hands out a copy.
import { randomUUID, randomInt } from 'node:crypto';
import type { UserInfo } from './auth';
import { Clock } from './clock';
import { StatusError, alreadyExists, badRequest, conflict, forbidden, gone, invalid, notFound, type FieldCause } from './errors';
import { deepEqual } from './patch';
import { apiVersionOf, hasStatus, qualifiedKind, qualifiedResource, resourceByKey, type ResourceType } from './resources';
import { compileFieldSelector, compileLabelSelector, type ObjectMatcher } from './selectors';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [k: string]: unknown;
}

export type K8sObject = { apiVersion: string; kind: string; metadata: ObjectMeta; [k: string]: unknown };
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface WatchEvent {
  type: WatchEventType | 'BOOKMARK' | 'ERROR';
  object: any; // frozen store object (do not mutate), a bookmark stub, or a Status for ERROR
}
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}
export interface ListPageOptions extends ListOptions {
  limit?: number;
  continue?: string;
  /** false: return the frozen stored objects (read-only, for serialising big lists without copying). */
  copy?: boolean;
}
export interface ListPage {
  items: K8sObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}
export interface WatchOptions extends ListOptions {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  sendInitialEvents?: boolean;
}
export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  user?: UserInfo;
}
export type AdmissionFn = (
  op: 'CREATE' | 'UPDATE' | 'DELETE',
  obj: K8sObject,
  old: K8sObject | undefined,
  ctx: { subresource?: string; user?: UserInfo; dryRun: boolean },
) => void;
/** Decides when a gracefully deleted pod is gone: call done() once its containers have stopped. */
export type PodTerminationFn = (pod: K8sObject, graceSeconds: number, done: () => void) => void;

export interface StoreOptions {
  /** Watch history kept per resource: at most this many events (default 100,000)... */
  historyLimit?: number;
  /** ...and events older than this many simulated ms are dropped (default 5 minutes)... */
  historyWindowMs?: number;
  /** ...except the newest historyMinKeep events of a resource (default 1,000). */
  historyMinKeep?: number;
  /** Periodic BOOKMARK to watchers that asked for them, in simulated ms (default 60,000; 0 = off). */
  bookmarkIntervalMs?: number;
  /** Simulated delay before the namespace controller empties a terminating namespace (default 1,000). */
  namespaceDeletionDelayMs?: number;
}

type Frozen = Readonly<K8sObject>;
interface HistEntry {
  rv: number;
  type: WatchEventType;
  obj: Frozen;
  prev?: Frozen;
  t: number;
}
interface Watcher {
  table: Table;
  match: (o: Frozen) => boolean;
  onEvent: (ev: WatchEvent) => void;
  bookmarks: boolean;
  ready: boolean;
  closed: boolean;
  queue: WatchEvent[];
}

const INDEXED_FIELDS: Record<string, string[]> = { pods: ['spec.nodeName'] };

function getPath(o: any, path: string): string {
  let cur = o;
  for (const p of path.split('.')) {
    if (cur == null) return '';
    cur = cur[p];
  }
  return cur == null ? '' : String(cur);
}

export function cloneObj<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

function lowerBound(arr: string[], key: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One resource's storage: objects by "ns/name" (or "name"), the sorted key order, indexes and history. */
class Table {
  objs = new Map<string, Frozen>();
  private sorted: string[] = [];
  private pending: string[] = [];
  indexes = new Map<string, Map<string, Set<string>>>();
  hist: HistEntry[] = [];
  histHead = 0;
  compactedRV = 0;
  watchers = new Set<Watcher>();

  constructor(readonly rt: ResourceType) {
    for (const f of INDEXED_FIELDS[rt.key] ?? []) this.indexes.set(f, new Map());
  }

  keyOf(ns: string | undefined, name: string): string {
    return this.rt.namespaced ? `${ns ?? ''}/${name}` : name;
  }

  put(key: string, obj: Frozen, prev: Frozen | undefined): void {
    if (!prev) {
      const last = this.sorted[this.sorted.length - 1];
      // Seeds usually insert in order: append directly; otherwise defer the sort to the next read.
      if (this.pending.length === 0 && (last === undefined || key > last)) this.sorted.push(key);
      else this.pending.push(key);
    }
    this.objs.set(key, obj);
    for (const [f, idx] of this.indexes) {
      const nv = getPath(obj, f);
      if (prev) {
        const ov = getPath(prev, f);
        if (ov === nv) continue;
        idx.get(ov)?.delete(key);
      }
      let s = idx.get(nv);
      if (!s) idx.set(nv, (s = new Set()));
      s.add(key);
    }
  }

  remove(key: string): void {
    const prev = this.objs.get(key);
    if (!prev) return;
    this.objs.delete(key);
    const i = lowerBound(this.sorted, key);
    if (this.sorted[i] === key) this.sorted.splice(i, 1);
    else {
      const j = this.pending.indexOf(key);
      if (j >= 0) this.pending.splice(j, 1);
    }
    for (const [f, idx] of this.indexes) idx.get(getPath(prev, f))?.delete(key);
  }

  keys(): string[] {
    if (this.pending.length) {
      if (this.pending.length < 64) {
        for (const k of this.pending) this.sorted.splice(lowerBound(this.sorted, k), 0, k);
      } else {
        this.sorted = this.sorted.concat(this.pending).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      }
      this.pending = [];
    }
    return this.sorted;
  }

  history(): HistEntry[] {
    if (this.histHead > 0) {
      this.hist = this.hist.slice(this.histHead);
      this.histHead = 0;
    }
    return this.hist;
  }
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** Validates metadata.name the way each kind's strategy does; returns field causes. */
function nameCauses(rt: ResourceType, name: string): FieldCause[] {
  const out: FieldCause[] = [];
  if (rt.key === 'namespaces') {
    if (name.length > 63) out.push({ field: 'metadata.name', message: `Invalid value: "${name}": must be no more than 63 characters`, reason: 'FieldValueInvalid' });
    if (!DNS1123_LABEL.test(name)) out.push({ field: 'metadata.name', message: `Invalid value: "${name}": ${LABEL_MSG}`, reason: 'FieldValueInvalid' });
  } else if (rt.key === 'services') {
    if (name.length > 63) out.push({ field: 'metadata.name', message: `Invalid value: "${name}": must be no more than 63 characters`, reason: 'FieldValueInvalid' });
    if (!DNS1035_LABEL.test(name)) out.push({ field: 'metadata.name', message: `Invalid value: "${name}": ${DNS1035_MSG}`, reason: 'FieldValueInvalid' });
  } else if (rt.group === 'rbac.authorization.k8s.io') {
    // RBAC names are path segments (ValidateRBACName), so "system:basic-user" is valid.
    if (name === '.' || name === '..') out.push({ field: 'metadata.name', message: `Invalid value: "${name}": may not be '${name}'`, reason: 'FieldValueInvalid' });
    for (const bad of ['/', '%']) {
      if (name.includes(bad)) out.push({ field: 'metadata.name', message: `Invalid value: "${name}": may not contain '${bad}'`, reason: 'FieldValueInvalid' });
    }
  } else {
    if (name.length > 253) out.push({ field: 'metadata.name', message: `Invalid value: "${name}": must be no more than 253 characters`, reason: 'FieldValueInvalid' });
    if (!DNS1123_SUBDOMAIN.test(name)) out.push({ field: 'metadata.name', message: `Invalid value: "${name}": ${SUBDOMAIN_MSG}`, reason: 'FieldValueInvalid' });
  }
  return out;
}

function imageTagLatest(image: string): boolean {
  if (image.includes('@')) return false;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const i = last.indexOf(':');
  return i < 0 || last.slice(i + 1) === 'latest';
}

function defaultContainer(c: any): void {
  if (!c || typeof c !== 'object') return;
  if (c.image && c.imagePullPolicy === undefined) c.imagePullPolicy = imageTagLatest(String(c.image)) ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  if (Array.isArray(c.ports)) for (const p of c.ports) if (p && typeof p === 'object') p.protocol ??= 'TCP';
  if (Array.isArray(c.env)) for (const e of c.env) if (e?.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
}

function defaultPodSpec(spec: any, isTemplate: boolean): void {
  if (!spec || typeof spec !== 'object') return;
  if (!isTemplate || spec.restartPolicy === undefined) spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  if (!isTemplate) {
    spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
    spec.serviceAccount ??= spec.serviceAccountName;
    spec.enableServiceLinks ??= true;
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    if (spec.tolerations === undefined) {
      // DefaultTolerationSeconds admission plugin.
      spec.tolerations = [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ];
    }
  }
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) if (Array.isArray(spec[list])) spec[list].forEach(defaultContainer);
  if (Array.isArray(spec.volumes)) {
    for (const v of spec.volumes) {
      if (v?.secret) v.secret.defaultMode ??= 420;
      if (v?.configMap) v.configMap.defaultMode ??= 420;
      if (v?.projected) v.projected.defaultMode ??= 420;
    }
  }
}

function randomServiceIP(): string {
  return `172.30.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** Kind defaults as kube's defaulting functions and admission plugins apply them. */
function applyDefaults(rt: ResourceType, o: any, isCreate: boolean): void {
  const spec = (o.spec ??= rt.key === 'pods' || rt.key.endsWith('.apps') || rt.key === 'jobs.batch' || rt.key === 'namespaces' ? {} : o.spec);
  if (spec === undefined) delete o.spec;
  switch (rt.key) {
    case 'pods':
      defaultPodSpec(spec, false);
      if (isCreate) {
        o.status ??= {};
        o.status.phase ??= 'Pending';
        o.status.qosClass ??= 'BestEffort';
      }
      break;
    case 'namespaces':
      spec.finalizers ??= ['kubernetes'];
      o.status ??= {};
      o.status.phase ??= 'Active';
      o.metadata.labels ??= {};
      o.metadata.labels['kubernetes.io/metadata.name'] = o.metadata.name;
      break;
    case 'deployments.apps':
      spec.replicas ??= 1;
      spec.strategy ??= { type: 'RollingUpdate' };
      if (spec.strategy.type === undefined) spec.strategy.type = 'RollingUpdate';
      if (spec.strategy.type === 'RollingUpdate') {
        spec.strategy.rollingUpdate ??= {};
        spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
        spec.strategy.rollingUpdate.maxSurge ??= '25%';
      }
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      defaultPodSpec(spec.template?.spec, true);
      break;
    case 'replicasets.apps':
      spec.replicas ??= 1;
      defaultPodSpec(spec.template?.spec, true);
      break;
    case 'daemonsets.apps':
      spec.updateStrategy ??= { type: 'RollingUpdate' };
      if (spec.updateStrategy.type === 'RollingUpdate') {
        spec.updateStrategy.rollingUpdate ??= {};
        spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
        spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
      }
      spec.revisionHistoryLimit ??= 10;
      defaultPodSpec(spec.template?.spec, true);
      break;
    case 'statefulsets.apps':
      spec.replicas ??= 1;
      spec.updateStrategy ??= { type: 'RollingUpdate' };
      if (spec.updateStrategy.type === 'RollingUpdate') {
        spec.updateStrategy.rollingUpdate ??= {};
        spec.updateStrategy.rollingUpdate.partition ??= 0;
      }
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.revisionHistoryLimit ??= 10;
      spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
      defaultPodSpec(spec.template?.spec, true);
      break;
    case 'jobs.batch':
      spec.parallelism ??= 1;
      spec.completions ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      spec.podReplacementPolicy ??= 'TerminatingOrFailed';
      defaultPodSpec(spec.template?.spec, true);
      break;
    case 'secrets':
      o.type ??= 'Opaque';
      break;
    case 'services': {
      o.spec ??= {};
      const s = o.spec;
      s.type ??= 'ClusterIP';
      s.sessionAffinity ??= 'None';
      if (s.type !== 'ExternalName') {
        if (isCreate && s.clusterIP === undefined) s.clusterIP = randomServiceIP();
        if (s.clusterIP && s.clusterIP !== 'None') s.clusterIPs ??= [s.clusterIP];
        s.ipFamilies ??= ['IPv4'];
        s.ipFamilyPolicy ??= 'SingleStack';
        s.internalTrafficPolicy ??= 'Cluster';
      }
      if (Array.isArray(s.ports)) for (const p of s.ports) if (p && typeof p === 'object') { p.protocol ??= 'TCP'; p.targetPort ??= p.port; }
      o.status ??= { loadBalancer: {} };
      break;
    }
    case 'leases.coordination.k8s.io':
      break;
  }
}

function validate(rt: ResourceType, o: any): FieldCause[] {
  const causes: FieldCause[] = [];
  if (rt.key === 'pods') {
    const cs = o.spec?.containers;
    if (!Array.isArray(cs) || cs.length === 0) causes.push({ field: 'spec.containers', message: 'Required value', reason: 'FieldValueRequired' });
    else {
      const seen = new Set<string>();
      cs.forEach((c: any, i: number) => {
        if (!c?.name) causes.push({ field: `spec.containers[${i}].name`, message: 'Required value', reason: 'FieldValueRequired' });
        else if (seen.has(c.name)) causes.push({ field: `spec.containers[${i}].name`, message: `Duplicate value: "${c.name}"`, reason: 'FieldValueDuplicate' });
        else seen.add(c.name);
        if (!c?.image) causes.push({ field: `spec.containers[${i}].image`, message: 'Required value', reason: 'FieldValueRequired' });
      });
    }
  }
  if (['deployments.apps', 'replicasets.apps', 'daemonsets.apps', 'statefulsets.apps'].includes(rt.key)) {
    if (!o.spec?.selector) causes.push({ field: 'spec.selector', message: 'Required value', reason: 'FieldValueRequired' });
    const r = o.spec?.replicas;
    if (typeof r === 'number' && r < 0) causes.push({ field: 'spec.replicas', message: `Invalid value: ${r}: must be greater than or equal to 0`, reason: 'FieldValueInvalid' });
  }
  return causes;
}

function nowIsoFrom(ms: number): string {
  return Clock.iso(ms);
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
}

function decodeContinue(tok: string): { rv: number; start: string } {
  try {
    const j = JSON.parse(Buffer.from(tok, 'base64').toString('utf8'));
    if (j?.v !== 'meta.k8s.io/v1' || typeof j.rv !== 'number' || typeof j.start !== 'string') throw new Error('bad');
    return { rv: j.rv, start: j.start };
  } catch {
    throw badRequest('invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

/** Spec-ish content of an object: everything except metadata and status (what bumps generation). */
function specPart(o: any): any {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

export class Store {
  private rv = 1;
  private tables = new Map<string, Table>();
  private listeners = new Map<string, Set<(type: WatchEventType, obj: K8sObject, old?: K8sObject) => void>>();
  private admissions = new Map<string, AdmissionFn[]>();
  private notifyQueue: { table: Table; e: HistEntry }[] = [];
  private notifying = false;
  private byUid = new Map<string, { table: Table; key: string }>();
  private dependants = new Map<string, Set<string>>(); // owner uid → "tableKey\u0000objKey"
  private graceDone = new Set<string>(); // pod uids whose grace period/kubelet said done
  private graceTimers = new Map<string, { cancel(): void }>();
  private nsTimers = new Map<string, { cancel(): void }>();
  private timers: { cancel(): void }[] = [];
  private podTermination: PodTerminationFn;
  private readonly o: Required<StoreOptions>;

  constructor(readonly clock: Clock, opts: StoreOptions = {}) {
    this.o = {
      historyLimit: opts.historyLimit ?? 100_000,
      historyWindowMs: opts.historyWindowMs ?? 5 * 60_000,
      historyMinKeep: opts.historyMinKeep ?? 1_000,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
      namespaceDeletionDelayMs: opts.namespaceDeletionDelayMs ?? 1_000,
    };
    this.podTermination = (_pod, grace, done) => {
      this.clock.setTimeout(done, grace * 1000);
    };
    if (this.o.bookmarkIntervalMs > 0) this.timers.push(this.clock.setInterval(() => this.bookmark(), this.o.bookmarkIntervalMs));
  }

  /** Stops the store's own timers (bookmarks, namespace and grace timers). */
  close(): void {
    for (const t of this.timers) t.cancel();
    for (const t of this.graceTimers.values()) t.cancel();
    for (const t of this.nsTimers.values()) t.cancel();
    this.timers = [];
    this.graceTimers.clear();
    this.nsTimers.clear();
  }

  /** Replaces how gracefully deleted pods finish (default: a Clock timer of the grace period). */
  setPodTermination(fn: PodTerminationFn): void {
    this.podTermination = fn;
  }

  resourceVersion(): string {
    return String(this.rv);
  }

  private table(key: string): Table {
    let t = this.tables.get(key);
    if (!t) {
      const rt = resourceByKey(key);
      if (!rt) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
      const storage = rt.storageKey ?? key;
      t = this.tables.get(storage);
      if (!t) {
        t = new Table(storage === key ? rt : resourceByKey(storage) ?? rt);
        this.tables.set(storage, t);
      }
      this.tables.set(key, t);
    }
    return t;
  }

  // ---------------- reads ----------------

  get(key: string, ns: string | undefined, name: string): K8sObject | undefined {
    const t = this.table(key);
    const o = t.objs.get(t.keyOf(ns, name));
    return o ? cloneObj(o) : undefined;
  }

  /** Frozen stored object (no copy); for hot read-only paths. */
  peek(key: string, ns: string | undefined, name: string): Frozen | undefined {
    const t = this.table(key);
    return t.objs.get(t.keyOf(ns, name));
  }

  count(key: string): number {
    return this.table(key).objs.size;
  }

  list(key: string, opts: ListOptions = {}): K8sObject[] {
    return this.listPage(key, opts).items;
  }

  private matcher(t: Table, opts: ListOptions): { match: (o: Frozen) => boolean; fieldReqs: { field: string; op: string; value: string }[]; empty: boolean } {
    const lm = compileLabelSelector(opts.labelSelector);
    const { match: fm, reqs } = compileFieldSelector(opts.fieldSelector, t.rt.fieldSelectors ?? []);
    const ns = t.rt.namespaced ? opts.namespace || undefined : undefined;
    const hasLabel = !!opts.labelSelector?.trim();
    const match = (o: Frozen) => (ns === undefined || o.metadata.namespace === ns) && lm(o.metadata.labels) && fm(o);
    return { match, fieldReqs: reqs, empty: !hasLabel && reqs.length === 0 };
  }

  /** A page of a list sorted by namespace/name, with kube's limit/continue/remainingItemCount. */
  listPage(key: string, opts: ListPageOptions = {}): ListPage {
    const t = this.table(key);
    const { match, fieldReqs, empty } = this.matcher(t, opts);
    const ns = t.rt.namespaced ? opts.namespace || undefined : undefined;
    let rv = this.rv;
    let start = '';
    if (opts.continue) {
      const c = decodeContinue(opts.continue);
      if (c.rv < t.compactedRV) throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
      rv = c.rv;
      start = c.start;
    }
    const limit = opts.limit && opts.limit > 0 ? Math.floor(opts.limit) : Infinity;
    // Candidate keys in order: an index on an equality field selector, else the sorted key range.
    let keys: string[];
    let from: number;
    let to: number;
    const idxReq = fieldReqs.find((r) => r.op !== '!=' && t.indexes.has(r.field));
    if (idxReq) {
      const set = t.indexes.get(idxReq.field)!.get(idxReq.value);
      keys = set ? [...set].sort() : [];
      from = 0;
      to = keys.length;
    } else {
      keys = t.keys();
      from = 0;
      to = keys.length;
    }
    if (ns !== undefined) {
      const lo = lowerBound(keys, `${ns}/`);
      const hi = lowerBound(keys, `${ns}0`); // '0' sorts right after '/'
      from = lo;
      to = hi;
    }
    if (start) from = Math.max(from, lowerBound(keys, start));
    const items: Frozen[] = [];
    let i = from;
    for (; i < to && items.length < limit; i++) {
      const o = t.objs.get(keys[i]!);
      if (o && match(o)) items.push(o);
    }
    const page: ListPage = {
      items: opts.copy === false ? (items as K8sObject[]) : items.map((o) => cloneObj(o)),
      resourceVersion: String(rv),
    };
    if (i < to && items.length >= limit) {
      const last = items[items.length - 1]!;
      page.continue = encodeContinue(rv, t.keyOf(last.metadata.namespace, last.metadata.name!) + '\u0000');
      // kube can count what is left only when no selector filters the keys.
      if (empty) page.remainingItemCount = to - i;
    }
    return page;
  }

  // ---------------- writes ----------------

  addAdmission(key: string, fn: AdmissionFn): void {
    let a = this.admissions.get(key);
    if (!a) this.admissions.set(key, (a = []));
    a.push(fn);
  }

  private admit(key: string, op: 'CREATE' | 'UPDATE' | 'DELETE', obj: K8sObject, old: K8sObject | undefined, ctx: { subresource?: string; user?: UserInfo; dryRun: boolean }): void {
    for (const fn of this.admissions.get('*') ?? []) fn(op, obj, old, ctx);
    for (const fn of this.admissions.get(key) ?? []) fn(op, obj, old, ctx);
  }

  on(key: string, fn: (type: WatchEventType, obj: K8sObject, old?: K8sObject) => void): () => void {
    let s = this.listeners.get(key);
    if (!s) this.listeners.set(key, (s = new Set()));
    s.add(fn);
    return () => s!.delete(fn);
  }

  private generateName(t: Table, prefix: string, ns: string | undefined): string {
    const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
    for (let n = 0; n < 100; n++) {
      let s = '';
      for (let i = 0; i < 5; i++) s += NAME_CHARS[randomInt(0, NAME_CHARS.length)];
      if (!t.objs.has(t.keyOf(ns, base + s))) return base + s;
    }
    throw alreadyExists(qualifiedResource(t.rt), base);
  }

  private checkNamespace(rt: ResourceType, ns: string, name: string): void {
    const nsObj = this.table('namespaces').objs.get(ns);
    if (!nsObj) throw notFound('namespaces', ns);
    if ((nsObj.status as any)?.phase === 'Terminating' || nsObj.metadata.deletionTimestamp) {
      const msg = `unable to create new content in namespace ${ns} because it is being terminated`;
      const res = qualifiedResource(rt);
      throw forbidden(`${res} "${name}" is forbidden: ${msg}`, {
        name,
        ...(rt.group ? { group: rt.group } : {}),
        kind: rt.plural,
        causes: [{ reason: 'NamespaceTerminating', message: msg, field: 'metadata.namespace' }],
      });
    }
  }

  /**
   * Creates an object. `resetStatus` drops a client-sent status as kube does for kinds with a
   * status subresource (the HTTP server passes it; seeds and controllers may keep status).
   */
  create(key: string, obj: K8sObject, opts: { dryRun?: boolean; user?: UserInfo; resetStatus?: boolean } = {}): K8sObject {
    const t = this.table(key);
    const rt = t.rt;
    if (rt.virtual) throw new StatusError(405, 'MethodNotAllowed', `create is not supported on resources of kind "${rt.plural}"`);
    const o: any = cloneObj(obj ?? {});
    if (!o.metadata || typeof o.metadata !== 'object') o.metadata = {};
    const m = o.metadata as ObjectMeta;
    o.apiVersion = apiVersionOf(rt);
    o.kind = rt.kind;
    let ns: string | undefined;
    if (rt.namespaced) ns = m.namespace = m.namespace || 'default';
    else delete m.namespace;
    if (rt.namespaced) this.checkNamespace(rt, ns!, m.name ?? '');
    if (!m.name && m.generateName) m.name = this.generateName(t, m.generateName, ns);
    if (!m.name) throw invalid(qualifiedKind(rt), '', [{ field: 'metadata.name', message: 'Required value: name or generateName is required', reason: 'FieldValueRequired' }]);
    const nc = nameCauses(rt, m.name);
    if (nc.length) throw invalid(qualifiedKind(rt), m.name, nc);
    // Nodes may set status on create (kubelets register that way); other kinds drop it, as kube does.
    if (opts.resetStatus && hasStatus(rt) && rt.key !== 'nodes') delete o.status;
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    delete m.resourceVersion;
    m.uid = randomUUID();
    m.creationTimestamp = this.clock.nowIso();
    if (this.tracksGeneration(rt)) m.generation = 1;
    else delete m.generation;
    applyDefaults(rt, o, true);
    this.admit(key, 'CREATE', o, undefined, { user: opts.user, dryRun: !!opts.dryRun });
    const causes = validate(rt, o);
    if (causes.length) throw invalid(qualifiedKind(rt), m.name, causes);
    const k = t.keyOf(ns, m.name);
    if (t.objs.has(k)) throw alreadyExists(qualifiedResource(rt), m.name);
    if (opts.dryRun) return o;
    m.resourceVersion = String(++this.rv);
    const frozen = deepFreeze(o) as Frozen;
    t.put(k, frozen, undefined);
    this.indexOwners(t, k, frozen, undefined);
    this.record(t, 'ADDED', frozen, undefined);
    return cloneObj(frozen);
  }

  private tracksGeneration(rt: ResourceType): boolean {
    return hasStatus(rt) && !['pods', 'nodes', 'namespaces', 'services'].includes(rt.key);
  }

  update(key: string, obj: K8sObject, opts: { dryRun?: boolean; subresource?: string; user?: UserInfo } = {}): K8sObject {
    const t = this.table(key);
    const rt = t.rt;
    const m = (obj?.metadata ?? {}) as ObjectMeta;
    const name = m.name ?? '';
    const ns = rt.namespaced ? m.namespace || 'default' : undefined;
    const k = t.keyOf(ns, name);
    const old = t.objs.get(k);
    if (!old) throw notFound(qualifiedResource(rt), name);
    const res = qualifiedResource(rt);
    if (m.resourceVersion && m.resourceVersion !== old.metadata.resourceVersion) throw conflict(res, name);
    if (m.uid && m.uid !== old.metadata.uid) throw conflict(res, name, `Precondition failed: UID in precondition: ${m.uid}, UID in object meta: ${old.metadata.uid}`);
    let n: any;
    const sub = opts.subresource;
    if (sub === 'status') {
      // The status subresource changes status only.
      n = cloneObj(old);
      if ((obj as any).status === undefined) delete n.status;
      else n.status = cloneObj((obj as any).status);
    } else {
      n = cloneObj(obj);
      if (!n.metadata || typeof n.metadata !== 'object') n.metadata = {};
      if (hasStatus(rt)) {
        if (old.status === undefined) delete n.status;
        else n.status = cloneObj(old.status);
      }
      const nm = n.metadata as ObjectMeta;
      nm.name = old.metadata.name;
      if (rt.namespaced) nm.namespace = old.metadata.namespace;
      else delete nm.namespace;
      nm.uid = old.metadata.uid;
      nm.creationTimestamp = old.metadata.creationTimestamp;
      if (old.metadata.generateName !== undefined) nm.generateName = old.metadata.generateName;
      for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const) {
        if (old.metadata[f] !== undefined) (nm as any)[f] = old.metadata[f];
        else delete nm[f];
      }
    }
    n.apiVersion = apiVersionOf(rt);
    n.kind = rt.kind;
    n.metadata.resourceVersion = old.metadata.resourceVersion;
    applyDefaults(rt, n, false);
    const oldCopy = cloneObj(old) as K8sObject;
    this.admit(key, 'UPDATE', n, oldCopy, { subresource: sub, user: opts.user, dryRun: !!opts.dryRun });
    const causes = validate(rt, n);
    if (causes.length) throw invalid(qualifiedKind(rt), name, causes);
    if (old.metadata.deletionTimestamp) {
      const added = (n.metadata.finalizers ?? []).filter((f: string) => !(old.metadata.finalizers ?? []).includes(f));
      if (added.length)
        throw invalid(qualifiedKind(rt), name, [{ field: 'metadata.finalizers', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f: string) => JSON.stringify(f)).join(', ')}}`, reason: 'FieldValueForbidden' }]);
    }
    if (this.tracksGeneration(rt) && !deepEqual(specPart(n), specPart(old))) n.metadata.generation = (old.metadata.generation ?? 0) + 1;
    if (Array.isArray(n.metadata.finalizers) && n.metadata.finalizers.length === 0) delete n.metadata.finalizers;
    if (deepEqual(n, old)) return cloneObj(old); // no-op: no new resourceVersion, no event (as etcd3 GuaranteedUpdate)
    if (opts.dryRun) return n;
    n.metadata.resourceVersion = String(++this.rv);
    const frozen = deepFreeze(n) as Frozen;
    t.put(k, frozen, old);
    this.indexOwners(t, k, frozen, old);
    this.record(t, 'MODIFIED', frozen, old);
    if (frozen.metadata.deletionTimestamp) this.tryFinalize(t, k);
    return cloneObj(frozen);
  }

  mutate(key: string, ns: string | undefined, name: string, fn: (obj: K8sObject) => void | false, opts: { subresource?: string } = {}): K8sObject | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = this.get(key, ns, name);
      if (!cur) return undefined;
      if (fn(cur) === false) return cur;
      try {
        return this.update(key, cur, { subresource: opts.subresource });
      } catch (e) {
        if (e instanceof StatusError && e.code === 409 && attempt < 4) continue;
        throw e;
      }
    }
    return undefined;
  }

  delete(key: string, ns: string | undefined, name: string, opts: DeleteOptions = {}): K8sObject {
    const t = this.table(key);
    const rt = t.rt;
    const res = qualifiedResource(rt);
    const k = t.keyOf(rt.namespaced ? ns || 'default' : undefined, name);
    const old = t.objs.get(k);
    if (!old) throw notFound(res, name);
    const pc = opts.preconditions;
    if (pc?.uid && pc.uid !== old.metadata.uid) throw conflict(res, name, `Precondition failed: UID in precondition: ${pc.uid}, UID in object meta: ${old.metadata.uid}`);
    if (pc?.resourceVersion && pc.resourceVersion !== old.metadata.resourceVersion)
      throw conflict(res, name, `Precondition failed: ResourceVersion in precondition: ${pc.resourceVersion}, ResourceVersion in meta: ${old.metadata.resourceVersion}`);
    const policy = opts.propagationPolicy;
    if (policy !== undefined && policy !== '' && !['Orphan', 'Background', 'Foreground'].includes(policy))
      throw invalid('DeleteOptions.meta.k8s.io', '', [{ field: 'propagationPolicy', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`, reason: 'FieldValueNotSupported' }]);
    this.admit(key, 'DELETE', cloneObj(old) as K8sObject, cloneObj(old) as K8sObject, { user: opts.user, dryRun: !!opts.dryRun });
    if (opts.dryRun) return cloneObj(old);

    if (rt.key === 'namespaces') return this.deleteNamespace(t, k, old);

    if (policy === 'Orphan') this.orphanDependants(old.metadata.uid!);

    const isPod = rt.key === 'pods';
    let grace = 0;
    if (isPod) {
      const spec: any = old.spec ?? {};
      const phase = (old.status as any)?.phase;
      grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
      // Pods never scheduled or already finished have nothing to stop: they go at once.
      if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
      if (grace < 0) grace = 0;
    }
    const finalizers = [...(old.metadata.finalizers ?? [])];
    if (policy === 'Foreground' && this.hasDependants(old.metadata.uid!) && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');

    if (old.metadata.deletionTimestamp) {
      // Already deleting: only a pod's grace may shorten (0 = force).
      if (isPod && opts.gracePeriodSeconds !== undefined && grace < (old.metadata.deletionGracePeriodSeconds ?? Infinity)) {
        if (grace === 0) {
          this.graceDone.add(old.metadata.uid!);
          this.graceTimers.get(old.metadata.uid!)?.cancel();
          return this.tryFinalize(t, k) ?? cloneObj(old);
        }
        const n: any = cloneObj(old);
        n.metadata.deletionTimestamp = nowIsoFrom(this.clock.nowMs() + grace * 1000);
        n.metadata.deletionGracePeriodSeconds = grace;
        const r = this.commitUpdate(t, k, n, old);
        this.startPodTermination(t, k, r, grace);
        return cloneObj(r);
      }
      return cloneObj(old);
    }

    if (grace === 0 && finalizers.length === 0) {
      return this.removeNow(t, k, policy === 'Foreground' ? 'Background' : policy);
    }
    const n: any = cloneObj(old);
    n.metadata.deletionTimestamp = nowIsoFrom(this.clock.nowMs() + grace * 1000);
    n.metadata.deletionGracePeriodSeconds = grace;
    if (finalizers.length) n.metadata.finalizers = finalizers;
    const r = this.commitUpdate(t, k, n, old);
    if (finalizers.includes('foregroundDeletion')) this.deleteDependants(r.metadata.uid!, 'Foreground');
    if (isPod && grace > 0) this.startPodTermination(t, k, r, grace);
    else if (isPod) this.graceDone.add(r.metadata.uid!);
    return cloneObj(r);
  }

  /** Deletes every object matching the selectors (namespace optional); returns what was deleted. */
  deleteCollection(key: string, list: ListOptions, opts: DeleteOptions = {}): K8sObject[] {
    const items = this.listPage(key, { ...list, copy: false }).items;
    const out: K8sObject[] = [];
    for (const o of items) {
      try {
        out.push(this.delete(key, o.metadata.namespace, o.metadata.name!, opts));
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return out;
  }

  /** Drops all watch history (as an etcd compaction): older watches and continue tokens get 410. */
  compact(): void {
    for (const t of new Set(this.tables.values())) {
      t.hist = [];
      t.histHead = 0;
      t.compactedRV = this.rv;
    }
  }

  // ---------------- deletion internals ----------------

  private commitUpdate(t: Table, k: string, n: any, old: Frozen): Frozen {
    n.metadata.resourceVersion = String(++this.rv);
    const frozen = deepFreeze(n) as Frozen;
    t.put(k, frozen, old);
    this.indexOwners(t, k, frozen, old);
    this.record(t, 'MODIFIED', frozen, old);
    return frozen;
  }

  private startPodTermination(t: Table, k: string, pod: Frozen, grace: number): void {
    const uid = pod.metadata.uid!;
    this.graceTimers.get(uid)?.cancel();
    let cancelled = false;
    this.graceTimers.set(uid, { cancel: () => (cancelled = true) });
    this.podTermination(cloneObj(pod), grace, () => {
      if (cancelled) return;
      this.graceTimers.delete(uid);
      this.graceDone.add(uid);
      const cur = t.objs.get(k);
      if (cur && cur.metadata.uid === uid) this.tryFinalize(t, k);
    });
  }

  /** Removes an object whose deletion is complete (no finalizers, grace done); returns the removed copy. */
  private tryFinalize(t: Table, k: string): K8sObject | undefined {
    const o = t.objs.get(k);
    if (!o || !o.metadata.deletionTimestamp) return undefined;
    if ((o.metadata.finalizers ?? []).length > 0) return undefined;
    if (t.rt.key === 'pods' && !this.graceDone.has(o.metadata.uid!) && (o.metadata.deletionGracePeriodSeconds ?? 0) > 0) return undefined;
    if (t.rt.key === 'namespaces') {
      // The namespace controller removes the namespace once spec.finalizers is empty.
      if (((o.spec as any)?.finalizers ?? []).length > 0) return undefined;
    }
    return this.removeNow(t, k, 'Background');
  }

  private removeNow(t: Table, k: string, policy: string | undefined): K8sObject {
    const old = t.objs.get(k)!;
    const gone: any = cloneObj(old);
    gone.metadata.resourceVersion = String(++this.rv);
    const frozen = deepFreeze(gone) as Frozen;
    t.remove(k);
    this.indexOwners(t, k, undefined, old);
    this.graceDone.delete(old.metadata.uid!);
    this.graceTimers.get(old.metadata.uid!)?.cancel();
    this.graceTimers.delete(old.metadata.uid!);
    this.record(t, 'DELETED', frozen, old);
    const uid = old.metadata.uid!;
    if (policy !== 'Orphan' && this.hasDependants(uid)) {
      // Background garbage collection, a moment after the owner went (as kube's GC controller).
      this.clock.setTimeout(() => this.deleteDependants(uid, 'Background'), 0);
    }
    // A foreground-deleting owner waits for its last dependant.
    for (const ref of old.metadata.ownerReferences ?? []) this.checkForegroundOwner(ref.uid);
    return cloneObj(frozen);
  }

  private indexOwners(t: Table, k: string, now: Frozen | undefined, old: Frozen | undefined): void {
    const id = `${t.rt.key}\u0000${k}`;
    if (old) {
      this.byUid.delete(old.metadata.uid!);
      for (const r of old.metadata.ownerReferences ?? []) this.dependants.get(r.uid)?.delete(id);
    }
    if (now) {
      this.byUid.set(now.metadata.uid!, { table: t, key: k });
      for (const r of now.metadata.ownerReferences ?? []) {
        let s = this.dependants.get(r.uid);
        if (!s) this.dependants.set(r.uid, (s = new Set()));
        s.add(id);
      }
    }
  }

  private hasDependants(uid: string): boolean {
    return (this.dependants.get(uid)?.size ?? 0) > 0;
  }

  private dependantsOf(uid: string): { t: Table; k: string }[] {
    const out: { t: Table; k: string }[] = [];
    for (const id of this.dependants.get(uid) ?? []) {
      const i = id.indexOf('\u0000');
      const t = this.tables.get(id.slice(0, i));
      if (t) out.push({ t, k: id.slice(i + 1) });
    }
    return out;
  }

  private orphanDependants(uid: string): void {
    for (const { t, k } of this.dependantsOf(uid)) {
      const o = t.objs.get(k);
      if (!o) continue;
      const n: any = cloneObj(o);
      n.metadata.ownerReferences = (n.metadata.ownerReferences ?? []).filter((r: OwnerReference) => r.uid !== uid);
      if (n.metadata.ownerReferences.length === 0) delete n.metadata.ownerReferences;
      this.commitUpdate(t, k, n, o);
    }
  }

  private deleteDependants(uid: string, policy: string): void {
    for (const { t, k } of this.dependantsOf(uid)) {
      const o = t.objs.get(k);
      if (!o) continue;
      const others = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid && this.byUid.has(r.uid));
      try {
        if (others.length > 0) {
          // Still owned by someone alive: only drop the dangling reference.
          if (!this.byUid.has(uid)) {
            const n: any = cloneObj(o);
            n.metadata.ownerReferences = n.metadata.ownerReferences.filter((r: OwnerReference) => r.uid !== uid);
            this.commitUpdate(t, k, n, o);
          }
          continue;
        }
        this.delete(t.rt.key, o.metadata.namespace, o.metadata.name!, { propagationPolicy: policy });
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) console.error('sim store: garbage collection failed', e);
      }
    }
  }

  private checkForegroundOwner(uid: string): void {
    const loc = this.byUid.get(uid);
    if (!loc) return;
    const o = loc.table.objs.get(loc.key);
    if (!o?.metadata.deletionTimestamp || !(o.metadata.finalizers ?? []).includes('foregroundDeletion')) return;
    if (this.hasDependants(uid)) return;
    const n: any = cloneObj(o);
    n.metadata.finalizers = n.metadata.finalizers.filter((f: string) => f !== 'foregroundDeletion');
    if (n.metadata.finalizers.length === 0) delete n.metadata.finalizers;
    this.commitUpdate(loc.table, loc.key, n, o);
    this.tryFinalize(loc.table, loc.key);
  }

  private deleteNamespace(t: Table, k: string, old: Frozen): K8sObject {
    if (old.metadata.deletionTimestamp) return cloneObj(old);
    const n: any = cloneObj(old);
    n.metadata.deletionTimestamp = this.clock.nowIso();
    n.metadata.deletionGracePeriodSeconds = 0;
    n.spec ??= {};
    n.spec.finalizers ??= ['kubernetes'];
    n.status = { ...(n.status ?? {}), phase: 'Terminating' };
    const r = this.commitUpdate(t, k, n, old);
    const ns = r.metadata.name!;
    const step = () => {
      const cur = t.objs.get(k);
      if (!cur || cur.metadata.uid !== r.metadata.uid) return this.nsTimers.delete(ns);
      if (this.emptyNamespace(ns)) {
        this.nsTimers.get(ns)?.cancel();
        this.nsTimers.delete(ns);
        const fin: any = cloneObj(cur);
        if ((fin.spec?.finalizers ?? []).length) {
          fin.spec.finalizers = [];
          this.commitUpdate(t, k, fin, cur);
        }
        this.tryFinalize(t, k);
      }
    };
    this.nsTimers.set(
      ns,
      this.clock.setTimeout(() => {
        this.deleteNamespaceContent(ns);
        step();
        if (t.objs.get(k)?.metadata.uid === r.metadata.uid) {
          // Wait for graceful pods and finalizers, as the namespace controller re-queues.
          this.nsTimers.set(ns, this.clock.setInterval(() => { this.deleteNamespaceContent(ns); step(); }, 1000));
        }
      }, this.o.namespaceDeletionDelayMs),
    );
    return cloneObj(r);
  }

  private namespacedTables(): Table[] {
    const out = new Set<Table>();
    for (const t of this.tables.values()) if (t.rt.namespaced) out.add(t);
    return [...out];
  }

  private deleteNamespaceContent(ns: string): void {
    for (const t of this.namespacedTables()) {
      for (const o of this.listPage(t.rt.key, { namespace: ns, copy: false }).items) {
        if (o.metadata.deletionTimestamp) continue;
        try {
          this.delete(t.rt.key, ns, o.metadata.name!, { propagationPolicy: 'Background' });
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) console.error('sim store: namespace cleanup failed', e);
        }
      }
    }
  }

  private emptyNamespace(ns: string): boolean {
    for (const t of this.namespacedTables()) if (this.listPage(t.rt.key, { namespace: ns, limit: 1, copy: false }).items.length) return false;
    return true;
  }

  // ---------------- history, hooks and watches ----------------

  private record(t: Table, type: WatchEventType, obj: Frozen, prev: Frozen | undefined): void {
    const now = this.clock.nowMs();
    const e: HistEntry = { rv: Number(obj.metadata.resourceVersion), type, obj, prev, t: now };
    t.hist.push(e);
    // Bounded history: a count cap, and a time window that always keeps the newest events.
    const cutoff = now - this.o.historyWindowMs;
    while (t.hist.length - t.histHead > this.o.historyLimit || (t.hist.length - t.histHead > this.o.historyMinKeep && t.hist[t.histHead]!.t < cutoff)) {
      t.compactedRV = t.hist[t.histHead]!.rv;
      t.histHead++;
    }
    if (t.histHead > 10_000 && t.histHead * 2 > t.hist.length) t.history();
    this.notifyQueue.push({ table: t, e });
    if (this.notifying) return;
    this.notifying = true;
    try {
      while (this.notifyQueue.length) {
        const { table, e: ev } = this.notifyQueue.shift()!;
        for (const w of table.watchers) this.deliver(w, ev);
        const ls = this.listeners.get(table.rt.key);
        if (ls?.size) {
          for (const fn of [...ls]) {
            try {
              fn(ev.type, cloneObj(ev.obj) as K8sObject, ev.prev ? (cloneObj(ev.prev) as K8sObject) : undefined);
            } catch (err) {
              console.error(`sim store: ${table.rt.key} listener failed`, err);
            }
          }
        }
      }
    } finally {
      this.notifying = false;
    }
  }

  /** Translates a history entry for one watcher: selector transitions become ADDED/DELETED, as kube's cacher. */
  private translate(w: Watcher, e: HistEntry): WatchEvent | undefined {
    if (e.type === 'ADDED') return w.match(e.obj) ? { type: 'ADDED', object: e.obj } : undefined;
    if (e.type === 'DELETED') return e.prev && w.match(e.prev) ? { type: 'DELETED', object: e.obj } : undefined;
    const now = w.match(e.obj);
    const before = e.prev ? w.match(e.prev) : false;
    if (now && before) return { type: 'MODIFIED', object: e.obj };
    if (now) return { type: 'ADDED', object: e.obj };
    if (before) return { type: 'DELETED', object: e.obj };
    return undefined;
  }

  private deliver(w: Watcher, e: HistEntry): void {
    if (w.closed) return;
    const ev = this.translate(w, e);
    if (!ev) return;
    this.send(w, ev);
  }

  private send(w: Watcher, ev: WatchEvent): void {
    if (w.closed) return;
    if (!w.ready) {
      w.queue.push(ev);
      return;
    }
    try {
      w.onEvent(ev);
    } catch (err) {
      console.error('sim store: watch consumer failed', err);
    }
  }

  /**
   * Watches a resource. Events after `resourceVersion` are replayed from history (exclusive);
   * absent or "0" starts with ADDED for every current match. A compacted resourceVersion gives a
   * single ERROR event (410 Expired Status) and nothing more. Delivery starts on a microtask, so
   * the returned stop function exists before the first event. Throws 400 for a bad selector.
   */
  watch(key: string, opts: WatchOptions, onEvent: (ev: WatchEvent) => void): () => void {
    const t = this.table(key);
    const { match } = this.matcher(t, opts);
    const w: Watcher = { table: t, match, onEvent, bookmarks: !!opts.allowWatchBookmarks, ready: false, closed: false, queue: [] };
    const rvStr = opts.resourceVersion ?? '';
    const initial: WatchEvent[] = [];
    if (rvStr === '' || rvStr === '0') {
      for (const k of t.keys()) {
        const o = t.objs.get(k);
        if (o && match(o)) initial.push({ type: 'ADDED', object: o });
      }
      if (opts.sendInitialEvents && w.bookmarks) {
        initial.push({ type: 'BOOKMARK', object: { kind: t.rt.kind, apiVersion: apiVersionOf(t.rt), metadata: { resourceVersion: String(this.rv), annotations: { 'k8s.io/initial-events-end': 'true' } } } });
      }
    } else {
      if (!/^\d+$/.test(rvStr)) throw badRequest(`invalid resource version: strconv.ParseUint: parsing ${JSON.stringify(rvStr)}: invalid syntax`);
      const rv = Number(rvStr);
      if (rv < t.compactedRV) {
        const status = gone(`too old resource version: ${rv} (${t.compactedRV})`).toStatus();
        w.closed = true;
        queueMicrotask(() => {
          try {
            onEvent({ type: 'ERROR', object: status });
          } catch (err) {
            console.error('sim store: watch consumer failed', err);
          }
        });
        return () => {};
      }
      const h = t.history();
      let i = h.length;
      // Binary search for the first event after rv.
      let lo = 0;
      let hi = h.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (h[mid]!.rv <= rv) lo = mid + 1;
        else hi = mid;
      }
      i = lo;
      for (; i < h.length; i++) {
        const ev = this.translate(w, h[i]!);
        if (ev) initial.push(ev);
      }
    }
    t.watchers.add(w);
    queueMicrotask(() => {
      if (w.closed) return;
      w.ready = true;
      const pending = [...initial, ...w.queue];
      w.queue = [];
      for (const ev of pending) {
        if (w.closed) break;
        try {
          w.onEvent(ev);
        } catch (err) {
          console.error('sim store: watch consumer failed', err);
        }
      }
    });
    return () => {
      w.closed = true;
      t.watchers.delete(w);
    };
  }

  /** Sends a BOOKMARK (current resourceVersion) to every watcher of `key` (or all) that allows them. */
  bookmark(key?: string): void {
    const tables = key ? [this.table(key)] : [...new Set(this.tables.values())];
    for (const t of tables) {
      for (const w of t.watchers) {
        if (!w.bookmarks || w.closed) continue;
        this.send(w, { type: 'BOOKMARK', object: { kind: t.rt.kind, apiVersion: apiVersionOf(t.rt), metadata: { resourceVersion: String(this.rv) } } });
      }
    }
  }

  watcherCount(key?: string): number {
    if (key) return this.table(key).watchers.size;
    let n = 0;
    for (const t of new Set(this.tables.values())) n += t.watchers.size;
    return n;
  }
}
