import { describe, expect, it } from 'vitest';
import { DEFAULT_CLUSTER_ROLES } from './defaults';
import { ruleAllows, subjectMatches } from './rules';

const rolesByName = new Map(DEFAULT_CLUSTER_ROLES.map((r) => [r.name, r.rules]));
const allows = (role: string, attrs: Parameters<typeof ruleAllows>[1]) =>
  (rolesByName.get(role) ?? []).some((r) => ruleAllows(r, attrs));

describe('RBAC rules', () => {
  it('matches verbs, groups, resources and subresources exactly', () => {
    const rule = { verbs: ['get'], apiGroups: [''], resources: ['pods', 'pods/status'] };
    expect(ruleAllows(rule, { verb: 'get', group: '', resource: 'pods' })).toBe(true);
    expect(ruleAllows(rule, { verb: 'get', group: '', resource: 'pods', subresource: 'status' })).toBe(true);
    expect(ruleAllows(rule, { verb: 'get', group: '', resource: 'pods', subresource: 'eviction' })).toBe(false);
    expect(ruleAllows(rule, { verb: 'list', group: '', resource: 'pods' })).toBe(false);
    expect(ruleAllows(rule, { verb: 'get', group: 'apps', resource: 'pods' })).toBe(false);
  });

  it('treats resourceNames as never matching a nameless request', () => {
    const rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] };
    expect(ruleAllows(rule, { verb: 'get', group: '', resource: 'configmaps', name: 'a' })).toBe(true);
    expect(ruleAllows(rule, { verb: 'get', group: '', resource: 'configmaps', name: 'b' })).toBe(false);
    expect(ruleAllows(rule, { verb: 'list', group: '', resource: 'configmaps' })).toBe(false);
  });

  it('matches non-resource URLs with a trailing wildcard only', () => {
    const rule = { verbs: ['get'], nonResourceURLs: ['/apis/*', '/version'] };
    expect(ruleAllows(rule, { verb: 'get', group: '', resource: '', path: '/apis/apps/v1' })).toBe(true);
    expect(ruleAllows(rule, { verb: 'get', group: '', resource: '', path: '/version' })).toBe(true);
    expect(ruleAllows(rule, { verb: 'get', group: '', resource: '', path: '/versions' })).toBe(false);
    expect(ruleAllows(rule, { verb: 'post', group: '', resource: '', path: '/version' })).toBe(false);
  });

  it('gives the default roles the rights a user expects', () => {
    expect(allows('cluster-admin', { verb: 'patch', group: '', resource: 'nodes', name: 'w1' })).toBe(true);
    expect(allows('view', { verb: 'list', group: '', resource: 'pods' })).toBe(true);
    expect(allows('view', { verb: 'get', group: '', resource: 'secrets' })).toBe(false);
    expect(allows('view', { verb: 'delete', group: '', resource: 'pods' })).toBe(false);
    expect(allows('edit', { verb: 'create', group: '', resource: 'serviceaccounts', subresource: 'token' })).toBe(true);
    expect(allows('edit', { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings' })).toBe(false);
    expect(allows('admin', { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings' })).toBe(true);
    expect(allows('cluster-reader', { verb: 'watch', group: '', resource: 'nodes' })).toBe(true);
    expect(allows('cluster-reader', { verb: 'patch', group: '', resource: 'nodes' })).toBe(false);
    expect(allows('cluster-reader', { verb: 'get', group: 'operator.openshift.io', resource: 'kubeapiservers' })).toBe(true);
  });

  it('matches subjects by user, group and service account', () => {
    const user = { username: 'system:serviceaccount:default:build-robot', groups: ['system:serviceaccounts'] };
    expect(subjectMatches({ kind: 'ServiceAccount', name: 'build-robot', namespace: 'default' }, user)).toBe(true);
    expect(subjectMatches({ kind: 'ServiceAccount', name: 'build-robot' }, user, 'default')).toBe(true);
    expect(subjectMatches({ kind: 'ServiceAccount', name: 'build-robot' }, user, 'other')).toBe(false);
    expect(subjectMatches({ kind: 'Group', name: 'system:serviceaccounts' }, user)).toBe(true);
    expect(subjectMatches({ kind: 'User', name: 'build-robot' }, user)).toBe(false);
  });
});
