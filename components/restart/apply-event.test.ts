import { describe, expect, it } from 'vitest';
import type { StepRecord, WorkflowState } from '@/lib/workflows/types';
import { applyEvent } from './apply-event';

const step = (id: string, status: StepRecord['status'] = 'pending'): StepRecord => ({
  id, action: 'cordon', title: id, command: `oc adm cordon ${id}`, target: { kind: 'Node', name: id }, group: id, status,
});
const base: WorkflowState = {
  id: 'nodes-1', kind: 'rolling-node-restart', status: 'running', initiator: { username: 'admin' }, options: {} as WorkflowState['options'],
  createdAt: '2026-11-29T00:00:00Z', updatedAt: '2026-11-29T00:00:00Z', cursor: 0, steps: [step('a'), step('b')], log: [],
};

describe('applyEvent', () => {
  it('replaces the state with a state event of the same workflow, ignores another workflow', () => {
    const next = { ...base, status: 'paused' as const };
    expect(applyEvent(base, { type: 'state', state: next }, 'nodes-1')).toBe(next);
    expect(applyEvent(base, { type: 'state', state: { ...next, id: 'other' } }, 'nodes-1')).toBe(base);
    expect(applyEvent(null, { type: 'state', state: next }, 'nodes-1')).toBe(next);
  });
  it('patches one step and moves the cursor to a running step', () => {
    const s = applyEvent(base, { type: 'step', workflowId: 'nodes-1', step: step('b', 'running'), index: 1 }, 'nodes-1')!;
    expect(s.steps.map((x) => x.status)).toEqual(['pending', 'running']);
    expect(s.cursor).toBe(1);
    expect(base.steps[1]!.status).toBe('pending');
    const d = applyEvent(s, { type: 'step', workflowId: 'nodes-1', step: step('b', 'done'), index: 1 }, 'nodes-1')!;
    expect(d.cursor).toBe(1);
    expect(d.steps[1]!.status).toBe('done');
  });
  it('sets the progress message on the step it names and appends log entries', () => {
    const p = applyEvent(base, { type: 'progress', workflowId: 'nodes-1', stepId: 'a', message: '3 pods left', at: 'x' }, 'nodes-1')!;
    expect(p.steps[0]!.message).toBe('3 pods left');
    expect(p.steps[1]!.message).toBeUndefined();
    const l = applyEvent(p, { type: 'log', workflowId: 'nodes-1', entry: { at: 'x', by: 'admin', message: 'paused' } }, 'nodes-1')!;
    expect(l.log).toEqual([{ at: 'x', by: 'admin', message: 'paused' }]);
    expect(applyEvent(p, { type: 'log', workflowId: 'other', entry: { at: 'x', by: 'b', message: 'm' } }, 'nodes-1')).toBe(p);
  });
});
