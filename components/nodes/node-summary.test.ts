// The one-line node summary used as the table caption.
import { describe, expect, it } from 'vitest';
import { summaryText } from './node-summary';

describe('summaryText', () => {
  it('says how many nodes and how many are Ready', () => {
    expect(summaryText({ total: 6, ready: 6, notReady: 0, unknown: 0, unschedulable: 0 })).toBe('6 nodes, 6 Ready');
    expect(summaryText({ total: 1, ready: 1, notReady: 0, unknown: 0, unschedulable: 0 })).toBe('1 node, 1 Ready');
  });
  it('names what is wrong', () => {
    expect(summaryText({ total: 6, ready: 4, notReady: 1, unknown: 1, unschedulable: 2 })).toBe('6 nodes, 4 Ready, 1 NotReady, 1 Unknown, 2 cordoned');
  });
});
