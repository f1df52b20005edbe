// `npm test`: typecheck, unit tests, production build, e2e, then one summary table saying what
// passed, what failed and how long each step took. Exit code is non-zero when any step failed.
import { spawn } from 'node:child_process';

interface Step {
  name: string;
  script: string;
  /** Pulls "12 passed"-style counts out of the step's output. */
  counts?: (out: string) => string | undefined;
  /** How many tests passed, failed and were skipped, for the closing line. */
  tally?: (out: string) => Tally;
  needs?: string[];
}

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

const num = (re: RegExp, out: string) => Number(re.exec(out)?.[1] ?? 0);

// eslint-disable-next-line no-control-regex
const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

const STEPS: Step[] = [
  { name: 'typecheck', script: 'typecheck' },
  {
    name: 'unit',
    script: 'test:unit',
    counts: (out) => {
      const files = /Test Files\s+([^\n]+)/.exec(out)?.[1]?.trim();
      const tests = /\n\s*Tests\s+([^\n]+)/.exec(out)?.[1]?.trim();
      return tests ? `tests: ${tests}${files ? `; files: ${files}` : ''}` : undefined;
    },
    tally: (out) => {
      const line = /\n\s*Tests\s+([^\n]+)/.exec(out)?.[1] ?? '';
      return { passed: num(/(\d+) passed/, line), failed: num(/(\d+) failed/, line), skipped: num(/(\d+) skipped/, line) };
    },
  },
  { name: 'build', script: 'build' },
  {
    name: 'e2e',
    script: 'test:e2e',
    needs: ['build'],
    counts: (out) => {
      const parts = [...out.matchAll(/^\s*(\d+) (passed|failed|flaky|skipped|did not run)/gm)].map((m) => `${m[1]} ${m[2]}`);
      return parts.length ? parts.join(', ') : undefined;
    },
    tally: (out) => ({
      passed: num(/^\s*(\d+) passed/m, out),
      failed: num(/^\s*(\d+) failed/m, out),
      skipped: num(/^\s*(\d+) skipped/m, out),
    }),
  },
];

function runScript(script: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      process.stdout.write(d);
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      out += d.toString();
    });
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out: strip(out) }));
  });
}

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const results: { name: string; status: 'PASS' | 'FAIL' | 'SKIP'; secs: number; detail: string }[] = [];
  const total: Tally = { passed: 0, failed: 0, skipped: 0 };
  const failed = new Set<string>();
  for (const step of STEPS) {
    if (only.length && !only.includes(step.name)) continue;
    const blocked = step.needs?.find((n) => failed.has(n));
    if (blocked) {
      results.push({ name: step.name, status: 'SKIP', secs: 0, detail: `skipped: ${blocked} failed` });
      failed.add(step.name);
      continue;
    }
    console.log(`\n━━━ ${step.name}: npm run ${step.script} ━━━`);
    const t0 = Date.now();
    const { code, out } = await runScript(step.script);
    const secs = (Date.now() - t0) / 1000;
    if (code !== 0) failed.add(step.name);
    const t = step.tally?.(out);
    if (t) {
      total.passed += t.passed;
      total.failed += t.failed;
      total.skipped += t.skipped;
    }
    results.push({ name: step.name, status: code === 0 ? 'PASS' : 'FAIL', secs, detail: step.counts?.(out) ?? (code === 0 ? '' : `exit ${code}`) });
  }
  const w = Math.max(...results.map((r) => r.name.length), 4);
  console.log('\n━━━ Test summary ━━━');
  for (const r of results) {
    console.log(`  ${r.status}  ${r.name.padEnd(w)}  ${r.secs.toFixed(1).padStart(6)}s  ${r.detail}`);
  }
  const bad = results.filter((r) => r.status !== 'PASS');
  console.log(bad.length ? `\nFAILED: ${bad.map((r) => r.name).join(', ')}` : '\nAll test steps passed.');
  // The plain closing line CI reads: every unit and e2e test counted once.
  console.log(`tests: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
  return bad.length ? 1 : 0;
}

main().then((code) => process.exit(code));
