// Journey: `npm start` as an admin runs it. The launcher prints where everything is, the printed
// kubectl command works, Ctrl-C stops both servers, and a dying Next server takes the demo down.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../scripts/lib/ports';
import { signInWithToken } from './auth-helpers';
import { expect, test } from './fixtures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
  url: string;
  demoUrl: string;
  kubeconfig: string;
}

async function startLauncher(dataDir: string): Promise<Started> {
  const port = await freePort();
  // node --import tsx: one process, so its only child is the Next server.
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.NODE_ENV;
  const args = ['--import', 'tsx', 'scripts/start.ts', '--demo', '--port', String(port), '--data-dir', dataDir, '--no-build', '--speed', '60'];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 60_000;
  while (!/^ready: /m.test(out)) {
    if (child.exitCode !== null) throw new Error(`launcher exited early:\n${out}`);
    if (Date.now() > deadline) {
      await stopLauncher(child, exit);
      throw new Error(`launcher not ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const demoUrl = /server (https:\/\/127\.0\.0\.1:\d+)\)/.exec(out)?.[1] ?? '';
  const kubeconfig = /Kubeconfig:\s+(\S+)/.exec(out)?.[1] ?? '';
  return { child, output: () => out, exit, url: `http://127.0.0.1:${port}`, demoUrl, kubeconfig };
}

/** Ctrl-C, as a user would, so the launcher stops its Next server and demo cluster (a SIGKILL would orphan them). */
async function stopLauncher(child: ChildProcess, exit: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const done = await Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))]);
  if (!done) child.kill('SIGKILL');
}

function portOpen(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port), u.hostname);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

test.describe('launcher', () => {
  let dir: string;
  test.beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btd-launcher-'));
  });
  test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('prints the URL, the cluster and a working kubectl command; Ctrl-C stops both servers', async ({ browser }) => {
    test.setTimeout(120_000);
    const s = await startLauncher(path.join(dir, 'a'));
    try {
      const out = s.output();
      expect(out).toContain(`Dashboard:   ${s.url}`);
      expect(out).toMatch(/Cluster:\s+demo cluster \(context demo, server https:\/\/127\.0\.0\.1:\d+\)/);
      expect(s.kubeconfig).toMatch(/a\/demo\/kubeconfig$/);
      expect(out).toContain(`kubectl --kubeconfig ${s.kubeconfig} get nodes`);
      expect(fs.existsSync(path.resolve(root, s.kubeconfig))).toBe(true);
      if (hasKubectl()) {
        const nodes = await new Promise<string>((resolve, reject) =>
          execFile('kubectl', ['--kubeconfig', path.resolve(root, s.kubeconfig), 'get', 'nodes', '-o', 'name'], (err, stdout) => (err ? reject(err) : resolve(stdout))),
        );
        expect(nodes.trim().split('\n')).toHaveLength(6);
      }
      const context = await browser.newContext({ baseURL: s.url });
      const page = await context.newPage();
      const token = fs.readFileSync(path.join(path.dirname(path.resolve(root, s.kubeconfig)), 'admin.token'), 'utf8').trim();
      await signInWithToken(page, s.url, token);
      await page.goto('/');
      await expect(page.getByTestId('node-row')).toHaveCount(6);
      await context.close();
      expect(await portOpen(s.demoUrl)).toBe(true);

      s.child.kill('SIGINT');
      expect(await s.exit).toBe(0);
      expect(await portOpen(s.url)).toBe(false);
      expect(await portOpen(s.demoUrl)).toBe(false);
    } finally {
      await stopLauncher(s.child, s.exit);
    }
  });

  test('when Next dies, the launcher stops the demo cluster and exits non-zero', async () => {
    test.setTimeout(120_000);
    const s = await startLauncher(path.join(dir, 'b'));
    try {
      // The launcher's children include esbuild (tsx); pick the Next server.
      const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(s.child.pid)]).toString().trim().split('\n');
      const nextPid = Number(children.find((l) => /next/.test(l))?.trim().split(/\s+/)[0]);
      expect(nextPid).toBeGreaterThan(0);
      process.kill(nextPid, 'SIGKILL');
      const code = await s.exit;
      expect(code).not.toBe(0);
      expect(s.output()).toContain('exited unexpectedly');
      expect(await portOpen(s.demoUrl)).toBe(false);
    } finally {
      await stopLauncher(s.child, s.exit);
    }
  });
});
