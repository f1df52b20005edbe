// Scale benchmark of the demo cluster (issue 3 §4): starts it with 5,000 nodes, 2,000 namespaces
// and 100,000 pods, then measures start time, memory, paginated lists (raw HTTPS, client-node,
// kubectl) and watch fan-in latency. The cluster runs in this process; the clients run in a forked
// child so client parsing does not share the server's event loop. Writes .data/bench/demo-cluster.json.
//
//   npm run bench:demo                              # the full-size run
//   DEMO_NODES=500 DEMO_NAMESPACES=200 npm run bench:demo -- --watches 10 --updates 200
//   flags: --watches N (50) --updates N (1000) --no-kubectl --no-workloads
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const OUT_DIR = resolve('.data/bench');
const now = () => performance.timeOrigin + performance.now();

function flag(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  const n = v === undefined ? def : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
  return n;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const r1 = (n: number) => Math.round(n * 10) / 10;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

// ---------------------------------------------------------------- client (forked child)

type Msg =
  | { t: 'start'; url: string; ca: string; token: string }
  | { t: 'watch'; count: number; rv: string; expect: number }
  | { t: 'stop' };

async function client() {
  const { CoreV1Api, KubeConfig, Watch } = await import('@kubernetes/client-node');
  let url = '';
  let ca = '';
  let token = '';
  const send = (m: unknown) => process.send!(m);

  const agent = () => new https.Agent({ keepAlive: true, ca });
  function get(a: https.Agent, path: string): Promise<{ status: number; body: Buffer }> {
    return new Promise((res, rej) => {
      const req = https.get(`${url}${path}`, { agent: a, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.on('error', rej);
    });
  }

  async function rawList() {
    const a = agent();
    const t0 = now();
    const pageMs: number[] = [];
    let items = 0;
    let bytes = 0;
    let cont: string | undefined;
    do {
      const p0 = now();
      const r = await get(a, `/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      if (r.status !== 200) throw new Error(`list page: HTTP ${r.status}`);
      const doc = JSON.parse(r.body.toString('utf8')) as { items: unknown[]; metadata: { continue?: string } };
      pageMs.push(now() - p0);
      items += doc.items.length;
      bytes += r.body.length;
      cont = doc.metadata.continue;
    } while (cont);
    a.destroy();
    pageMs.sort((x, y) => x - y);
    return { ms: now() - t0, items, pages: pageMs.length, bytes, pageP50Ms: r1(pct(pageMs, 50)), pageP95Ms: r1(pct(pageMs, 95)), pageMaxMs: r1(pageMs[pageMs.length - 1] ?? NaN) };
  }

  function kubeConfig() {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'bench', server: url, caData: Buffer.from(ca).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'bench-admin', token }],
      contexts: [{ name: 'bench', cluster: 'bench', user: 'bench-admin' }],
      currentContext: 'bench',
    });
    return kc;
  }

  async function clientNodeList() {
    const core = kubeConfig().makeApiClient(CoreV1Api);
    const t0 = now();
    let items = 0;
    let pages = 0;
    let cont: string | undefined;
    do {
      const page = await core.listPodForAllNamespaces({ limit: 500, ...(cont ? { _continue: cont } : {}) });
      items += page.items.length;
      pages++;
      cont = page.metadata?._continue;
    } while (cont);
    return { ms: now() - t0, items, pages };
  }

  async function watchFanIn(count: number, rv: string, expect: number) {
    const w = new Watch(kubeConfig());
    const lat: number[] = [];
    const perWatch = new Array<number>(count).fill(0);
    let ended = 0;
    const ctrls: AbortController[] = [];
    let resolveAll: () => void = () => {};
    const all = new Promise<void>((r) => (resolveAll = r));
    let total = 0;
    for (let i = 0; i < count; i++) {
      ctrls.push(
        await w.watch(
          '/api/v1/pods',
          { resourceVersion: rv, allowWatchBookmarks: true },
          (type, obj: { metadata?: { annotations?: Record<string, string> } }) => {
            if (type !== 'MODIFIED') return;
            const at = obj.metadata?.annotations?.['bench.btd.dev/written-at'];
            if (!at) return;
            lat.push(now() - Number(at));
            perWatch[i]!++;
            if (++total === count * expect) resolveAll();
          },
          () => {
            ended++;
          },
        ),
      );
    }
    send({ t: 'watching' });
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 120_000))]);
    for (const c of ctrls) c.abort();
    lat.sort((a, b) => a - b);
    return {
      watches: count,
      updates: expect,
      eventsReceived: total,
      eventsExpected: count * expect,
      timedOut,
      endedEarly: ended,
      p50Ms: r1(pct(lat, 50)),
      p95Ms: r1(pct(lat, 95)),
      p99Ms: r1(pct(lat, 99)),
      maxMs: r1(lat[lat.length - 1] ?? NaN),
      minPerWatch: Math.min(...perWatch),
    };
  }

  process.on('message', (m: Msg) => {
    void (async () => {
      try {
        if (m.t === 'start') {
          ({ url, ca, token } = m);
          send({ t: 'rawList', r: await rawList() });
          send({ t: 'clientNodeList', r: await clientNodeList() });
        } else if (m.t === 'watch') {
          send({ t: 'watchResult', r: await watchFanIn(m.count, m.rv, m.expect) });
        } else if (m.t === 'stop') process.exit(0);
      } catch (e) {
        send({ t: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) });
      }
    })();
  });
  send({ t: 'ready' });
}

// ---------------------------------------------------------------- server side (this process)

function waitFor<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((res, rej) => {
    const on = (m: { t: string; r?: T; message?: string }) => {
      if (m.t === 'error') {
        child.off('message', on);
        rej(new Error(`client: ${m.message}`));
      } else if (m.t === type) {
        child.off('message', on);
        res(m.r as T);
      }
    };
    child.on('message', on);
    child.once('exit', (code) => rej(new Error(`client exited (${code}) while waiting for ${type}`)));
  });
}

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client', '-o', 'json'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function kubectlList(kubeconfig: string): Promise<{ ms: number; lines: number; exitCode: number }> {
  return new Promise((res, rej) => {
    const t0 = now();
    const p = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', 'pods', '-A', '-o', 'name', '--chunk-size=500'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      for (const b of d) if (b === 10) lines++;
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', rej);
    p.on('close', (code) => {
      if (code !== 0) console.error(`kubectl: ${err.trim()}`);
      res({ ms: now() - t0, lines, exitCode: code ?? -1 });
    });
  });
}

/** CPU time this process (the server) spent during `fn`, with the event loop's worst stall. */
async function measured<T>(fn: () => Promise<T>): Promise<{ r: T; serverCpuMs: number; maxLoopDelayMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  h.disable();
  return { r, serverCpuMs: Math.round((c.user + c.system) / 1000), maxLoopDelayMs: r1(h.max / 1e6) };
}

async function settleTime(url: string, ca: string, token: string) {
  const t0 = now();
  const agent = new https.Agent({ keepAlive: true, ca });
  const probe = () =>
    new Promise<number>((res) => {
      const p0 = now();
      https
        .get(`${url}/api/v1/namespaces/default`, { agent, headers: { Authorization: `Bearer ${token}` } }, (r) => {
          r.resume();
          r.on('end', () => res(now() - p0));
        })
        .on('error', () => res(now() - p0));
    });
  let worstProbeMs = 0;
  let quiet = 0;
  let settled = false;
  while (now() - t0 < 180_000) {
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const w0 = now();
    while (now() - w0 < 1000) {
      worstProbeMs = Math.max(worstProbeMs, await probe());
      await new Promise((r) => setTimeout(r, 250));
    }
    h.disable();
    quiet = h.max / 1e6 < 100 ? quiet + 1 : 0;
    if (quiet >= 2) {
      settled = true;
      break;
    }
  }
  agent.destroy();
  return { settled, settledAfterMs: Math.round(now() - t0 - (settled ? 2000 : 0)), worstProbeMs: Math.round(worstProbeMs) };
}

async function main() {
  const nodes = Number(process.env.DEMO_NODES ?? 5000);
  const namespaces = Number(process.env.DEMO_NAMESPACES ?? 2000);
  const podsPerNamespace = Number(process.env.DEMO_PODS_PER_NAMESPACE ?? 50);
  const watches = flag('watches', 50);
  const updates = flag('updates', 1000);
  const skipKubectl = process.argv.includes('--no-kubectl');
  mkdirSync(OUT_DIR, { recursive: true });

  const { startDemoCluster } = await import('../../sim/index');
  // The start-up log carries the seed time and the order of module installs; keep it.
  const phases: { line: string; atMs: number }[] = [];
  const log = console.log;
  const t0 = now();
  console.log = (...a: unknown[]) => phases.push({ line: a.map(String).join(' '), atMs: Math.round(now() - t0) });
  let c;
  try {
    c = await startDemoCluster({ dataDir: join(OUT_DIR, 'cluster'), port: 0, nodes, namespaces, podsPerNamespace });
  } finally {
    console.log = log;
  }
  let startMs = now() - t0;
  // The workloads module (kubelets, controllers, heartbeats) is part of the demo cluster; install it
  // here if sim/index.ts does not (yet), and time it as a phase of the start.
  let workloads: string = 'installed by sim/index.ts';
  if (process.argv.includes('--no-workloads')) workloads = 'not installed (--no-workloads)';
  else if (!(c as { workloads?: unknown }).workloads) {
    const w0 = now();
    const { installWorkloads } = await import('../../sim/workloads/install');
    await installWorkloads(c);
    phases.push({ line: '[bench] installed workloads (not in sim/index.ts)', atMs: Math.round(now() - t0) });
    workloads = `installed by the bench in ${Math.round(now() - w0)} ms`;
    startMs = now() - t0;
  }
  const seedMs = Number(/seeded \d+ objects in (\d+) ms/.exec(phases.find((p) => p.line.includes('seeded'))?.line ?? '')?.[1] ?? NaN);
  const objects = Number(/seeded (\d+) objects/.exec(phases.find((p) => p.line.includes('seeded'))?.line ?? '')?.[1] ?? NaN);
  const pods = c.store.count('pods');
  const memAfterStart = process.memoryUsage();
  log(`started: ${objects} objects (${pods} pods, ${c.store.count('nodes')} nodes, ${c.store.count('namespaces')} namespaces) in ${Math.round(startMs)} ms (seed ${seedMs} ms), RSS ${mb(memAfterStart.rss)} MB, heap ${mb(memAfterStart.heapUsed)} MB`);
  for (const p of phases) log(`  +${p.atMs} ms ${p.line}`);
  log(`workloads: ${workloads}`);

  // Right after start the controllers and kubelets reconcile everything once (and describe the
  // seeded pods' tokens). Until that is done the server stalls: measure how long, with a small GET
  // every 250 ms, until two quiet 1-second windows in a row (worst stall < 100 ms), at most 180 s.
  const settle = await measured(() => settleTime(c.url, c.caPem, c.adminToken));
  log(`settling after start: ${Math.round(settle.r.settledAfterMs)} ms until quiet${settle.r.settled ? '' : ' (NOT settled within 180 s)'}; worst probe GET ${Math.round(settle.r.worstProbeMs)} ms; server CPU ${settle.serverCpuMs} ms, worst event-loop stall ${settle.maxLoopDelayMs} ms`);

  const child = fork(fileURLToPath(import.meta.url), ['--client'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await waitFor(child, 'ready');
  const result: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    size: { nodes, namespaces, podsPerNamespace, objects, pods },
    workloads,
    start: { totalMs: Math.round(startMs), seedMs, phases, rssMB: mb(memAfterStart.rss), heapUsedMB: mb(memAfterStart.heapUsed) },
    afterStart: { ...settle.r, serverCpuMs: settle.serverCpuMs, maxLoopDelayMs: settle.maxLoopDelayMs },
  };
  try {
    const rawListP = waitFor<Record<string, number>>(child, 'rawList');
    const cnListP = waitFor<Record<string, number>>(child, 'clientNodeList');
    child.send({ t: 'start', url: c.url, ca: c.caPem, token: c.adminToken });
    const raw = await measured(() => rawListP);
    log(`raw HTTPS list of all pods, limit 500: ${raw.r.items} items in ${raw.r.pages} pages, ${Math.round(raw.r.ms!)} ms (page p50 ${r1(raw.r.pageP50Ms!)} ms, p95 ${r1(raw.r.pageP95Ms!)} ms, max ${r1(raw.r.pageMaxMs!)} ms), ${mb(raw.r.bytes!)} MB; server CPU ${raw.serverCpuMs} ms, worst event-loop stall ${raw.maxLoopDelayMs} ms`);
    const cn = await measured(() => cnListP);
    log(`client-node listPodForAllNamespaces, limit 500: ${cn.r.items} items in ${cn.r.pages} pages, ${Math.round(cn.r.ms!)} ms; server CPU ${cn.serverCpuMs} ms, worst stall ${cn.maxLoopDelayMs} ms`);
    result.listRawHttps = { ...raw.r, ms: Math.round(raw.r.ms!), serverCpuMs: raw.serverCpuMs, maxLoopDelayMs: raw.maxLoopDelayMs };
    result.listClientNode = { ...cn.r, ms: Math.round(cn.r.ms!), serverCpuMs: cn.serverCpuMs, maxLoopDelayMs: cn.maxLoopDelayMs };

    if (!skipKubectl && hasKubectl()) {
      const k = await measured(() => kubectlList(c.kubeconfigPath));
      log(`kubectl get pods -A -o name --chunk-size=500: ${k.r.lines} lines in ${Math.round(k.r.ms)} ms (exit ${k.r.exitCode}); server CPU ${k.serverCpuMs} ms, worst stall ${k.maxLoopDelayMs} ms`);
      result.kubectl = { ...k.r, ms: Math.round(k.r.ms), serverCpuMs: k.serverCpuMs, maxLoopDelayMs: k.maxLoopDelayMs };
    } else {
      log('kubectl: skipped (not on PATH or --no-kubectl)');
      result.kubectl = null;
    }

    // Watch fan-in: N cluster-wide pod watches, then store writes at ~1,000/s.
    const targets = c.store.listPage('pods', { limit: updates, copy: false }).items.map((p) => [p.metadata.namespace!, p.metadata.name!] as const);
    const rv = c.store.resourceVersion();
    const watchResP = waitFor<Record<string, number>>(child, 'watchResult');
    const watchingP = waitFor(child, 'watching');
    child.send({ t: 'watch', count: watches, rv, expect: targets.length });
    await watchingP;
    for (let i = 0; i < 200 && c.server.stats.watchesOpen < watches; i++) await new Promise((r) => setTimeout(r, 25));
    const wr = await measured(async () => {
      const batch = 20;
      for (let i = 0; i < targets.length; i += batch) {
        for (const [ns, name] of targets.slice(i, i + batch)) {
          c.store.mutate('pods', ns, name, (p) => {
            p.metadata.annotations = { ...(p.metadata.annotations ?? {}), 'bench.btd.dev/written-at': String(now()) };
          });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return watchResP;
    });
    log(`watch fan-in: ${wr.r.watches} watches × ${wr.r.updates} pod updates (~1,000/s): ${wr.r.eventsReceived}/${wr.r.eventsExpected} events, latency p50 ${wr.r.p50Ms} ms, p95 ${wr.r.p95Ms} ms, p99 ${wr.r.p99Ms} ms, max ${wr.r.maxMs} ms${wr.r.timedOut ? ' (TIMED OUT)' : ''}; server CPU ${wr.serverCpuMs} ms, worst stall ${wr.maxLoopDelayMs} ms`);
    result.watchFanIn = { ...wr.r, serverCpuMs: wr.serverCpuMs, maxLoopDelayMs: wr.maxLoopDelayMs, serverWatchesOpen: c.server.stats.watchesOpen };
  } finally {
    child.send({ t: 'stop' });
    const mem = process.memoryUsage();
    result.memoryEnd = { rssMB: mb(mem.rss), heapUsedMB: mb(mem.heapUsed), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) };
    log(`memory at the end: RSS ${mb(mem.rss)} MB (peak ${Math.round(process.resourceUsage().maxRSS / 1024)} MB), heap ${mb(mem.heapUsed)} MB`);
    const outFile = join(OUT_DIR, 'demo-cluster.json');
    writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
    log(`wrote ${outFile}`);
    await c.close();
  }
}

if (process.argv.includes('--client')) {
  void client();
} else {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(1);
    },
  );
}
