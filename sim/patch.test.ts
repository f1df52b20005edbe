import { describe, expect, it } from 'vitest';
import { StatusError } from './errors';
import { applyPatch, JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH } from './patch';
import { resourceByKey } from './resources';

const podRt = resourceByKey('pods')!;
const nodeRt = resourceByKey('nodes')!;
const authRt = resourceByKey('authentications.config.openshift.io')!;

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    containers: [
      { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], volumeMounts: [{ name: 'v', mountPath: '/v' }] },
      { name: 'side', image: 'side:1', ports: [{ containerPort: 80 }] },
    ],
    tolerations: [{ key: 't1', operator: 'Exists' }],
    volumes: [{ name: 'v', emptyDir: {} }],
  },
  status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Initialized', status: 'True' }] },
});

function err(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    return e as StatusError;
  }
  throw new Error('expected an error');
}

describe('merge patch (RFC 7386)', () => {
  it('merges maps, deletes with null, replaces lists', () => {
    const r = applyPatch(MERGE_PATCH, pod(), JSON.stringify({ metadata: { labels: { a: null, c: '3' } }, spec: { tolerations: [] } }), podRt);
    expect(r.metadata.labels).toEqual({ b: '2', c: '3' });
    expect(r.spec.tolerations).toEqual([]);
    expect(r.spec.containers).toHaveLength(2);
  });
  it('accepts a charset parameter and rejects bad JSON with 400', () => {
    expect(applyPatch(`${MERGE_PATCH}; charset=utf-8`, { a: 1 }, '{"b":2}', podRt)).toEqual({ a: 1, b: 2 });
    expect(err(() => applyPatch(MERGE_PATCH, {}, '{nope', podRt)).code).toBe(400);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('add, remove, replace, move, copy, test', () => {
    const ops = [
      { op: 'test', path: '/metadata/name', value: 'p' },
      { op: 'add', path: '/metadata/labels/c', value: '3' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'app:2' },
      { op: 'copy', from: '/metadata/labels/b', path: '/metadata/labels/d' },
      { op: 'move', from: '/metadata/labels/c', path: '/metadata/labels/e' },
      { op: 'add', path: '/spec/tolerations/-', value: { key: 't2', operator: 'Exists' } },
      { op: 'add', path: '/metadata/labels/sl~1ash', value: 'y' },
    ];
    const r = applyPatch(JSON_PATCH, pod(), JSON.stringify(ops), podRt);
    expect(r.metadata.labels).toEqual({ b: '2', d: '2', e: '3', 'sl/ash': 'y' });
    expect(r.spec.containers[0].image).toBe('app:2');
    expect(r.spec.tolerations.map((t: any) => t.key)).toEqual(['t1', 't2']);
  });
  it('a failed test op is 422 as kube returns it, and nothing is applied', () => {
    const orig = pod();
    const e = err(() => applyPatch(JSON_PATCH, orig, [{ op: 'replace', path: '/metadata/name', value: 'q' }, { op: 'test', path: '/metadata/name', value: 'zzz' }], podRt));
    expect(e.code).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.toStatus().details?.causes?.[0]?.message).toBe('testing value /metadata/name failed: test failed');
    expect(orig.metadata.name).toBe('p');
  });
  it('removing a missing path is 422', () => {
    expect(err(() => applyPatch(JSON_PATCH, pod(), [{ op: 'remove', path: '/metadata/nothere' }], podRt)).code).toBe(422);
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name, env by name, ports by containerPort; tolerations replace', () => {
    const p = {
      spec: {
        containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: 'b' }, { name: 'C', value: 'c' }] }, { name: 'new', image: 'n:1' }],
        tolerations: [{ key: 'only', operator: 'Exists' }],
      },
    };
    const r = applyPatch(STRATEGIC_PATCH, pod(), JSON.stringify(p), podRt);
    expect(r.spec.containers.map((c: any) => c.name)).toEqual(['app', 'side', 'new']);
    expect(r.spec.containers[0].image).toBe('app:2');
    expect(r.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'b' }, { name: 'C', value: 'c' }]);
    expect(r.spec.containers[0].volumeMounts).toEqual([{ name: 'v', mountPath: '/v' }]);
    expect(r.spec.tolerations).toEqual([{ key: 'only', operator: 'Exists' }]);
  });
  it('$patch: delete removes a list element; $patch: replace replaces a list or a map', () => {
    const r = applyPatch(STRATEGIC_PATCH, pod(), { spec: { containers: [{ name: 'side', $patch: 'delete' }] } }, podRt);
    expect(r.spec.containers.map((c: any) => c.name)).toEqual(['app']);
    const r2 = applyPatch(STRATEGIC_PATCH, pod(), { spec: { volumes: [{ $patch: 'replace' }, { name: 'w', emptyDir: {} }] } }, podRt);
    expect(r2.spec.volumes).toEqual([{ name: 'w', emptyDir: {} }]);
    const r3 = applyPatch(STRATEGIC_PATCH, pod(), { metadata: { labels: { $patch: 'replace', z: '9' } } }, podRt);
    expect(r3.metadata.labels).toEqual({ z: '9' });
  });
  it('merges status conditions by type and finalizers as a set; $deleteFromPrimitiveList', () => {
    const r = applyPatch(STRATEGIC_PATCH, pod(), { status: { conditions: [{ type: 'Ready', status: 'True' }] }, metadata: { finalizers: ['y', 'x'] } }, podRt);
    expect(r.status.conditions).toEqual([{ type: 'Ready', status: 'True' }, { type: 'Initialized', status: 'True' }]);
    expect(r.metadata.finalizers).toEqual(['x', 'y']);
    const r2 = applyPatch(STRATEGIC_PATCH, r, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } }, podRt);
    expect(r2.metadata.finalizers).toEqual(['y']);
  });
  it('honours $setElementOrder and node taints by key (kubectl apply/edit send these)', () => {
    const p = {
      spec: {
        '$setElementOrder/containers': [{ name: 'side' }, { name: 'app' }],
        containers: [{ name: 'app', image: 'app:3' }],
      },
    };
    const r = applyPatch(STRATEGIC_PATCH, pod(), p, podRt);
    expect(r.spec.containers.map((c: any) => `${c.name}=${c.image}`)).toEqual(['side=side:1', 'app=app:3']);
    expect(JSON.stringify(r)).not.toContain('$setElementOrder');
    const node = { metadata: { name: 'n' }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } };
    const rn = applyPatch(STRATEGIC_PATCH, node, { spec: { taints: [{ key: 'b', effect: 'NoExecute' }, { key: 'a', effect: 'NoExecute' }] }, status: { addresses: [{ type: 'Hostname', address: 'n' }] } }, nodeRt);
    expect(rn.spec.taints).toEqual([{ key: 'a', effect: 'NoExecute' }, { key: 'b', effect: 'NoExecute' }]);
    expect(rn.status.addresses).toHaveLength(2);
  });
  it('$retainKeys drops keys not listed', () => {
    const d = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    const r = applyPatch(STRATEGIC_PATCH, d, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, resourceByKey('deployments.apps'));
    expect(r.spec.strategy).toEqual({ type: 'Recreate' });
  });
  it('is refused with 415 for OpenShift CRD kinds', () => {
    const e = err(() => applyPatch(STRATEGIC_PATCH, {}, '{}', authRt));
    expect(e.code).toBe(415);
    expect(e.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    expect(applyPatch(MERGE_PATCH, { spec: { a: 1 } }, '{"spec":{"b":2}}', authRt)).toEqual({ spec: { a: 1, b: 2 } });
  });
});

describe('apply patch (simple server-side apply)', () => {
  it('merges YAML by merge keys', () => {
    const r = applyPatch(APPLY_PATCH, pod(), 'spec:\n  containers:\n  - name: side\n    image: side:2\n', podRt);
    expect(r.spec.containers.map((c: any) => c.image)).toEqual(['app:1', 'side:2']);
  });
  it('rejects an unknown media type with 415', () => {
    expect(err(() => applyPatch('text/plain', {}, '{}', podRt)).code).toBe(415);
  });
});
