// Node reshaping: roles from labels, Ready condition, timestamps as Date (list) or string (watch).
import type { V1Node, V1NodeSystemInfo } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { nodeRoles, nodeToDto, sortNodes, summarizeNodes, toIso } from './nodes';

describe('nodeRoles', () => {
  it('reads node-role.kubernetes.io/<role> and the older kubernetes.io/role, control plane first', () => {
    expect(nodeRoles({ 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '' })).toEqual([
      'control-plane',
      'master',
      'worker',
    ]);
    expect(nodeRoles({ 'kubernetes.io/role': 'infra', 'node-role.kubernetes.io/gpu': 'true' })).toEqual(['infra', 'gpu']);
    expect(nodeRoles({ 'node-role.kubernetes.io/': '' })).toEqual([]);
    expect(nodeRoles(undefined)).toEqual([]);
  });
});

describe('nodeToDto', () => {
  it('turns a client-node V1Node (Date timestamps) into plain data', () => {
    const node: V1Node = {
      metadata: { name: 'w1', labels: { 'node-role.kubernetes.io/worker': '' }, creationTimestamp: new Date('2026-10-01T08:00:00.000Z') },
      spec: { unschedulable: true },
      status: {
        conditions: [
          { type: 'MemoryPressure', status: 'False' },
          { type: 'Ready', status: 'False' },
        ],
        addresses: [
          { type: 'Hostname', address: 'w1' },
          { type: 'InternalIP', address: '10.0.0.7' },
        ],
        nodeInfo: { kubeletVersion: 'v1.31.6' } as V1NodeSystemInfo,
      },
    };
    expect(nodeToDto(node)).toEqual({
      name: 'w1',
      roles: ['worker'],
      ready: 'False',
      unschedulable: true,
      kubeletVersion: 'v1.31.6',
      internalIP: '10.0.0.7',
      creationTimestamp: '2026-10-01T08:00:00Z',
    });
  });

  it('treats a missing Ready condition as Unknown and tolerates a bare object', () => {
    const dto = nodeToDto({ metadata: { name: 'x', creationTimestamp: '2026-01-02T03:04:05Z' as unknown as Date } });
    expect(dto).toEqual({ name: 'x', roles: [], ready: 'Unknown', unschedulable: false, kubeletVersion: '', internalIP: null, creationTimestamp: '2026-01-02T03:04:05Z' });
  });

  it('toIso rejects invalid dates', () => {
    expect(toIso(new Date('nope'))).toBeNull();
    expect(toIso(undefined)).toBeNull();
  });
});

describe('sortNodes and summarizeNodes', () => {
  const base = { unschedulable: false, kubeletVersion: '', internalIP: null, creationTimestamp: null };
  const nodes = [
    { ...base, name: 'b-worker', roles: ['worker'], ready: 'True' as const },
    { ...base, name: 'z-master', roles: ['master'], ready: 'Unknown' as const },
    { ...base, name: 'a-worker', roles: ['worker'], ready: 'False' as const, unschedulable: true },
  ];
  it('puts the control plane first, then by name', () => {
    expect(sortNodes(nodes).map((n) => n.name)).toEqual(['z-master', 'a-worker', 'b-worker']);
  });
  it('counts Ready, NotReady, Unknown and cordoned nodes', () => {
    expect(summarizeNodes(nodes)).toEqual({ total: 3, ready: 1, notReady: 1, unknown: 1, unschedulable: 1 });
  });
});
