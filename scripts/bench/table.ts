// Statistics and the printed table of `npm run bench`: every figure is a set of samples summed up
// as median / p95 / min / max, judged against its budget (PASS / FAIL / N/A when there is no budget
// or no sample). Pure, so the bench's arithmetic is unit-tested (table.test.ts).

export interface Summary {
  n: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** A budget: the figure (by default its p95; `on` says which) must be ≤ max. */
export interface Budget {
  max: number;
  on: 'median' | 'p95' | 'max';
  /** How the budget reads in the table, e.g. "≤ 16 ms" or "≤ 1.2 × kubectl (41.0 ms)". */
  label: string;
}

export type Verdict = 'PASS' | 'FAIL' | 'N/A';

export interface Row {
  /** Measurement group: page-weight, decode, live, scale, fanout, demo-cluster. */
  group: string;
  name: string;
  unit: string;
  samples: number[];
  summary: Summary | null;
  budget?: Budget;
  verdict: Verdict;
  note?: string;
}

/** Nearest-rank percentile over a sorted array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary | null {
  const xs = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  const median = xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
  return { n: xs.length, median, p95: percentile(xs, 95), min: xs[0]!, max: xs[xs.length - 1]! };
}

export function judge(summary: Summary | null, budget: Budget | undefined): Verdict {
  if (!budget || !summary || !Number.isFinite(budget.max)) return 'N/A';
  return summary[budget.on] <= budget.max ? 'PASS' : 'FAIL';
}

export function makeRow(r: Omit<Row, 'summary' | 'verdict'> & { verdict?: Verdict }): Row {
  const summary = summarize(r.samples);
  const row: Row = { ...r, summary, verdict: r.verdict ?? judge(summary, r.budget) };
  return row;
}

/** A row for something that could not be measured (not built yet, failed): always N/A with the reason. */
export function missingRow(group: string, name: string, unit: string, note: string, budget?: Budget): Row {
  return { group, name, unit, samples: [], summary: null, verdict: 'N/A', note, ...(budget ? { budget } : {}) };
}

export function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function pad(s: string, w: number, right = false): string {
  return right ? s.padStart(w) : s.padEnd(w);
}

/** The plain-text table printed at the end of a run (also used in docs/BENCHMARKS.md). */
export function renderTable(rows: readonly Row[]): string {
  const head = ['measurement', 'unit', 'n', 'median', 'p95', 'min', 'max', 'budget', 'verdict'];
  const body = rows.map((r) => [
    `${r.group}: ${r.name}`,
    r.unit,
    String(r.summary?.n ?? 0),
    fmt(r.summary?.median),
    fmt(r.summary?.p95),
    fmt(r.summary?.min),
    fmt(r.summary?.max),
    r.budget?.label ?? '-',
    r.verdict,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i]!, numeric.has(i))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  const notes = rows.filter((r) => r.note).map((r) => `  * ${r.group}: ${r.name}: ${r.note}`);
  return [...out, ...(notes.length ? ['', 'Notes:', ...notes] : [])].join('\n');
}

/** The same table as Markdown (docs/BENCHMARKS.md). */
export function renderMarkdown(rows: readonly Row[]): string {
  const head = '| measurement | unit | n | median | p95 | min | max | budget | verdict |\n|---|---|--:|--:|--:|--:|--:|---|---|';
  const body = rows.map(
    (r) =>
      `| ${r.group}: ${r.name} | ${r.unit} | ${r.summary?.n ?? 0} | ${fmt(r.summary?.median)} | ${fmt(r.summary?.p95)} | ${fmt(r.summary?.min)} | ${fmt(r.summary?.max)} | ${(r.budget?.label ?? '-').replace(/\|/g, '\\|')} | ${r.verdict} |`,
  );
  return [head, ...body].join('\n');
}
