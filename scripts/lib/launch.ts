// The launcher's engine, shared by `npm start` (scripts/start.ts) and the e2e fixtures: decide the
// cluster, build if needed, start the demo cluster when that is the choice, run Next against it,
// wait until it answers, and stop everything cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildNeeded, distDir } from './build';
import { describeKubeconfig } from './kubeconfig';
import { chooseCluster, type ClusterChoice, type LaunchOptions } from './options';
import { assertPortFree } from './ports';
import type { DemoCluster } from '../../sim/index';

/** The parts of sim's DemoCluster the launcher and tests use. */
export type DemoHandle = Pick<DemoCluster, 'url' | 'port' | 'dataDir' | 'kubeconfigPath' | 'adminToken' | 'viewerToken' | 'caPem' | 'close'>;

export interface ClusterDescription {
  kind: ClusterChoice;
  context: string;
  server: string;
  /** For 'demo' and 'kubeconfig'. */
  kubeconfigPath?: string;
}

export interface Launched {
  url: string;
  cluster: ClusterDescription;
  demo?: DemoHandle;
  /** Resolves with Next's exit code when it exits (for whatever reason). */
  exited: Promise<number>;
  /** Next's recent output (when output is 'buffer'). */
  logs(): string;
  stop(): Promise<void>;
}

export interface LaunchIO {
  /** 'inherit' shows Next's and the build's output; 'buffer' keeps it for logs() (tests). */
  output: 'inherit' | 'buffer';
  /** Progress lines ("building...", "starting the demo cluster..."). */
  log: (line: string) => void;
  /** Extra environment for Next (tests). */
  env?: Record<string, string>;
  /** How long to wait for Next to answer. */
  readyTimeoutMs?: number;
}

const MAX_LOG = 200_000;

function nextBin(root: string): string {
  return path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
}

function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

class OutputBuffer {
  private text = '';
  append(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > MAX_LOG) this.text = this.text.slice(-MAX_LOG);
  }
  toString(): string {
    return this.text;
  }
}

function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env };
  // Next sets NODE_ENV itself (a test runner's "test" would make it warn and misbehave).
  delete env.NODE_ENV;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env as NodeJS.ProcessEnv;
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; output: LaunchIO['output']; buf: OutputBuffer }): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: opts.output === 'inherit' ? 'inherit' : 'pipe' });
    child.stdout?.on('data', (d) => opts.buf.append(d));
    child.stderr?.on('data', (d) => opts.buf.append(d));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Runs `next build` when the build is missing or stale (or always / never, per options). */
export async function ensureBuild(opts: Pick<LaunchOptions, 'root' | 'build'>, io: LaunchIO): Promise<void> {
  const why = opts.build === 'always' ? 'rebuild requested' : buildNeeded(opts.root);
  if (!why) return;
  if (opts.build === 'never') {
    if (!fs.existsSync(path.join(distDir(opts.root), 'BUILD_ID'))) throw new Error('There is no production build and --no-build was given. Run `npm run build`.');
    io.log(`Note: the build may be stale (${why}); not rebuilding because of --no-build.`);
    return;
  }
  io.log(`Building the dashboard (${why}); this takes a minute...`);
  const buf = new OutputBuffer();
  const code = await run(process.execPath, [nextBin(opts.root), 'build'], {
    cwd: opts.root,
    env: childEnv({ NEXT_TELEMETRY_DISABLED: '1', BTD_DEMO: undefined }),
    output: io.output,
    buf,
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code}).${io.output === 'buffer' ? `\n${buf.toString().slice(-4000)}` : ''}`);
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('Next exited before it answered.');
    try {
      // Any HTTP answer (even a redirect to a sign-in page) means the server is up.
      await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Next did not answer at ${url} within ${Math.round(timeoutMs / 1000)}s.`);
}

async function startDemo(opts: LaunchOptions): Promise<DemoHandle> {
  // Only the launcher and tests may import sim/; the dynamic import keeps it out of the real-cluster path.
  const sim = await import('../../sim/index');
  const s = opts.demoSizing;
  const demo = await sim.startDemoCluster({
    dataDir: path.join(opts.dataDir, 'demo'),
    port: s.port ?? 0,
    quiet: true,
    ...(s.speed !== undefined ? { speed: s.speed } : {}),
    ...(s.nodes !== undefined ? { nodes: s.nodes } : {}),
    ...(s.namespaces !== undefined ? { namespaces: s.namespaces } : {}),
    ...(s.podsPerNamespace !== undefined ? { podsPerNamespace: s.podsPerNamespace } : {}),
  });
  return demo;
}

/** Starts the dashboard per `opts`. Throws (after cleaning up) when anything fails to start. */
export async function launch(opts: LaunchOptions, io: LaunchIO): Promise<Launched> {
  const choice = chooseCluster(opts);
  if (!opts.dev) await ensureBuild(opts, io);
  await assertPortFree(opts.port, opts.host);

  let demo: DemoHandle | undefined;
  let cluster: ClusterDescription;
  const env: Record<string, string | undefined> = {
    NEXT_TELEMETRY_DISABLED: '1',
    BTD_DATA_DIR: opts.dataDir,
    BTD_DEMO: undefined,
    BTD_CONTEXT: undefined,
    ...io.env,
  };

  if (choice === 'demo') {
    io.log('Starting the demo cluster...');
    demo = await startDemo(opts);
    const t = describeKubeconfig(demo.kubeconfigPath);
    cluster = { kind: 'demo', context: t.context, server: demo.url, kubeconfigPath: demo.kubeconfigPath };
    env.KUBECONFIG = demo.kubeconfigPath;
    env.BTD_DEMO = '1';
  } else if (choice === 'kubeconfig') {
    const kubeconfig = opts.kubeconfig!;
    const t = describeKubeconfig(kubeconfig, opts.context);
    cluster = { kind: 'kubeconfig', context: t.context, server: t.server, kubeconfigPath: kubeconfig };
    env.KUBECONFIG = kubeconfig;
    if (opts.context) env.BTD_CONTEXT = opts.context;
  } else {
    const host = process.env.KUBERNETES_SERVICE_HOST ?? '';
    cluster = {
      kind: 'in-cluster',
      context: 'in-cluster',
      server: `https://${host.includes(':') ? `[${host}]` : host}:${process.env.KUBERNETES_SERVICE_PORT || '443'}`,
    };
    env.KUBECONFIG = undefined; // the pod's service account, nothing else
  }

  const url = `http://${displayHost(opts.host)}:${opts.port}`;
  const buf = new OutputBuffer();
  const args = [nextBin(opts.root), opts.dev ? 'dev' : 'start', '-H', opts.host, '-p', String(opts.port)];
  io.log(`Starting the dashboard (${opts.dev ? 'next dev' : 'next start'})...`);
  // Own process group, so Ctrl-C reaches only the launcher, which then stops Next in order.
  const child = spawn(process.execPath, args, {
    cwd: opts.root,
    env: childEnv(env),
    stdio: io.output === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (d) => buf.append(d));
  child.stderr?.on('data', (d) => buf.append(d));
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1)));
    child.once('error', () => resolve(1));
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          child.kill('SIGTERM');
        }
        const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 8000))]);
        if (!killed) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
          await exited;
        }
      }
      if (demo) await demo.close();
    })());

  try {
    await waitUntilAnswering(url, child, io.readyTimeoutMs ?? (opts.dev ? 180_000 : 60_000));
  } catch (err) {
    await stop();
    const tail = buf.toString().slice(-4000);
    throw new Error(`${(err as Error).message}${tail ? `\n--- Next output ---\n${tail}` : ''}`);
  }

  const launched: Launched = { url, cluster, exited, logs: () => buf.toString(), stop };
  if (demo) launched.demo = demo;
  return launched;
}
