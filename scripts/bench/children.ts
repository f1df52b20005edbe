// The bench's helper processes: the demo cluster (cluster-child.ts) and the extra SSE subscribers
// (sse-clients.ts), forked with tsx and spoken to by request/reply messages with a timeout, so no
// await in the bench can hang for ever.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterChildStart, ClusterStats } from './cluster-child';

const here = path.dirname(fileURLToPath(import.meta.url));

export class Child {
  private nextId = 1;
  private constructor(readonly proc: ChildProcess) {}

  static async fork(file: string, name: string): Promise<Child> {
    const proc = fork(path.join(here, file), [], { execArgv: ['--import', 'tsx', '--max-old-space-size=4096'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const c = new Child(proc);
    await c.wait((m) => m.t === 'ready', 60_000, `${name} did not start`);
    return c;
  }

  wait(pred: (m: { t: string; id?: number; [k: string]: unknown }) => boolean, timeoutMs: number, what: string): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${what} (timeout ${Math.round(timeoutMs / 1000)} s)`));
      }, timeoutMs);
      const onMsg = (m: any) => {
        if (m?.t === 'error' && (m.id === undefined || pred({ ...m, t: '__any' }))) {
          cleanup();
          reject(new Error(`${what}: ${m.message}`));
        } else if (pred(m)) {
          cleanup();
          resolve(m);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${what}: the process exited (${code})`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.proc.off('message', onMsg);
        this.proc.off('exit', onExit);
      };
      this.proc.on('message', onMsg);
      this.proc.on('exit', onExit);
    });
  }

  request(msg: Record<string, unknown>, timeoutMs = 60_000): Promise<any> {
    const id = this.nextId++;
    const p = this.wait((m) => m.id === id, timeoutMs, `${String(msg.t)} request`);
    this.proc.send({ ...msg, id });
    return p;
  }

  async stop(msg?: Record<string, unknown>): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    if (msg && this.proc.connected) this.proc.send(msg);
    else this.proc.kill('SIGTERM');
    const ok = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    if (!ok) {
      this.proc.kill('SIGKILL');
      await exited;
    }
  }
}

export interface BenchCluster {
  url: string;
  kubeconfigPath: string;
  adminToken: string;
  caPem: string;
  startMs: number;
  pid: number;
  stats(): Promise<ClusterStats>;
  resetCounts(): Promise<void>;
  close(): Promise<void>;
}

export async function startCluster(opts: Omit<ClusterChildStart, 't'>, startTimeoutMs = 180_000): Promise<BenchCluster> {
  const child = await Child.fork('cluster-child.ts', 'the demo cluster');
  child.proc.send({ t: 'start', ...opts });
  const m = await child.wait((x) => x.t === 'started', startTimeoutMs, 'the demo cluster did not start');
  return {
    url: m.url,
    kubeconfigPath: m.kubeconfigPath,
    adminToken: m.adminToken,
    caPem: m.caPem,
    startMs: m.startMs,
    pid: child.proc.pid!,
    stats: async () => (await child.request({ t: 'stats' })).stats as ClusterStats,
    resetCounts: async () => void (await child.request({ t: 'resetCounts' })),
    close: () => child.stop({ t: 'stop' }),
  };
}

export interface SseClients {
  open(url: string, cookie: string, count: number): Promise<{ connected: number; failed: number; ms: number }>;
  expect(marker: string): Promise<void>;
  collect(marker: string): Promise<{ times: number[]; connected: number }>;
  forget(marker: string): Promise<void>;
  closeAll(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSseClients(): Promise<SseClients> {
  const child = await Child.fork('sse-clients.ts', 'the SSE clients');
  return {
    open: (url, cookie, count) => child.request({ t: 'open', url, cookie, count, concurrency: 25 }, 120_000),
    expect: async (marker) => void (await child.request({ t: 'expect', marker })),
    collect: (marker) => child.request({ t: 'collect', marker }),
    forget: async (marker) => void (await child.request({ t: 'forget', marker })),
    closeAll: async () => void (await child.request({ t: 'close' })),
    stop: () => child.stop(),
  };
}
