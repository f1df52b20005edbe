// PATCH bodies as the kube-apiserver applies them: JSON merge patch (RFC 7386), JSON patch
// (RFC 6902), strategic merge patch with the merge keys of the built-in kinds, and a simple
// server-side apply (apply-patch+yaml, merged like a strategic patch, no managedFields).
import YAML from 'yaml';
import { StatusError, badRequest, unsupportedMediaType } from './errors';
import type { ResourceType } from './resources';

export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
export const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: any };

export function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a as Obj);
  const kb = Object.keys(b as Obj);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual((a as Obj)[k], (b as Obj)[k])) return false;
  return true;
}

/** Media types a resource accepts for PATCH (CRDs: no strategic merge, as kube). */
export function supportedPatchTypes(rt: ResourceType | undefined): string[] {
  return rt?.crd ? [JSON_PATCH, MERGE_PATCH, APPLY_PATCH] : [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH];
}

// ---------------- RFC 7386 ----------------
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return clone(patch);
  const out: Obj = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

// ---------------- RFC 6902 ----------------
function jsonPatchError(msg: string): StatusError {
  // kube: NewGenericServerResponse(422, ...) for a patch that does not apply.
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: msg }],
  });
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw badRequest(`invalid JSON Pointer: ${p}`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: any, path: string[]): { found: boolean; value?: any } {
  let cur = doc;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(seg)) return { found: false };
      const i = Number(seg);
      if (i >= cur.length) return { found: false };
      cur = cur[i];
    } else if (isPlainObject(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return { found: false };
      cur = cur[seg];
    } else return { found: false };
  }
  return { found: true, value: cur };
}

function parentOf(doc: any, path: string[], op: string, raw: string): { parent: any; last: string } {
  const par = getAt(doc, path.slice(0, -1));
  if (!par.found || (par.value === null || typeof par.value !== 'object')) {
    throw jsonPatchError(`${op} operation does not apply: doc is missing path: "${raw}": missing value`);
  }
  return { parent: par.value, last: path[path.length - 1]! };
}

function doAdd(doc: any, path: string[], value: any, raw: string): any {
  if (path.length === 0) return clone(value);
  const { parent, last } = parentOf(doc, path, 'add', raw);
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(clone(value));
    else {
      if (!/^(0|[1-9]\d*)$/.test(last)) throw jsonPatchError(`add operation does not apply: doc is missing path: "${raw}": missing value`);
      const i = Number(last);
      if (i > parent.length) throw jsonPatchError(`Unable to access invalid index: ${i}: invalid index referenced`);
      parent.splice(i, 0, clone(value));
    }
  } else parent[last] = clone(value);
  return doc;
}

function doRemove(doc: any, path: string[], raw: string): { doc: any; removed: any } {
  if (path.length === 0) return { doc: null, removed: doc };
  const { parent, last } = parentOf(doc, path, 'remove', raw);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^(0|[1-9]\d*)$/.test(last) || i >= parent.length) throw jsonPatchError(`Unable to remove nonexistent key: ${last}: missing value`);
    return { doc, removed: parent.splice(i, 1)[0] };
  }
  if (!Object.prototype.hasOwnProperty.call(parent, last)) throw jsonPatchError(`Unable to remove nonexistent key: ${last}: missing value`);
  const removed = parent[last];
  delete parent[last];
  return { doc, removed };
}

export function jsonPatch(original: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc: any = clone(original);
  for (const raw of ops) {
    if (!isPlainObject(raw)) throw badRequest('json: cannot unmarshal into Go value of type jsonpatch.Operation');
    const op = raw.op;
    const pathStr = raw.path;
    if (typeof pathStr !== 'string') throw jsonPatchError(`${op} operation does not apply: doc is missing path: "": missing value`);
    const path = parsePointer(pathStr);
    switch (op) {
      case 'add':
        if (!('value' in raw)) throw jsonPatchError('add operation does not apply: missing value');
        doc = doAdd(doc, path, raw.value, pathStr);
        break;
      case 'remove':
        doc = doRemove(doc, path, pathStr).doc;
        break;
      case 'replace': {
        if (!('value' in raw)) throw jsonPatchError('replace operation does not apply: missing value');
        if (path.length === 0) {
          doc = clone(raw.value);
          break;
        }
        const got = getAt(doc, path);
        if (!got.found) throw jsonPatchError(`replace operation does not apply: doc is missing key: ${pathStr}: missing value`);
        const { parent, last } = parentOf(doc, path, 'replace', pathStr);
        if (Array.isArray(parent)) parent[Number(last)] = clone(raw.value);
        else parent[last] = clone(raw.value);
        break;
      }
      case 'move': {
        if (typeof raw.from !== 'string') throw jsonPatchError('move operation does not apply: missing from');
        const from = parsePointer(raw.from);
        if (!getAt(doc, from).found) throw jsonPatchError(`move operation does not apply: doc is missing from path: ${raw.from}: missing value`);
        const r = doRemove(doc, from, raw.from);
        doc = doAdd(r.doc, path, r.removed, pathStr);
        break;
      }
      case 'copy': {
        if (typeof raw.from !== 'string') throw jsonPatchError('copy operation does not apply: missing from');
        const got = getAt(doc, parsePointer(raw.from));
        if (!got.found) throw jsonPatchError(`copy operation does not apply: doc is missing from path: "${raw.from}": missing value`);
        doc = doAdd(doc, path, got.value, pathStr);
        break;
      }
      case 'test': {
        const got = getAt(doc, path);
        const want = raw.value === undefined ? null : raw.value;
        if (!got.found ? want !== null : !deepEqual(got.value, want)) throw jsonPatchError(`testing value ${pathStr} failed: test failed`);
        break;
      }
      default:
        throw jsonPatchError(`Unexpected kind: ${String(op)}`);
    }
  }
  return doc;
}

// ---------------- strategic merge patch ----------------
type ListStrategy = { mergeKey: string } | 'set' | 'atomic';

/** Merge keys of the built-in kinds (from the Go struct tags), looked up by field name and parent path. */
function listStrategy(path: string[], field: string, kind: string): ListStrategy {
  const parent = path[path.length - 1];
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'imagePullSecrets':
    case 'env':
    case 'secrets':
    case 'resourceClaims':
      return { mergeKey: 'name' };
    case 'volumeMounts':
      return { mergeKey: 'mountPath' };
    case 'volumeDevices':
      return { mergeKey: 'devicePath' };
    case 'ports':
      // Service ports merge on port; container ports on containerPort.
      if (kind === 'Service' && parent === 'spec') return { mergeKey: 'port' };
      return { mergeKey: 'containerPort' };
    case 'conditions':
      return { mergeKey: 'type' };
    case 'taints':
      return { mergeKey: 'key' };
    case 'addresses':
      return kind === 'Node' ? { mergeKey: 'type' } : 'atomic';
    case 'ownerReferences':
      return { mergeKey: 'uid' };
    case 'finalizers':
      return path.length === 1 && path[0] === 'metadata' ? 'set' : 'atomic';
    case 'hostAliases':
      return { mergeKey: 'ip' };
    case 'topologySpreadConstraints':
      return { mergeKey: 'topologyKey' };
    case 'podCIDRs':
      return 'set';
    default:
      return 'atomic';
  }
}

const DIRECTIVE = '$patch';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIM = '$deleteFromPrimitiveList/';
const RETAIN = '$retainKeys';

function stripDirectives(v: any): any {
  if (Array.isArray(v)) return v.filter((e) => !(isPlainObject(e) && e[DIRECTIVE] !== undefined && Object.keys(e).length === 1)).map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === DIRECTIVE || k === RETAIN || k.startsWith(SET_ORDER) || k.startsWith(DELETE_PRIM)) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function smpMap(orig: any, patch: Obj, path: string[], kind: string, atomicLists: boolean): any {
  const directive = patch[DIRECTIVE];
  if (directive === 'replace') return stripDirectives(patch);
  if (directive === 'delete') return undefined;
  if (directive !== undefined && directive !== 'merge') throw badRequest(`Unknown patch type: ${String(directive)}`);
  const out: Obj = isPlainObject(orig) ? { ...orig } : {};
  const orders: [string, any[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === DIRECTIVE || k === RETAIN) continue;
    if (k.startsWith(SET_ORDER)) {
      if (Array.isArray(v)) orders.push([k.slice(SET_ORDER.length), v]);
      continue;
    }
    if (k.startsWith(DELETE_PRIM)) {
      const f = k.slice(DELETE_PRIM.length);
      if (Array.isArray(out[f]) && Array.isArray(v)) out[f] = (out[f] as any[]).filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    if (isPlainObject(v)) {
      const r = smpMap(out[k], v, [...path, k], kind, atomicLists);
      if (r === undefined) delete out[k];
      else out[k] = r;
      continue;
    }
    if (Array.isArray(v)) {
      const strat = atomicLists ? 'atomic' : listStrategy(path, k, kind);
      out[k] = smpList(Array.isArray(out[k]) ? out[k] : [], v, strat, [...path, k], kind, atomicLists);
      continue;
    }
    out[k] = v;
  }
  for (const [f, order] of orders) {
    if (!Array.isArray(out[f])) continue;
    const strat = atomicLists ? 'atomic' : listStrategy(path, f, kind);
    out[f] = applyOrder(out[f], order, strat);
  }
  if (Array.isArray(patch[RETAIN])) {
    const keep = new Set(patch[RETAIN] as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function keyOf(e: any, mergeKey: string): unknown {
  return isPlainObject(e) ? e[mergeKey] : undefined;
}

function smpList(orig: any[], patch: any[], strat: ListStrategy, path: string[], kind: string, atomicLists: boolean): any[] {
  if (strat === 'atomic') return stripDirectives(patch);
  if (strat === 'set') {
    const out = [...orig];
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(v);
    return out;
  }
  const mk = strat.mergeKey;
  // A {"$patch": "replace"} element replaces the whole list with the other elements.
  if (patch.some((e) => isPlainObject(e) && e[DIRECTIVE] === 'replace')) {
    return stripDirectives(patch.filter((e) => !(isPlainObject(e) && e[DIRECTIVE] === 'replace')));
  }
  const out = [...orig];
  for (const pe of patch) {
    if (!isPlainObject(pe)) {
      out.push(pe);
      continue;
    }
    const key = pe[mk];
    const idx = key === undefined ? -1 : out.findIndex((x) => deepEqual(keyOf(x, mk), key));
    if (pe[DIRECTIVE] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (key === undefined) throw badRequest(`map: ${JSON.stringify(pe)} does not contain declared merge key: ${mk}`);
    if (idx >= 0) out[idx] = smpMap(out[idx], pe, path, kind, atomicLists);
    else out.push(stripDirectives(pe));
  }
  return out;
}

function applyOrder(list: any[], order: any[], strat: ListStrategy): any[] {
  const keyFn = (e: any): unknown => (typeof strat === 'object' ? keyOf(e, strat.mergeKey) : e);
  const pos = (e: any): number => {
    const k = keyFn(e);
    const i = order.findIndex((o) => deepEqual(typeof strat === 'object' && isPlainObject(o) ? o[strat.mergeKey] : o, k));
    return i;
  };
  // Elements named in the order come in that order; the others keep their relative place after them.
  const named = list.filter((e) => pos(e) >= 0).sort((a, b) => pos(a) - pos(b));
  const rest = list.filter((e) => pos(e) < 0);
  return [...named, ...rest];
}

export function strategicMergePatch(original: unknown, patch: unknown, kind: string, atomicLists = false): unknown {
  if (!isPlainObject(patch)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
  const r = smpMap(original, patch, [], kind, atomicLists);
  return r === undefined ? {} : r;
}

function decode(body: unknown, yaml = false): unknown {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    try {
      return yaml ? YAML.parse(text) : JSON.parse(text);
    } catch (e) {
      throw badRequest(yaml ? `error decoding YAML: ${(e as Error).message}` : `error decoding patch: ${(e as Error).message}`);
    }
  }
  return body;
}

/**
 * Applies a PATCH body (string, Buffer or already-parsed JSON) of the given Content-Type to a
 * copy of `original` and returns the patched object. Throws StatusError: 415 for a media type the
 * resource does not accept, 400 for a body that does not decode, 422 for a JSON patch that fails.
 * The caller (store/server) keeps apiVersion/kind/name/namespace/uid consistent afterwards.
 */
export function applyPatch(contentType: string, original: unknown, patchBody: unknown, rt?: ResourceType): any {
  const ct = (contentType || '').split(';')[0]!.trim().toLowerCase();
  const accepted = supportedPatchTypes(rt);
  if (!accepted.includes(ct)) throw unsupportedMediaType(accepted);
  const kind = rt?.kind ?? (isPlainObject(original) ? String(original.kind ?? '') : '');
  switch (ct) {
    case MERGE_PATCH: {
      const p = decode(patchBody);
      return mergePatch(original, p);
    }
    case JSON_PATCH:
      return jsonPatch(original, decode(patchBody));
    case STRATEGIC_PATCH:
      return strategicMergePatch(original, decode(patchBody), kind);
    case APPLY_PATCH: {
      const p = decode(patchBody, true);
      if (!isPlainObject(p)) throw badRequest('error decoding YAML: the apply patch must be an object');
      // Simple server-side apply: merge the applied config by the kind's merge keys (CRDs: lists atomic).
      return strategicMergePatch(original ?? {}, p, kind, !!rt?.crd);
    }
  }
  throw unsupportedMediaType(accepted);
}

export type { Json };
