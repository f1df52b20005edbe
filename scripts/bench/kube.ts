// Minimal HTTPS calls to the bench's demo cluster as the admin (the changes the live measurements
// make, tokens for the decode measurement), and a `kubectl get -w` whose lines are timestamped.
import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { BenchCluster } from './children';

export const wallNow = () => performance.timeOrigin + performance.now();

export const KAS_PATH = '/apis/operator.openshift.io/v1/kubeapiservers/cluster';
export const KUBECTL = process.env.KUBECTL || '/usr/bin/kubectl';

export function kubeRequest(c: Pick<BenchCluster, 'url' | 'caPem' | 'adminToken'>, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      new URL(path, c.url),
      {
        method,
        ca: c.caPem,
        headers: { Authorization: `Bearer ${c.adminToken}`, Accept: 'application/json', ...(data ? { 'Content-Type': contentType } : {}) },
        timeout: 30_000,
      },
      (res) => {
        let out = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (out += d));
        res.on('end', () => {
          let json: any = null;
          try {
            json = JSON.parse(out);
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timeout`)));
    req.on('error', reject);
    req.end(data);
  });
}

/** Index of the NodeInstallerDegraded condition in the KubeAPIServer's status (the row the bench writes its markers to). */
export async function degradedIndex(c: BenchCluster): Promise<number> {
  const r = await kubeRequest(c, 'GET', KAS_PATH);
  const conds = (r.json?.status?.conditions ?? []) as { type: string }[];
  const i = conds.findIndex((x) => x.type === 'NodeInstallerDegraded');
  if (i < 0) throw new Error('the KubeAPIServer has no NodeInstallerDegraded condition');
  return i;
}

/**
 * One change the dashboard streams live: the NodeInstallerDegraded condition's message of
 * kubeapiservers/cluster (JSON patch on /status), which /rollout shows in its conditions table.
 */
export async function writeMarker(c: BenchCluster, index: number, marker: string): Promise<void> {
  const r = await kubeRequest(c, 'PATCH', `${KAS_PATH}/status`, [{ op: 'add', path: `/status/conditions/${index}/message`, value: marker }], 'application/json-patch+json');
  if (r.status !== 200) throw new Error(`PATCH kubeapiservers/cluster/status: HTTP ${r.status} ${JSON.stringify(r.json)?.slice(0, 200)}`);
}

/** `kubectl get kubeapiserver cluster -w` printing the same message; each line's arrival time is kept. */
export class KubectlWatch {
  private proc: ChildProcess;
  readonly lines = new Map<string, number>();
  private buf = '';
  /** Every line, empty ones included (the first is the current state, often an empty message). */
  private printed = 0;
  constructor(kubeconfig: string) {
    this.proc = spawn(
      KUBECTL,
      ['--kubeconfig', kubeconfig, 'get', 'kubeapiservers.operator.openshift.io', 'cluster', '-w', '-o', 'jsonpath={.status.conditions[?(@.type=="NodeInstallerDegraded")].message}{"\\n"}'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stdout!.on('data', (d: string) => {
      const t = wallNow();
      this.buf += d;
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        this.printed++;
        if (line && !this.lines.has(line)) this.lines.set(line, t);
      }
    });
    this.proc.stderr!.on('data', () => {});
  }
  async ready(timeoutMs = 15_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end && this.printed === 0 && this.proc.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    if (this.proc.exitCode !== null) throw new Error(`kubectl get -w exited (${this.proc.exitCode})`);
  }
  stop(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGTERM');
  }
}

/** Time and count a command's run (kubectl get pods -A -o json), output discarded but counted. */
export function timeCommand(cmd: string, args: string[], timeoutMs: number): Promise<{ ms: number; bytes: number; code: number }> {
  return new Promise((resolve) => {
    const t0 = wallNow();
    let bytes = 0;
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    p.stdout!.on('data', (d: Buffer) => (bytes += d.length));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ ms: wallNow() - t0, bytes, code: code ?? -1 });
    });
  });
}

/** Bound service account tokens from the demo cluster (TokenRequest), for the decode measurement. */
export async function requestTokens(c: BenchCluster, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await kubeRequest(c, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: i % 2 ? ['https://kubernetes.default.svc', `bench-${i}`] : ['https://kubernetes.default.svc'], expirationSeconds: 3600 + i * 600 },
    });
    const t = r.json?.status?.token;
    if (r.status !== 201 && r.status !== 200) throw new Error(`TokenRequest: HTTP ${r.status}`);
    if (typeof t === 'string') out.push(t);
  }
  return out;
}
