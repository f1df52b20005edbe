// The bench's arithmetic and verdicts: percentiles, summaries, budgets, and the printed table.
import { describe, expect, it } from 'vitest';
import { fmt, judge, makeRow, missingRow, percentile, renderMarkdown, renderTable, summarize } from './table';
import { cpuMs, rssBytes } from './proc';

describe('summarize', () => {
  it('gives median, nearest-rank p95, min and max whatever the input order', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(summarize(xs)).toEqual({ n: 100, median: 50.5, p95: 95, min: 1, max: 100 });
  });

  it('takes the middle value for an odd count and ignores non-finite samples', () => {
    expect(summarize([3, NaN, 1, 2, Infinity])).toEqual({ n: 3, median: 2, p95: 3, min: 1, max: 3 });
  });

  it('is null without samples', () => {
    expect(summarize([])).toBeNull();
    expect(summarize([NaN])).toBeNull();
  });

  it('percentile is nearest-rank and clamps', () => {
    const s = [10, 20, 30, 40];
    expect(percentile(s, 50)).toBe(20);
    expect(percentile(s, 95)).toBe(40);
    expect(percentile(s, 0)).toBe(10);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('judge', () => {
  const s = summarize([1, 2, 3, 4, 100])!;
  it('compares the figure the budget names', () => {
    expect(judge(s, { max: 5, on: 'median', label: '' })).toBe('PASS');
    expect(judge(s, { max: 5, on: 'p95', label: '' })).toBe('FAIL');
    expect(judge(s, { max: 100, on: 'max', label: '' })).toBe('PASS');
  });
  it('is N/A without a budget, without samples, or with a budget that could not be computed', () => {
    expect(judge(s, undefined)).toBe('N/A');
    expect(judge(null, { max: 5, on: 'median', label: '' })).toBe('N/A');
    expect(judge(s, { max: NaN, on: 'p95', label: '' })).toBe('N/A');
  });
});

describe('rows and tables', () => {
  it('makeRow summarises and judges; an explicit verdict wins', () => {
    const r = makeRow({ group: 'decode', name: 'paste', unit: 'ms', samples: [20, 30], budget: { max: 16, on: 'median', label: '≤ 16 ms' } });
    expect(r.summary?.median).toBe(25);
    expect(r.verdict).toBe('FAIL');
    expect(makeRow({ group: 'g', name: 'n', unit: 'x', samples: [1], verdict: 'FAIL' }).verdict).toBe('FAIL');
  });

  it('prints every figure with its budget and verdict, and the notes', () => {
    const rows = [
      makeRow({ group: 'page-weight', name: '/tokens JS (gzip)', unit: 'KB', samples: [164.2], budget: { max: 220, on: 'max', label: '≤ 220 KB' } }),
      missingRow('scale', 'restart plan usable', 'ms', 'not built yet'),
    ];
    const text = renderTable(rows);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^measurement\s+unit\s+n\s+median\s+p95\s+min\s+max\s+budget\s+verdict$/);
    expect(lines.find((l) => l.startsWith('page-weight: /tokens'))).toMatch(/KB\s+1\s+164\s+164\s+164\s+164\s+≤ 220 KB\s+PASS/);
    expect(lines.find((l) => l.startsWith('scale: restart'))).toMatch(/ms\s+0\s+-\s+-\s+-\s+-\s+-\s+N\/A/);
    expect(text).toContain('* scale: restart plan usable: not built yet');
    const md = renderMarkdown(rows).split('\n');
    expect(md).toHaveLength(4);
    expect(md[2]).toBe('| page-weight: /tokens JS (gzip) | KB | 1 | 164 | 164 | 164 | 164 | ≤ 220 KB | PASS |');
  });

  it('formats by magnitude', () => {
    expect(fmt(1234.6)).toBe('1,235');
    expect(fmt(123.4)).toBe('123');
    expect(fmt(12.34)).toBe('12.3');
    expect(fmt(1.234)).toBe('1.23');
    expect(fmt(NaN)).toBe('-');
  });
});

describe('/proc readers', () => {
  it('read this process’s RSS and CPU time', () => {
    const rss = rssBytes(process.pid);
    expect(rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(Math.abs(rss - process.memoryUsage().rss)).toBeLessThan(64 * 1024 * 1024);
    // Spin until Node itself counts 100 ms of CPU (bounded: a loaded machine gives less per wall ms).
    const before = cpuMs(process.pid);
    const u0 = process.cpuUsage();
    const end = Date.now() + 5_000;
    let x = 0;
    const used = () => {
      const u = process.cpuUsage(u0);
      return (u.user + u.system) / 1000;
    };
    while (used() < 100 && Date.now() < end) for (let i = 0; i < 1e5; i++) x += Math.sqrt(x + i);
    expect(x).toBeGreaterThan(0);
    expect(used()).toBeGreaterThanOrEqual(100);
    // /proc counts in 10 ms ticks.
    expect(cpuMs(process.pid) - before).toBeGreaterThanOrEqual(80);
  });
});
