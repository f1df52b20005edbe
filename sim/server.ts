// The demo cluster's HTTPS Kubernetes API server: authentication, authorization, routing of every
// REST verb onto the Store, content negotiation (JSON, Table, PartialObjectMetadata), watch
// streaming, discovery, and the extension hooks other sim modules plug into.
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import {
  ANONYMOUS_USER,
  InterimAuthorizer,
  forbiddenMessage,
  type Authenticator,
  type Authorizer,
  type AuthzAttributes,
  type UserInfo,
} from './auth';
import type { Clock } from './clock';
import { discoveryRoute } from './discovery';
import { StatusError, badRequest, forbidden, internalError, invalid, methodNotAllowed, notFound, unauthorized, unsupportedMediaType } from './errors';
import { applyPatch, supportedPatchTypes } from './patch';
import { findResource, registerResource, type ResourceType } from './resources';
import type { K8sObject, Store, WatchEvent } from './store';
import { tableFor, type TableOptions } from './table';

export interface RequestContext {
  user: UserInfo;
  method: string;
  path: string;
  query: URLSearchParams;
  namespace?: string;
  name?: string;
  resource?: ResourceType;
  subresource?: string;
  headers: IncomingHttpHeaders;
  dryRun: boolean;
  warnings: string[];
}

type PathResult = { status: number; body: string | Buffer; headers?: Record<string, string> };
type SubResult = { status: number; body: unknown; headers?: Record<string, string> };
type Middleware = (ctx: RequestContext, next: () => Promise<void>) => Promise<void>;

export interface ApiServer {
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
  addAuthenticator(a: Authenticator, opts?: { first?: boolean }): void;
  setAuthorizer(a: Authorizer): void;
  handleCreate(key: string, fn: (ctx: RequestContext, body: any) => Promise<unknown> | unknown): void;
  handleSubresource(key: string, sub: string, method: string, fn: (ctx: RequestContext, body: any) => Promise<SubResult>): void;
  /** `body` is the decoded JSON (or YAML) request body of POST/PUT/PATCH/DELETE, undefined when empty. */
  handlePath(method: string, path: string, fn: (ctx: RequestContext, body?: any) => Promise<PathResult>, opts?: { anonymous?: boolean }): void;
  use(mw: Middleware): void;
  /** Ends every open watch now (the clients see their stream end and re-watch); returns how many. */
  dropWatches(): number;
  /** Authenticates a bearer token through the chain (null when no authenticator knows it). */
  authenticate(token: string): Promise<UserInfo | null>;
  /** The current authorizer's decision (what SelfSubjectAccessReview answers). */
  authorize(user: UserInfo, attrs: AuthzAttributes): { allowed: boolean; reason?: string };
  stats: { requests: number; watchesOpen: number; watchesByResource: Map<string, number> };
}

// Paths kube's system:public-info-viewer role grants to system:unauthenticated.
const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/livez', '/version', '/version/']);
// Kinds whose DELETE answers with the object itself (kube's ReturnDeletedObject), others a Status.
const RETURNS_DELETED_OBJECT = new Set(['pods', 'namespaces', 'nodes', 'services', 'persistentvolumes']);

class HttpReply {
  constructor(
    public status: number,
    public body: unknown,
    public headers: Record<string, string> = {},
  ) {}
}

function statusBody(err: StatusError): Record<string, unknown> {
  const st = err.toStatus() as unknown as Record<string, unknown>;
  // kube keeps an empty details object on the generic 404.
  if (err.code === 404 && err.details && Object.keys(err.details).length === 0) return { ...st, details: {}, code: 404 };
  return st;
}

function notFoundPath(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

function bearer(headers: IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1]!.trim() : '';
}

function mediaType(h: string | undefined): string {
  return (h ?? '').split(';')[0]!.trim().toLowerCase();
}

function wantsAs(accept: string | undefined): 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList' | undefined {
  if (!accept) return undefined;
  // The first acceptable clause wins, as in kube's negotiation.
  for (const clause of accept.split(',')) {
    const parts = clause.split(';').map((p) => p.trim());
    const mt = parts[0]!.toLowerCase();
    if (mt !== 'application/json' && mt !== '*/*' && mt !== 'application/*') continue;
    const as = parts.find((p) => p.startsWith('as='))?.slice(3);
    const g = parts.find((p) => p.startsWith('g='))?.slice(2);
    if (!as) return undefined;
    if (g === 'meta.k8s.io' && (as === 'Table' || as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList')) return as;
  }
  return undefined;
}

function partialMeta(obj: K8sObject): K8sObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

function kindOf(rt: ResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}

function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 3 * 1024 * 1024) throw new StatusError(413, 'RequestEntityTooLarge', 'the request body is too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function decodeJson(buf: Buffer): any {
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch (e) {
    // kubectl and client-go always send JSON; YAML bodies are still accepted as kube does.
    try {
      return parseYaml(buf.toString('utf8'));
    } catch {
      throw badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
    }
  }
}

// Top-level fields each kind's schema declares (for fieldValidation); unknown kinds get the common set.
const COMMON_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];
const EXTRA_FIELDS: Record<string, string[]> = {
  secrets: ['data', 'stringData', 'type', 'immutable'],
  configmaps: ['data', 'binaryData', 'immutable'],
  serviceaccounts: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  events: ['involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'series', 'action', 'related', 'reportingComponent', 'reportingInstance'],
  'events.events.k8s.io': ['eventTime', 'series', 'reportingController', 'reportingInstance', 'action', 'reason', 'regarding', 'related', 'note', 'type', 'deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount'],
};

function unknownTopLevelFields(rt: ResourceType, body: Record<string, unknown>): string[] {
  const known = new Set([...COMMON_FIELDS, ...(EXTRA_FIELDS[rt.key] ?? [])]);
  return Object.keys(body).filter((k) => !known.has(k));
}

type ParsedPath = { group: string; version: string; rt?: ResourceType; namespace?: string; name?: string; sub?: string; watchPrefix: boolean };

/** Splits a resource URL (/api/v1/..., /apis/g/v/..., with the old /watch/ prefix) into its parts. */
function parseResourcePath(path: string): ParsedPath | undefined {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(\/.*)?$/.exec(path);
  if (!m) return undefined;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3]!;
  let segs: string[];
  try {
    segs = (m[4] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
  let watchPrefix = false;
  if (segs[0] === 'watch') {
    watchPrefix = true;
    segs = segs.slice(1);
  }
  let namespace: string | undefined;
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    const inner = findResource(group, version, segs[2]!);
    if (inner?.namespaced) {
      namespace = segs[1];
      segs = segs.slice(2);
    }
  }
  if (segs.length === 0 || segs.length > 3) return { group, version, watchPrefix };
  const rt = findResource(group, version, segs[0]!);
  if (!rt || (!rt.namespaced && namespace !== undefined)) return { group, version, watchPrefix };
  return { group, version, rt, namespace, name: segs[1], sub: segs[2], watchPrefix };
}

export function createApiServer(deps: { store: Store; clock: Clock; tls: { key: string; cert: string } }): ApiServer {
  const { store, clock } = deps;
  const authenticators: Authenticator[] = [];
  let authorizer: Authorizer = new InterimAuthorizer();
  const createHandlers = new Map<string, (ctx: RequestContext, body: any) => Promise<unknown> | unknown>();
  const subHandlers = new Map<string, (ctx: RequestContext, body: any) => Promise<SubResult>>();
  const pathHandlers = new Map<string, { fn: (ctx: RequestContext, body?: any) => Promise<PathResult>; anonymous: boolean }>();
  const middlewares: Middleware[] = [];
  const sockets = new Set<Socket>();
  const openWatches = new Set<() => void>();
  let port = 0;

  const stats = { requests: 0, watchesOpen: 0, watchesByResource: new Map<string, number>() };

  const api: ApiServer = {
    stats,
    addAuthenticator(a, opts) {
      if (opts?.first) authenticators.unshift(a);
      else authenticators.push(a);
    },
    setAuthorizer(a) {
      authorizer = a;
    },
    handleCreate(key, fn) {
      createHandlers.set(key, fn);
    },
    handleSubresource(key, sub, method, fn) {
      subHandlers.set(`${key}/${sub}/${method.toUpperCase()}`, fn);
    },
    handlePath(method, path, fn, opts) {
      pathHandlers.set(`${method.toUpperCase()} ${path}`, { fn, anonymous: !!opts?.anonymous });
    },
    use(mw) {
      middlewares.push(mw);
    },
    dropWatches() {
      const all = [...openWatches];
      for (const stop of all) stop();
      return all.length;
    },
    async authenticate(token) {
      for (const a of authenticators) {
        const u = await a.authenticate(token);
        if (u) return u;
      }
      return null;
    },
    authorize(user, attrs) {
      return authorizer.authorize(user, attrs);
    },
    listen(p, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(p, host, () => {
          server.off('error', reject);
          const addr = server.address();
          port = typeof addr === 'object' && addr ? addr.port : p;
          resolve(port);
        });
      });
    },
    close() {
      for (const stop of [...openWatches]) stop();
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };

  installSelfReviews(api);

  const server: Server = createServer({ key: deps.tls.key, cert: deps.tls.cert }, (req, res) => {
    void handle(req, res);
  });
  // Go's server (kube) keeps idle connections far longer than Node's 5 s default; a short timeout
  // makes keep-alive clients (client-node, kubectl) race the close and see ECONNRESET.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function send(res: ServerResponse, ctx: RequestContext | undefined, status: number, body: unknown, headers: Record<string, string> = {}) {
    if (res.headersSent) return;
    const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
    const payload = isRaw ? (body as string | Buffer) : JSON.stringify(body);
    const h: Record<string, string | string[]> = {
      'Content-Type': isRaw ? 'text/plain; charset=utf-8' : 'application/json',
      'Cache-Control': 'no-cache, private',
      ...headers,
    };
    if (ctx?.warnings.length) h['Warning'] = ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(status, h);
    res.end(payload);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    stats.requests++;
    res.setHeader('Audit-Id', randomUUID());
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    let ctx: RequestContext | undefined;
    try {
      const token = bearer(req.headers);
      let user: UserInfo | null = null;
      if (token !== undefined && token !== '') user = await api.authenticate(token);
      const registered = pathHandlers.get(`${method} ${path}`);
      if (!user) {
        const anonymousOk = token === undefined && (PUBLIC_PATHS.has(path) || registered?.anonymous);
        if (!anonymousOk) throw unauthorized();
        user = structuredClone(ANONYMOUS_USER);
      }
      const dryRunValues = url.searchParams.getAll('dryRun');
      for (const d of dryRunValues) if (d !== 'All') throw badRequest(`Invalid dry run value: ${d}`) ;
      ctx = {
        user,
        method,
        path,
        query: url.searchParams,
        headers: req.headers,
        dryRun: dryRunValues.includes('All'),
        warnings: [],
      };
      const c = ctx;
      // Middleware (faults, metrics) runs after authentication and before authorization and routing,
      // where kube's priority-and-fairness filter sits; it sees which resource a request is for.
      const target = registered ? undefined : parseResourcePath(path);
      if (target?.rt) {
        c.resource = target.rt;
        c.namespace = target.namespace;
        c.name = target.name;
        c.subresource = target.sub;
      }
      const reply = await runMiddlewares(c, () => route(c, req, res, registered));
      if (reply) send(res, c, reply.status, reply.body, reply.headers);
    } catch (e) {
      const err = e instanceof StatusError ? e : internalError(e instanceof Error ? e.message : String(e));
      if (!(e instanceof StatusError)) console.error('[sim] internal error', e);
      const headers: Record<string, string> = {};
      const retry = err.details?.retryAfterSeconds;
      if (retry !== undefined) headers['Retry-After'] = String(retry);
      if (res.headersSent) {
        res.end();
        return;
      }
      send(res, ctx, err.code, statusBody(err), headers);
    }
  }

  async function runMiddlewares(ctx: RequestContext, final: () => Promise<HttpReply | undefined>): Promise<HttpReply | undefined> {
    let result: HttpReply | undefined;
    let i = 0;
    const next = async (): Promise<void> => {
      const mw = middlewares[i++];
      if (mw) await mw(ctx, next);
      else result = await final();
    };
    await next();
    return result;
  }

  function authorizeOrThrow(ctx: RequestContext, attrs: AuthzAttributes) {
    const d = authorizer.authorize(ctx.user, attrs);
    if (d.allowed) return;
    const msg = forbiddenMessage(ctx.user, attrs, d.reason);
    if (attrs.path !== undefined) throw forbidden(msg);
    const details: Record<string, unknown> = { kind: attrs.resource };
    if (attrs.name) details.name = attrs.name;
    if (attrs.group) details.group = attrs.group;
    throw forbidden(msg, details);
  }

  async function route(ctx: RequestContext, req: IncomingMessage, res: ServerResponse, registered: { fn: (ctx: RequestContext, body?: any) => Promise<PathResult>; anonymous: boolean } | undefined): Promise<HttpReply | undefined> {
    const { method, path } = ctx;
    if (registered) {
      // Paths registered as anonymous are public to everyone (like kube's public-info-viewer paths).
      if (!PUBLIC_PATHS.has(path) && !registered.anonymous) authorizeOrThrow(ctx, { verb: method.toLowerCase(), group: '', resource: '', path });
      const body = method === 'GET' || method === 'HEAD' ? undefined : decodeJson(await readBody(req));
      const r = await registered.fn(ctx, body);
      return new HttpReply(r.status, r.body, { 'Content-Type': 'application/json', ...r.headers });
    }
    const disc = discoveryRoute(method, path, { port, accept: ctx.headers.accept });
    if (disc) {
      if (!PUBLIC_PATHS.has(path)) authorizeOrThrow(ctx, { verb: 'get', group: '', resource: '', path });
      return new HttpReply(disc.status, disc.body, disc.headers);
    }
    const parsed = parseResourcePath(path);
    if (!parsed || !parsed.rt) throw notFoundPath();
    const { group, rt, namespace, name, sub, watchPrefix } = parsed;
    if (sub !== undefined && !(rt.subresources ?? []).includes(sub) && !hasSubHandler(rt.key, sub)) throw notFoundPath();
    ctx.resource = rt;
    ctx.namespace = namespace;
    ctx.name = name;
    ctx.subresource = sub;
    const isWatch = watchPrefix || ['1', 'true'].includes(ctx.query.get('watch') ?? '');

    let verb: string;
    if (method === 'GET' || method === 'HEAD') verb = name === undefined ? (isWatch ? 'watch' : 'list') : isWatch ? 'watch' : 'get';
    else if (method === 'POST') verb = 'create';
    else if (method === 'PUT') verb = 'update';
    else if (method === 'PATCH') verb = 'patch';
    else if (method === 'DELETE') verb = name === undefined ? 'deletecollection' : 'delete';
    else throw methodNotAllowed(`the server does not allow this method on the requested resource`);

    // A POST to a named object (not a subresource) or a collection verb on a name has no route.
    if ((verb === 'create' && name !== undefined && sub === undefined) || (name === undefined && ['update', 'patch'].includes(verb))) {
      throw methodNotAllowedFor(rt, name);
    }

    authorizeOrThrow(ctx, { verb, group, resource: rt.plural, subresource: sub, namespace, name });

    if (sub !== undefined) {
      const h = subHandlers.get(`${rt.key}/${sub}/${method}`);
      if (h) {
        const body = method === 'GET' || method === 'DELETE' ? undefined : decodeJson(await readBody(req));
        const r = await h(ctx, body);
        return new HttpReply(r.status, r.body, r.headers);
      }
      if (sub === 'status') return statusSub(ctx, rt, req, verb);
      if (sub === 'scale') return scaleSub(ctx, rt, req, verb);
      throw methodNotAllowedFor(rt, name);
    }

    const supported = verb === 'create' && createHandlers.has(rt.key) ? true : rt.verbs.includes(verb) && !(rt.virtual && verb === 'create');
    if (!supported) throw methodNotAllowedFor(rt, name);

    switch (verb) {
      case 'get':
        return getOne(ctx, rt);
      case 'list':
        return listAll(ctx, rt);
      case 'watch':
        await watch(ctx, rt, req, res);
        return undefined;
      case 'create':
        return create(ctx, rt, req);
      case 'update':
        return update(ctx, rt, req, undefined);
      case 'patch':
        return patch(ctx, rt, req, undefined);
      case 'delete':
        return deleteOne(ctx, rt, req);
      case 'deletecollection':
        return deleteCollection(ctx, rt, req);
    }
    throw notFoundPath();
  }

  function hasSubHandler(key: string, sub: string): boolean {
    for (const k of subHandlers.keys()) if (k.startsWith(`${key}/${sub}/`)) return true;
    return false;
  }

  function methodNotAllowedFor(rt: ResourceType, name: string | undefined): StatusError {
    return methodNotAllowed('the server does not allow this method on the requested resource', { ...(name ? { name } : {}), ...(rt.group ? { group: rt.group } : {}), kind: rt.plural });
  }

  function render(ctx: RequestContext, rt: ResourceType, obj: K8sObject): unknown {
    const as = wantsAs(ctx.headers.accept);
    if (as === 'Table') return tableFor(rt, [obj], tableOpts(ctx), obj.metadata.resourceVersion);
    if (as === 'PartialObjectMetadata') return partialMeta(obj);
    return obj;
  }

  function tableOpts(ctx: RequestContext): TableOptions {
    const io = ctx.query.get('includeObject');
    return { includeObject: io === 'None' || io === 'Object' ? io : 'Metadata', now: clock.nowMs(), noHeaders: false };
  }

  function getExisting(rt: ResourceType, ns: string | undefined, name: string): K8sObject {
    const o = store.get(rt.key, ns, name);
    if (!o) throw notFoundObj(rt, name);
    return o;
  }

  function notFoundObj(rt: ResourceType, name: string): StatusError {
    return notFound(kindOf(rt), name);
  }

  function getOne(ctx: RequestContext, rt: ResourceType): HttpReply {
    const obj = getExisting(rt, ctx.namespace, ctx.name!);
    return new HttpReply(200, render(ctx, rt, obj));
  }

  function selectorOpts(ctx: RequestContext) {
    return {
      namespace: ctx.namespace,
      labelSelector: ctx.query.get('labelSelector') ?? undefined,
      fieldSelector: ctx.query.get('fieldSelector') ?? undefined,
    };
  }

  function listAll(ctx: RequestContext, rt: ResourceType): HttpReply {
    const limitRaw = ctx.query.get('limit');
    const limit = limitRaw ? Number.parseInt(limitRaw, 10) : 0;
    if (limitRaw && (!Number.isFinite(limit) || limit < 0)) throw badRequest(`invalid limit: ${limitRaw}`);
    const cont = ctx.query.get('continue') ?? undefined;
    const rvm = ctx.query.get('resourceVersionMatch');
    if (rvm && !['Exact', 'NotOlderThan'].includes(rvm)) throw badRequest(`resourceVersionMatch: Unsupported value: "${rvm}": supported values: "Exact", "NotOlderThan"`);
    if (rvm && !ctx.query.get('resourceVersion')) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
    const page = listPage(rt, { ...selectorOpts(ctx), limit: limit > 0 ? limit : undefined, continue: cont });
    const as = wantsAs(ctx.headers.accept);
    if (as === 'Table') {
      const t = tableFor(rt, page.items, tableOpts(ctx), page.resourceVersion) as Record<string, unknown>;
      t.metadata = listMeta(page);
      return new HttpReply(200, t);
    }
    if (as === 'PartialObjectMetadataList' || as === 'PartialObjectMetadata') {
      return new HttpReply(200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta(page), items: page.items.map(partialMeta) });
    }
    return new HttpReply(200, { kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata: listMeta(page), items: page.items });
  }

  function listMeta(p: PageResult): Record<string, unknown> {
    const m: Record<string, unknown> = { resourceVersion: p.resourceVersion };
    if (p.continue) m.continue = p.continue;
    if (p.remainingItemCount !== undefined && p.continue) m.remainingItemCount = p.remainingItemCount;
    return m;
  }

  type PageResult = { items: K8sObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number };

  function listPage(rt: ResourceType, opts: { namespace?: string; labelSelector?: string; fieldSelector?: string; limit?: number; continue?: string }): PageResult {
    // Read-only frozen objects: they are only serialised.
    return store.listPage(rt.key, { ...opts, copy: false });
  }

  async function readObject(ctx: RequestContext, rt: ResourceType, req: IncomingMessage): Promise<K8sObject> {
    const ct = mediaType(req.headers['content-type']);
    const raw = await readBody(req);
    const body = decodeJson(raw);
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest(ct && ct !== 'application/json' && ct !== 'application/yaml' ? `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml` : 'Object \'Kind\' is missing in \'null\'');
    }
    checkFieldValidation(ctx, rt, body);
    return body as K8sObject;
  }

  function checkFieldValidation(ctx: RequestContext, rt: ResourceType, body: Record<string, unknown>) {
    const fv = ctx.query.get('fieldValidation') ?? 'Warn';
    if (!['Ignore', 'Warn', 'Strict'].includes(fv)) {
      throw badRequest(`fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`);
    }
    if (fv === 'Ignore') return;
    const unknown = unknownTopLevelFields(rt, body);
    if (unknown.length === 0) return;
    if (fv === 'Strict') {
      throw badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
    }
    for (const f of unknown) ctx.warnings.push(`unknown field "${f}"`);
  }

  function checkIdentity(ctx: RequestContext, rt: ResourceType, obj: K8sObject, verb: 'create' | 'update') {
    obj.metadata = (obj.metadata ?? {}) as K8sObject['metadata'];
    const md = obj.metadata as Record<string, unknown>;
    const expectApiVersion = apiVersionOf(rt);
    if (obj.apiVersion === undefined) obj.apiVersion = expectApiVersion;
    if (obj.kind === undefined) obj.kind = rt.kind;
    if (obj.kind !== rt.kind) {
      throw badRequest(`${String(obj.kind)} in version "${rt.version}" cannot be handled as a ${rt.kind}: no kind "${String(obj.kind)}" is registered for version "${expectApiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
    }
    if (obj.apiVersion !== expectApiVersion) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expectApiVersion})`);
    }
    if (rt.namespaced) {
      if (md.namespace === undefined || md.namespace === '') md.namespace = ctx.namespace;
      else if (ctx.namespace !== undefined && md.namespace !== ctx.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
    } else if (md.namespace) {
      delete md.namespace;
    }
    if (verb === 'update') {
      if (md.name === undefined || md.name === '') md.name = ctx.name;
      if (md.name !== ctx.name) throw badRequest('the name of the object (' + String(md.name) + ') does not match the name on the URL (' + ctx.name + ')');
    }
  }

  function createCheckNamespace(rt: ResourceType, ns: string | undefined) {
    if (!rt.namespaced || !ns) return;
    const nsObj = store.get('namespaces', undefined, ns);
    if (!nsObj) {
      throw notFound('namespaces', ns);
    }
    if ((nsObj.metadata as { deletionTimestamp?: string }).deletionTimestamp) {
      throw forbidden(`unable to create new content in namespace ${ns} because it is being terminated`, { name: ns, kind: 'namespaces' });
    }
  }

  async function create(ctx: RequestContext, rt: ResourceType, req: IncomingMessage): Promise<HttpReply> {
    const handler = createHandlers.get(rt.key);
    if (handler) {
      const body = decodeJson(await readBody(req));
      const out = await handler(ctx, body ?? {});
      return new HttpReply(201, out);
    }
    const obj = await readObject(ctx, rt, req);
    checkIdentity(ctx, rt, obj, 'create');
    createCheckNamespace(rt, obj.metadata.namespace as string | undefined);
    const created = store.create(rt.key, obj, { dryRun: ctx.dryRun, user: ctx.user, resetStatus: true });
    return new HttpReply(201, render(ctx, rt, created));
  }

  async function update(ctx: RequestContext, rt: ResourceType, req: IncomingMessage, subresource: string | undefined): Promise<HttpReply> {
    const obj = await readObject(ctx, rt, req);
    checkIdentity(ctx, rt, obj, 'update');
    const existing = store.get(rt.key, ctx.namespace, ctx.name!);
    if (!existing) {
      // kube's AllowCreateOnUpdate is false for the kinds served here: PUT never creates.
      throw notFoundObj(rt, ctx.name!);
    }
    if (!obj.metadata.resourceVersion) {
      // kube's unconditional update: for kinds that allow it, the current version is assumed.
      obj.metadata.resourceVersion = existing.metadata.resourceVersion;
    }
    const updated = store.update(rt.key, obj, { dryRun: ctx.dryRun, subresource, user: ctx.user });
    return new HttpReply(200, render(ctx, rt, updated));
  }

  async function patch(ctx: RequestContext, rt: ResourceType, req: IncomingMessage, subresource: string | undefined): Promise<HttpReply> {
    const ct = mediaType(req.headers['content-type']);
    const accepted = supportedPatchTypes(rt);
    if (!accepted.includes(ct)) throw unsupportedMediaType(accepted);
    const raw = (await readBody(req)).toString('utf8');
    if (ct === 'application/apply-patch+yaml' && !ctx.query.get('fieldManager')) {
      throw invalid('PatchOptions.meta.k8s.io', '', [{ field: 'fieldManager', message: 'Required value: is required for apply patch', reason: 'FieldValueRequired' }]);
    }
    const existing = store.get(rt.key, ctx.namespace, ctx.name!);
    if (!existing) {
      if (ct === 'application/apply-patch+yaml' && !subresource) {
        // Server-side apply creates the object when it does not exist.
        let obj: K8sObject;
        try {
          obj = parseYaml(raw) as K8sObject;
        } catch (e) {
          throw badRequest(`error decoding YAML: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (!obj || typeof obj !== 'object') throw badRequest('error decoding YAML: the apply patch must be an object');
        checkIdentity(ctx, rt, obj, 'update');
        createCheckNamespace(rt, obj.metadata.namespace as string | undefined);
        return new HttpReply(201, render(ctx, rt, store.create(rt.key, obj, { dryRun: ctx.dryRun, user: ctx.user, resetStatus: true })));
      }
      throw notFoundObj(rt, ctx.name!);
    }
    if (ct === 'application/merge-patch+json' || ct === 'application/strategic-merge-patch+json') {
      let doc: unknown;
      try {
        doc = JSON.parse(raw);
      } catch {
        doc = undefined;
      }
      if (doc && typeof doc === 'object' && !Array.isArray(doc)) checkFieldValidation(ctx, rt, doc as Record<string, unknown>);
    }
    const next = applyPatch(ct, existing, raw, rt) as K8sObject;
    next.metadata = next.metadata ?? ({} as K8sObject['metadata']);
    // A patch cannot move an object; a resourceVersion in the patch acts as a precondition.
    next.metadata.name = existing.metadata.name;
    if (rt.namespaced) next.metadata.namespace = existing.metadata.namespace;
    if (!next.metadata.resourceVersion) next.metadata.resourceVersion = existing.metadata.resourceVersion;
    next.apiVersion = existing.apiVersion;
    next.kind = existing.kind;
    const updated = store.update(rt.key, next, { dryRun: ctx.dryRun, subresource, user: ctx.user });
    return new HttpReply(200, render(ctx, rt, updated));
  }

  async function deleteOptions(ctx: RequestContext, req: IncomingMessage) {
    const body = decodeJson(await readBody(req)) as Record<string, any> | undefined;
    const q = ctx.query;
    const gps = q.get('gracePeriodSeconds') ?? body?.gracePeriodSeconds;
    const grace = gps === undefined || gps === null ? undefined : Number(gps);
    if (grace !== undefined && !Number.isFinite(grace)) throw badRequest(`invalid gracePeriodSeconds: ${gps}`);
    let policy: string | undefined = q.get('propagationPolicy') ?? body?.propagationPolicy ?? undefined;
    if (policy === undefined && (q.get('orphanDependents') === 'true' || body?.orphanDependents === true)) policy = 'Orphan';
    if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw badRequest(`DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`);
    }
    const dryRun = ctx.dryRun || (Array.isArray(body?.dryRun) && body!.dryRun.includes('All'));
    return { gracePeriodSeconds: grace, propagationPolicy: policy, preconditions: body?.preconditions, dryRun };
  }

  async function deleteOne(ctx: RequestContext, rt: ResourceType, req: IncomingMessage): Promise<HttpReply> {
    const opts = await deleteOptions(ctx, req);
    const before = getExisting(rt, ctx.namespace, ctx.name!);
    const out = store.delete(rt.key, ctx.namespace, ctx.name!, { ...opts, user: ctx.user });
    const still = opts.dryRun ? undefined : store.get(rt.key, ctx.namespace, ctx.name!);
    if (still || RETURNS_DELETED_OBJECT.has(rt.key) || rt.group.endsWith('openshift.io')) {
      // 200 with the object while it still exists (graceful pod deletion, finalizers), as kube.
      return new HttpReply(200, render(ctx, rt, still ?? out ?? before));
    }
    return new HttpReply(200, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: ctx.name, ...(rt.group ? { group: rt.group } : {}), kind: rt.plural, uid: before.metadata.uid },
    });
  }

  async function deleteCollection(ctx: RequestContext, rt: ResourceType, req: IncomingMessage): Promise<HttpReply> {
    const opts = await deleteOptions(ctx, req);
    const items = store.list(rt.key, selectorOpts(ctx));
    const deleted: K8sObject[] = [];
    for (const it of items) {
      try {
        deleted.push(store.delete(rt.key, it.metadata.namespace as string | undefined, it.metadata.name as string, { ...opts, user: ctx.user }));
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return new HttpReply(200, { kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: store.resourceVersion() }, items: deleted });
  }

  async function statusSub(ctx: RequestContext, rt: ResourceType, req: IncomingMessage, verb: string): Promise<HttpReply> {
    if (verb === 'get') return getOne(ctx, rt);
    if (verb === 'update') return update(ctx, rt, req, 'status');
    if (verb === 'patch') return patch(ctx, rt, req, 'status');
    throw methodNotAllowedFor(rt, ctx.name);
  }

  function toScale(rt: ResourceType, obj: K8sObject): Record<string, unknown> {
    const spec = (obj.spec ?? {}) as Record<string, any>;
    const status = (obj.status ?? {}) as Record<string, any>;
    const ml = spec.selector?.matchLabels as Record<string, string> | undefined;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: spec.replicas ?? 1 },
      status: { replicas: status.replicas ?? 0, selector: ml ? Object.entries(ml).map(([k, v]) => `${k}=${v}`).join(',') : '' },
    };
  }

  async function scaleSub(ctx: RequestContext, rt: ResourceType, req: IncomingMessage, verb: string): Promise<HttpReply> {
    const existing = getExisting(rt, ctx.namespace, ctx.name!);
    if (verb === 'get') return new HttpReply(200, toScale(rt, existing));
    let replicas: unknown;
    let rv: string | undefined;
    if (verb === 'update') {
      const body = decodeJson(await readBody(req)) as Record<string, any>;
      replicas = body?.spec?.replicas;
      rv = body?.metadata?.resourceVersion;
    } else if (verb === 'patch') {
      const ct = mediaType(req.headers['content-type']);
      const raw = (await readBody(req)).toString('utf8');
      const scaled = applyPatch(ct, toScale(rt, existing), raw) as Record<string, any>;
      replicas = scaled.spec?.replicas;
      rv = scaled.metadata?.resourceVersion !== existing.metadata.resourceVersion ? scaled.metadata?.resourceVersion : undefined;
    } else throw methodNotAllowedFor(rt, ctx.name);
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid('Scale.autoscaling', ctx.name!, [{ field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const next = structuredClone(existing);
    (next.spec as Record<string, unknown>).replicas = replicas;
    if (rv) next.metadata.resourceVersion = rv;
    const updated = store.update(rt.key, next, { dryRun: ctx.dryRun, user: ctx.user });
    return new HttpReply(200, toScale(rt, updated));
  }

  async function watch(ctx: RequestContext, rt: ResourceType, req: IncomingMessage, res: ServerResponse) {
    const q = ctx.query;
    const sel = selectorOpts(ctx);
    if (ctx.name !== undefined) {
      // The old /watch/.../name form watches a single object.
      sel.fieldSelector = [sel.fieldSelector, `metadata.name=${ctx.name}`].filter(Boolean).join(',');
    }
    const asTable = wantsAs(ctx.headers.accept) === 'Table';
    const timeoutRaw = q.get('timeoutSeconds');
    // timeoutSeconds is the client's wall-clock budget, not simulated time; kube's default is 30-60 min.
    const timeoutMs = timeoutRaw ? Math.max(0, Number(timeoutRaw)) * 1000 : (1800 + Math.random() * 1800) * 1000;
    const topts = tableOpts(ctx);
    let firstTable = true;
    let closed = false;
    let finish: () => void = () => {};

    const onEvent = (ev: WatchEvent) => {
      if (closed) return;
      let o: unknown = ev.object;
      if (asTable && (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED')) {
        // After the first event kube leaves out the column definitions; kubectl reuses the last ones.
        o = tableFor(rt, [ev.object as K8sObject], { ...topts, noHeaders: !firstTable }, (ev.object as K8sObject).metadata.resourceVersion);
        firstTable = false;
      }
      res.write(JSON.stringify({ type: ev.type, object: o }) + '\n');
      if (ev.type === 'ERROR') finish();
    };

    const rv = q.get('resourceVersion') ?? undefined;
    const stop = store.watch(rt.key, {
      ...sel,
      resourceVersion: rv,
      allowWatchBookmarks: ['1', 'true'].includes(q.get('allowWatchBookmarks') ?? ''),
      sendInitialEvents: q.get('sendInitialEvents') === 'true',
    }, onEvent);
    // Events are delivered from a microtask, so the headers go out first.
    stats.watchesOpen++;
    stats.watchesByResource.set(rt.key, (stats.watchesByResource.get(rt.key) ?? 0) + 1);
    const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' };
    if (ctx.warnings.length) headers['Warning'] = ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(200, headers);
    res.flushHeaders();

    await new Promise<void>((resolve) => {
      finish = () => {
        if (closed) return;
        closed = true;
        stop();
        clearTimeout(timeout);
        openWatches.delete(finish);
        stats.watchesOpen--;
        stats.watchesByResource.set(rt.key, Math.max(0, (stats.watchesByResource.get(rt.key) ?? 1) - 1));
        if (!res.writableEnded) res.end();
        resolve();
      };
      openWatches.add(finish);
      const timeout = setTimeout(() => finish(), timeoutMs);
      req.on('close', finish);
      res.on('close', finish);
    });
  }

  return api;
}

/** SelfSubjectReview and SelfSubjectAccessReview, answered from the server's own chain and authorizer. */
function installSelfReviews(api: ApiServer) {
  const ensure = (rt: ResourceType) => {
    if (!findResource(rt.group, rt.version, rt.plural)) registerResource(rt);
  };
  ensure({ group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', listKind: 'SelfSubjectReviewList', plural: 'selfsubjectreviews', singular: 'selfsubjectreview', namespaced: false, verbs: ['create'], key: 'selfsubjectreviews.authentication.k8s.io' });
  ensure({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', listKind: 'SelfSubjectAccessReviewList', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', namespaced: false, verbs: ['create'], key: 'selfsubjectaccessreviews.authorization.k8s.io' });
  const ssr = findResource('authentication.k8s.io', 'v1', 'selfsubjectreviews')!;
  const ssar = findResource('authorization.k8s.io', 'v1', 'selfsubjectaccessreviews')!;
  api.handleCreate(ssr.key, (ctx) => {
    const u = ctx.user;
    const userInfo: Record<string, unknown> = { username: u.username, groups: u.groups };
    if (u.uid) userInfo.uid = u.uid;
    if (u.extra && Object.keys(u.extra).length) userInfo.extra = u.extra;
    return { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo } };
  });
  api.handleCreate(ssar.key, (ctx, body) => {
    const spec = (body?.spec ?? {}) as Record<string, any>;
    const ra = spec.resourceAttributes as Record<string, string> | undefined;
    const nra = spec.nonResourceAttributes as Record<string, string> | undefined;
    if (!ra && !nra) {
      throw invalid('SelfSubjectAccessReview.authorization.k8s.io', '', [{ field: 'spec.resourceAttributes', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified' }]);
    }
    const attrs: AuthzAttributes = nra
      ? { verb: nra.verb ?? '', group: '', resource: '', path: nra.path ?? '' }
      : {
          verb: ra!.verb ?? '',
          group: ra!.group ?? '',
          resource: ra!.resource ?? '',
          subresource: ra!.subresource || undefined,
          namespace: ra!.namespace || undefined,
          name: ra!.name || undefined,
        };
    const d = api.authorize(ctx.user, attrs);
    const status: Record<string, unknown> = { allowed: d.allowed };
    if (d.reason) status.reason = d.reason;
    return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status };
  });
}

