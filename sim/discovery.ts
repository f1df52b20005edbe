// Discovery documents in the shapes the kube-apiserver serves: /version, /api, /apis, the
// APIResourceLists, health checks and a small OpenAPI v3 (enough for kubectl to detect
// server-side field validation). Built from the registered ResourceTypes at every request, so
// types registered later by other modules appear too.
import { createHash } from 'node:crypto';
import { RESOURCES, type ResourceType } from './resources';

export const KUBE_VERSION = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.6',
  gitCommit: '3c7b8e0a39b5b0f0be9e4c8c09f40fe1a8d1a23b',
  gitTreeState: 'clean',
  buildDate: '2025-02-25T14:17:44Z',
  goVersion: 'go1.22.12 (Red Hat 1.22.12-1.el9_5) X:strictfipsruntime',
  compiler: 'gc',
  platform: 'linux/amd64',
};

// Subresources the real API serves with another kind or a narrower verb set.
const SUBRESOURCE_SHAPES: Record<string, { kind?: string; group?: string; version?: string; verbs: string[] }> = {
  status: { verbs: ['get', 'patch', 'update'] },
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
  token: { kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  log: { verbs: ['get'] },
  exec: { kind: 'PodExecOptions', verbs: ['create', 'get'] },
  proxy: { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
  finalize: { verbs: ['update'] },
  ephemeralcontainers: { verbs: ['get', 'patch', 'update'] },
  resize: { verbs: ['get', 'patch', 'update'] },
};

const GROUP_ORDER = ['', 'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io', 'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io'];

function gv(rt: { group: string; version: string }): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

function storageVersionHash(rt: ResourceType): string {
  return createHash('sha256').update(`${rt.group}/${rt.version}/${rt.kind}`).digest('base64').slice(0, 11);
}

export function groupVersions(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const rt of RESOURCES) {
    if (rt.group === '') continue;
    const vs = m.get(rt.group) ?? [];
    if (!vs.includes(rt.version)) vs.push(rt.version);
    m.set(rt.group, vs);
  }
  const ordered = [...m.keys()].sort((a, b) => {
    const ia = GROUP_ORDER.indexOf(a);
    const ib = GROUP_ORDER.indexOf(b);
    if (ia >= 0 && ib >= 0) return ia - ib;
    if (ia >= 0) return -1;
    if (ib >= 0) return 1;
    return a.localeCompare(b);
  });
  // v1 is preferred over betas, as kube's priority ordering does.
  return new Map(ordered.map((g) => [g, m.get(g)!.sort((a, b) => (a === 'v1' ? -1 : b === 'v1' ? 1 : b.localeCompare(a)))]));
}

export function apiGroup(name: string) {
  const versions = groupVersions().get(name);
  if (!versions) return undefined;
  const vs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: vs, preferredVersion: vs[0]! };
}

export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groupVersions().keys()].map((g) => apiGroup(g)!),
  };
}

export function apiResourceList(group: string, version: string) {
  const types = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const rt of [...types].sort((a, b) => a.plural.localeCompare(b.plural))) {
    const r: Record<string, unknown> = {
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: rt.verbs,
    };
    if (rt.shortNames?.length) r.shortNames = rt.shortNames;
    if (rt.categories?.length) r.categories = rt.categories;
    if (rt.verbs.includes('list')) r.storageVersionHash = storageVersionHash(rt);
    resources.push(r);
    for (const sub of rt.subresources ?? []) {
      const shape = SUBRESOURCE_SHAPES[sub] ?? { verbs: ['get'] };
      const s: Record<string, unknown> = { name: `${rt.plural}/${sub}`, singularName: '', namespaced: rt.namespaced };
      if (shape.group) s.group = shape.group;
      if (shape.version) s.version = shape.version;
      s.kind = shape.kind ?? rt.kind;
      s.verbs = shape.verbs;
      resources.push(s);
    }
  }
  resources.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv({ group, version }), resources };
}

// ---- OpenAPI v3 ---------------------------------------------------------------------------

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'];

function openapiDoc(group: string, version: string) {
  const types = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {
    'io.k8s.apimachinery.pkg.apis.meta.v1.Patch': { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
  };
  const prefix = `/${gvPath(group, version)}`;
  for (const rt of types) {
    const gvk = { group, version, kind: rt.kind };
    const schemaName = schemaNameFor(rt);
    schemas[schemaName] = { type: 'object', 'x-kubernetes-group-version-kind': [gvk], 'x-kubernetes-preserve-unknown-fields': true };
    const ref = { $ref: `#/components/schemas/${schemaName}` };
    const coll = rt.namespaced ? `${prefix}/namespaces/{namespace}/${rt.plural}` : `${prefix}/${rt.plural}`;
    const nsParam = rt.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : [];
    const qp = QUERY_PARAMS.map((name) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } }));
    const op = (action: string, extra: Record<string, unknown> = {}) => ({
      tags: [gvPath(group, version).replace(/[/.]/g, '_')],
      operationId: `${action}${rt.namespaced ? 'Namespaced' : ''}${rt.kind}`,
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      ...extra,
    });
    const collection: Record<string, unknown> = { parameters: nsParam };
    if (rt.verbs.includes('create')) collection.post = op('post', { parameters: qp, requestBody: { content: { '*/*': { schema: ref } }, required: true } });
    if (rt.verbs.includes('list')) collection.get = op('list');
    paths[coll] = collection;
    const item: Record<string, unknown> = { parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }, ...nsParam] };
    if (rt.verbs.includes('get')) item.get = op('get');
    if (rt.verbs.includes('update')) item.put = op('put', { parameters: qp, requestBody: { content: { '*/*': { schema: ref } }, required: true } });
    if (rt.verbs.includes('patch')) {
      // No strategic-merge type is listed: kubectl then builds apply patches from its own
      // compiled-in types instead of needing full schemas from us.
      item.patch = op('patch', {
        parameters: [...qp, { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } }],
        requestBody: {
          content: {
            'application/json-patch+json': { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } },
            'application/merge-patch+json': { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } },
            'application/apply-patch+yaml': { schema: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } },
          },
          required: true,
        },
      });
    }
    if (rt.verbs.includes('delete')) item.delete = op('delete');
    if (rt.verbs.includes('get') || rt.verbs.includes('patch')) paths[`${coll}/{name}`] = item;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBE_VERSION.gitVersion },
    paths,
    components: { schemas },
  };
}

function schemaNameFor(rt: ResourceType): string {
  if (rt.group.endsWith('openshift.io')) {
    const g = rt.group.split('.').reverse().join('.');
    return `${g}.${rt.version}.${rt.kind}`;
  }
  const g = rt.group === '' ? 'core' : rt.group.replace(/\.k8s\.io$/, '').replace(/\./g, '');
  return `io.k8s.api.${g}.${rt.version}.${rt.kind}`;
}

const docCache = new Map<string, { hash: string; body: string }>();

function openapiDocCached(group: string, version: string) {
  const doc = openapiDoc(group, version);
  if (!doc) return undefined;
  const body = JSON.stringify(doc);
  const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
  const v = { hash, body };
  docCache.set(gvPath(group, version), v);
  return v;
}

function openapiRoot() {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const gvs: [string, string][] = [['', 'v1'], ...[...groupVersions()].flatMap(([g, vs]) => vs.map((v) => [g, v] as [string, string]))];
  for (const [g, v] of gvs) {
    const d = openapiDocCached(g, v);
    if (d) paths[gvPath(g, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(g, v)}?hash=${d.hash}` };
  }
  return { paths };
}

// ---- routing -----------------------------------------------------------------------------

export interface DiscoveryReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Answers a discovery/health/OpenAPI path, or undefined when the path is not one of them. */
export function discoveryRoute(method: string, path: string, info: { port: number; accept?: string }): DiscoveryReply | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const text = (s: string): DiscoveryReply => ({ status: 200, body: s, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });
  switch (path) {
    case '/healthz':
    case '/readyz':
    case '/livez':
      return text('ok');
    case '/version':
      return { status: 200, body: KUBE_VERSION };
    case '/api':
      // Legacy JSON even when kubectl asks for aggregated discovery first: the
      // application/json Content-Type tells client-go to fall back, as with older servers.
      return {
        status: 200,
        body: { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${info.port}` }] },
      };
    case '/apis':
      return { status: 200, body: apiGroupList() };
    case '/api/v1':
      return { status: 200, body: apiResourceList('', 'v1') };
    case '/openapi/v3':
      return { status: 200, body: openapiRoot() };
  }
  let m = /^\/apis\/([^/]+)$/.exec(path);
  if (m) {
    const g = apiGroup(m[1]!);
    return g ? { status: 200, body: { kind: 'APIGroup', apiVersion: 'v1', ...g } } : undefined;
  }
  m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) {
    const l = apiResourceList(m[1]!, m[2]!);
    return l ? { status: 200, body: l } : undefined;
  }
  m = /^\/openapi\/v3\/(api\/v1|apis\/[^/]+\/[^/]+)$/.exec(path);
  if (m) {
    const parts = m[1]!.split('/');
    const [g, v] = parts[0] === 'api' ? ['', parts[1]!] : [parts[1]!, parts[2]!];
    const d = openapiDocCached(g, v);
    if (!d) return undefined;
    return { status: 200, body: Buffer.from(d.body), headers: { 'Content-Type': 'application/json', Etag: `"${d.hash}"` } };
  }
  return undefined;
}
