// `npm run bench`: the dashboard's performance figures beside their budgets (issue 8). Starts what
// it needs (a demo cluster in its own process, the built dashboard through the launcher, Debian's
// Chromium), runs each measurement several times, prints a table (median, p95, min, max, budget,
// PASS/FAIL/N/A) and writes JSON to .data/bench/<timestamp>.json and .data/bench/latest.json.
//
//   npm run bench                      # full run (< 10 min on 2 cores, build excluded)
//   npm run bench -- --quick           # small sizes, few iterations: a smoke test
//   npm run bench -- --only decode,live --changes 50
//   flags: --only page-weight,decode,live,fanout,scale,demo-cluster  --nodes N --namespaces N
//          --pods-per-namespace N (scale size)  --changes N --decode N --clients N --loads N
//          --build auto|never|always
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decode } from './decode';
import { buildIfNeeded, ROOT, startEnv, type Env } from './env';
import { fanout } from './fanout';
import { liveLatency } from './live-latency';
import { pageWeight } from './page-weight';
import { scale } from './scale';
import { makeRow, missingRow, renderTable, type Row } from './table';

const ALL = ['page-weight', 'decode', 'live', 'fanout', 'scale', 'demo-cluster'] as const;
type Group = (typeof ALL)[number];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    nodes: { type: 'string' },
    namespaces: { type: 'string' },
    'pods-per-namespace': { type: 'string' },
    changes: { type: 'string' },
    decode: { type: 'string' },
    clients: { type: 'string' },
    loads: { type: 'string' },
    build: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
  process.exit(0);
}

const quick = Boolean(values.quick);
const int = (v: string | undefined, def: number) => {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got "${v}"`);
  return n;
};
const only = new Set<Group>(
  values.only
    ? values.only.split(',').map((s) => {
        const g = s.trim() as Group;
        if (!ALL.includes(g)) throw new Error(`--only: unknown measurement "${s}" (one of ${ALL.join(', ')})`);
        return g;
      })
    : ALL,
);
const cfg = {
  quick,
  scale: {
    nodes: int(values.nodes, quick ? 300 : 5_000),
    namespaces: int(values.namespaces, quick ? 100 : 2_000),
    podsPerNamespace: int(values['pods-per-namespace'], quick ? 10 : 50),
    loads: int(values.loads, quick ? 2 : 5),
    kubectlRuns: 1,
  },
  changes: int(values.changes, quick ? 15 : 100),
  decode: int(values.decode, quick ? 10 : 50),
  clients: int(values.clients, quick ? 50 : 500),
  fanoutChanges: quick ? 5 : 20,
  build: (values.build ?? 'auto') as 'auto' | 'never' | 'always',
};
if (!['auto', 'never', 'always'].includes(cfg.build)) throw new Error('--build is auto, never or always');

const started = Date.now();
const log = (s: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${s}`);
// Hard stop: a run never outlives this, whatever hangs.
const HARD_LIMIT_MS = (quick ? 5 : 14) * 60_000;
const envs: Env[] = [];
const watchdog = setTimeout(async () => {
  console.error(`[bench] hard time limit (${HARD_LIMIT_MS / 60_000} min) reached: stopping`);
  for (const e of envs) await e.close().catch(() => {});
  process.exit(2);
}, HARD_LIMIT_MS);
watchdog.unref();

async function section(rows: Row[], details: Record<string, unknown>, name: string, fn: () => Promise<{ rows: Row[]; detail: unknown }>) {
  const t0 = Date.now();
  try {
    const r = await fn();
    rows.push(...r.rows);
    details[name] = r.detail;
  } catch (err) {
    log(`${name} failed: ${(err as Error).stack ?? err}`);
    rows.push(missingRow(name, 'measurement', '-', `failed: ${(err as Error).message.split('\n')[0]}`));
  }
  log(`${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

/** Figures of scripts/bench/demo-cluster.ts (owned by the demo cluster's helper), folded in. */
async function demoCluster(rows: Row[], details: Record<string, unknown>) {
  const file = path.join(ROOT, '.data', 'bench', 'demo-cluster.json');
  const script = path.join(ROOT, 'scripts', 'bench', 'demo-cluster.ts');
  // Only an explicit --only demo-cluster re-runs it: at full size it takes minutes on its own.
  if (values.only && only.has('demo-cluster') && fs.existsSync(script)) {
    log('running scripts/bench/demo-cluster.ts...');
    const env = { ...process.env, ...(quick ? { DEMO_NODES: '300', DEMO_NAMESPACES: '100', DEMO_PODS_PER_NAMESPACE: '10' } : {}) };
    const args = ['--import', 'tsx', script, ...(quick ? ['--watches', '10', '--updates', '100', '--no-kubectl'] : [])];
    const code = await new Promise<number>((resolve) => {
      const p = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
      const t = setTimeout(() => p.kill('SIGKILL'), 9 * 60_000);
      p.on('exit', (c) => {
        clearTimeout(t);
        resolve(c ?? 1);
      });
    });
    if (code !== 0) log(`demo-cluster.ts exited ${code}`);
  }
  if (!fs.existsSync(file)) {
    rows.push(missingRow('demo-cluster', 'figures', '-', 'no .data/bench/demo-cluster.json yet: run `npm run bench:demo`'));
    return;
  }
  const d = JSON.parse(fs.readFileSync(file, 'utf8'));
  const src = `from npm run bench:demo at ${d.at}, ${d.size?.nodes} nodes / ${d.size?.pods} pods`;
  const pick: [string, string, unknown][] = [
    ['start (seed + modules)', 'ms', d.start?.totalMs],
    ['RSS after start', 'MB', d.start?.rssMB],
    ['list all pods, raw HTTPS, limit 500', 'ms', d.listRawHttps?.ms],
    ['list all pods, client-node, limit 500', 'ms', d.listClientNode?.ms],
    ['kubectl get pods -A', 'ms', d.kubectl?.ms],
    ['watch fan-in p95', 'ms', d.watchFanIn?.p95Ms],
  ];
  for (const [name, unit, v] of pick) if (typeof v === 'number') rows.push(makeRow({ group: 'demo-cluster', name, unit, samples: [v], note: src }));
  details['demo-cluster'] = d;
}

async function main() {
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  log(`options: ${JSON.stringify(cfg)} only=${[...only].join(',')}`);
  const needsApp = (['page-weight', 'decode', 'live', 'fanout', 'scale'] as Group[]).some((g) => only.has(g));
  let buildMs = 0;
  if (needsApp) {
    log(`build folder ${process.env.BTD_DIST_DIR || '.next'}`);
    buildMs = await buildIfNeeded(log, cfg.build);
    if (buildMs) log(`built in ${(buildMs / 1000).toFixed(0)} s (not part of the measured run)`);
  }
  const tRun = Date.now();

  if ((['page-weight', 'decode', 'live', 'fanout'] as Group[]).some((g) => only.has(g))) {
    const env = await startEnv({ tag: 'small', speed: 1, log });
    envs.push(env);
    try {
      if (only.has('page-weight')) await section(rows, details, 'page-weight', () => pageWeight(env, log));
      if (only.has('decode')) await section(rows, details, 'decode', () => decode(env, { iterations: cfg.decode, warmup: 5 }, log));
      if (only.has('live')) await section(rows, details, 'live', () => liveLatency(env, { changes: cfg.changes, subscribers: [1, 100], deadlineMs: quick ? 60_000 : 120_000 }, log));
      if (only.has('fanout')) await section(rows, details, 'fanout', () => fanout(env, { clients: cfg.clients, changes: cfg.fanoutChanges, deadlineMs: 60_000 }, log));
    } finally {
      await env.close();
      envs.splice(envs.indexOf(env), 1);
    }
  }
  if (only.has('scale')) {
    const s = cfg.scale;
    const size = `${s.nodes} nodes, ${s.namespaces} namespaces, ${s.namespaces * s.podsPerNamespace} pods`;
    let env: Env | undefined;
    try {
      env = await startEnv({ tag: 'scale', speed: 1, nodes: s.nodes, namespaces: s.namespaces, podsPerNamespace: s.podsPerNamespace, log });
      envs.push(env);
      const e = env;
      await section(rows, details, 'scale', () => scale(e, { loads: s.loads, kubectlRuns: s.kubectlRuns, deadlineMs: quick ? 120_000 : 420_000, size }, log));
    } catch (err) {
      log(`scale failed: ${(err as Error).stack ?? err}`);
      rows.push(missingRow('scale', 'measurement', '-', `failed: ${(err as Error).message.split('\n')[0]}`));
    } finally {
      await env?.close();
    }
  }
  if (only.has('demo-cluster')) await demoCluster(rows, details);

  const runMs = Date.now() - tRun;
  console.log('\n' + renderTable(rows) + '\n');
  const failed = rows.filter((r) => r.verdict === 'FAIL');
  console.log(`${rows.length} figures, ${rows.filter((r) => r.verdict === 'PASS').length} PASS, ${failed.length} FAIL; run ${(runMs / 1000).toFixed(0)} s${buildMs ? ` (+ build ${(buildMs / 1000).toFixed(0)} s)` : ''}`);
  const out = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 1024 ** 3), node: process.version, platform: `${os.type()} ${os.release()}` },
    options: cfg,
    only: [...only],
    runMs,
    buildMs,
    rows,
    details,
  };
  const dir = path.join(ROOT, '.data', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${out.at.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
  fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(out, null, 2));
  log(`wrote ${path.relative(ROOT, file)} and .data/bench/latest.json`);
}

main().then(
  () => process.exit(0),
  async (err) => {
    console.error(err);
    for (const e of envs) await e.close().catch(() => {});
    process.exit(1);
  },
);
