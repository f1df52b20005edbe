// Real kubectl against the demo cluster: the everyday commands an admin runs must work and print
// what a real cluster prints, with nothing on stderr (no discovery, OpenAPI or validation warnings).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './testing';

// The real kubectl on PATH (skipped, with the reason in the suite name, when there is none).
const KUBECTL = (process.env.PATH ?? '')
  .split(':')
  .filter(Boolean)
  .map((d) => join(d, 'kubectl'))
  .find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

let c: TestCluster;
let home: string;

beforeAll(async () => {
  if (!KUBECTL) return;
  // Speed 30: a pod's 30 s grace period passes in a second, so `kubectl delete` returns quickly.
  c = await startTestCluster({ speed: 30 });
  // A fresh HOME per run: kubectl's discovery cache must not leak between runs.
  home = mkdtempSync(join(tmpdir(), 'btd-kubectl-home-'));
});
afterAll(async () => {
  await c?.dispose();
  if (home) rmSync(home, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      KUBECTL!,
      ['--kubeconfig', c.kubeconfigPath, ...args],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...env } as unknown as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Runs kubectl and requires success with an empty stderr (no warnings of any kind). */
async function ok(args: string[], env?: Record<string, string>): Promise<string> {
  const r = await kubectl(args, env);
  expect(r.stderr, `stderr of kubectl ${args.join(' ')}`).toBe('');
  expect(r.code, `exit code of kubectl ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}

function table(out: string): string[][] {
  return out.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
}

describe.skipIf(!KUBECTL)(KUBECTL ? 'real kubectl against the demo cluster' : 'real kubectl against the demo cluster (skipped: kubectl is not on PATH)', () => {
  it('get nodes prints the real columns, roles and Ready', async () => {
    const out = await ok(['get', 'nodes']);
    const rows = table(out);
    expect(rows[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    expect(rows).toHaveLength(7);
    const body = rows.slice(1);
    expect(body.filter((r) => r[2] === 'control-plane,master').map((r) => r[0])).toEqual(['cp-0', 'cp-1', 'cp-2']);
    expect(body.filter((r) => r[2] === 'worker')).toHaveLength(3);
    expect(body.every((r) => r[1] === 'Ready' && r[4] === 'v1.31.6' && /^\d+d$/.test(r[3]!))).toBe(true);
    const wide = table(await ok(['get', 'nodes', '-o', 'wide']));
    expect(wide[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION', 'INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME']);
    expect(wide[1]![7]).toMatch(/^Red Hat Enterprise Linux CoreOS 418\./);
  });

  it('get pods -A and get ns', async () => {
    const pods = table(await ok(['get', 'pods', '-A']));
    expect(pods[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(pods.length).toBeGreaterThan(15);
    expect(pods.find((r) => r[1] === 'kube-apiserver-cp-0')).toEqual(['openshift-kube-apiserver', 'kube-apiserver-cp-0', '5/5', 'Running', '0', expect.stringMatching(/^\d+d/)]);
    const deploy = table(await ok(['get', 'deploy', '-n', 'openshift-authentication']));
    expect(deploy[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(deploy[1]!.slice(0, 4)).toEqual(['oauth-openshift', '3/3', '3', '3']);
    const ds = table(await ok(['get', 'ds', '-n', 'openshift-dns']));
    expect(ds[0]).toEqual(['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    expect(ds[1]!.slice(0, 7)).toEqual(['dns-default', '6', '6', '6', '6', '6', 'kubernetes.io/os=linux']);
    const pdb = table(await ok(['get', 'pdb', '-n', 'openshift-kube-apiserver']));
    expect(pdb[0]).toEqual(['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE']);
    expect(pdb[1]!.slice(0, 4)).toEqual(['kube-apiserver-guard-pdb', '2', 'N/A', '1']);
    const ns = table(await ok(['get', 'ns']));
    expect(ns[0]).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(ns.find((r) => r[0] === 'openshift-kube-apiserver')?.[1]).toBe('Active');
  });

  it('get kubeapiserver and clusteroperator', async () => {
    const kas = table(await ok(['get', 'kubeapiserver']));
    expect(kas[0]).toEqual(['NAME', 'AGE']);
    expect(kas[1]![0]).toBe('cluster');
    const co = table(await ok(['get', 'co', 'kube-apiserver']));
    expect(co[0]).toEqual(['NAME', 'VERSION', 'AVAILABLE', 'PROGRESSING', 'DEGRADED', 'SINCE']);
    expect(co[1]!.slice(0, 3)).toEqual(['kube-apiserver', '4.18.5', 'True']);
  });

  it('get authentications cluster -o yaml, then patch it with a merge patch', async () => {
    const obj = parseYaml(await ok(['get', 'authentications', 'cluster', '-o', 'yaml']));
    expect(obj).toMatchObject({ apiVersion: 'config.openshift.io/v1', kind: 'Authentication', metadata: { name: 'cluster' }, spec: { serviceAccountIssuer: '', type: '' } });
    const out = await ok(['patch', 'authentication', 'cluster', '--type=merge', '-p', '{"spec":{"serviceAccountIssuer":"https://kubectl.example.com"}}']);
    expect(out.trim()).toBe('authentication.config.openshift.io/cluster patched');
    expect(await ok(['get', 'authentication', 'cluster', '-o', 'jsonpath={.spec.serviceAccountIssuer}'])).toBe('https://kubectl.example.com');
  });

  it('edit through KUBE_EDITOR', async () => {
    const editor = join(home, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/^  logLevel: Normal/  logLevel: Debug/" "$1"\n');
    chmodSync(editor, 0o755);
    const out = await ok(['edit', 'kubeapiserver', 'cluster'], { KUBE_EDITOR: editor });
    expect(out.trim()).toBe('kubeapiserver.operator.openshift.io/cluster edited');
    expect(await ok(['get', 'kubeapiserver', 'cluster', '-o', 'jsonpath={.spec.logLevel}'])).toBe('Debug');
  });

  it('cordon and uncordon a worker', async () => {
    expect((await ok(['cordon', 'worker-1'])).trim()).toBe('node/worker-1 cordoned');
    expect(table(await ok(['get', 'node', 'worker-1']))[1]![1]).toBe('Ready,SchedulingDisabled');
    expect((await ok(['uncordon', 'worker-1'])).trim()).toBe('node/worker-1 uncordoned');
    expect(table(await ok(['get', 'node', 'worker-1']))[1]![1]).toBe('Ready');
  });

  it('delete a pod of a Deployment', async () => {
    const name = (await ok(['get', 'pods', '-n', 'default', '-l', 'app=frontend', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    expect(name).toMatch(/^frontend-/);
    expect((await ok(['delete', 'pod', '-n', 'default', name])).trim()).toBe(`pod "${name}" deleted`);
    const r = await kubectl(['get', 'pod', '-n', 'default', name]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`Error from server (NotFound): pods "${name}" not found`);
  });

  it('create -f and apply -f a pod and an Authentication without warnings', async () => {
    const pod = (name: string, image: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: ${image}\n`;
    const f = join(home, 'pod.yaml');
    writeFileSync(f, pod('kubectl-created', 'nginx'));
    expect((await ok(['create', '-f', f])).trim()).toBe('pod/kubectl-created created');
    writeFileSync(f, pod('kubectl-applied', 'nginx'));
    expect((await ok(['apply', '-f', f])).trim()).toBe('pod/kubectl-applied created');
    writeFileSync(f, pod('kubectl-applied', 'nginx:1.27'));
    expect((await ok(['apply', '-f', f])).trim()).toBe('pod/kubectl-applied configured');
    expect(await ok(['get', 'pod', '-n', 'default', 'kubectl-applied', '-o', 'jsonpath={.spec.containers[0].image}'])).toBe('nginx:1.27');
    const a = join(home, 'auth.yaml');
    const auth = (issuer: string) => `apiVersion: config.openshift.io/v1\nkind: Authentication\nmetadata:\n  name: kubectl-apply\nspec:\n  serviceAccountIssuer: "${issuer}"\n`;
    writeFileSync(a, auth(''));
    expect((await ok(['apply', '-f', a])).trim()).toBe('authentication.config.openshift.io/kubectl-apply created');
    writeFileSync(a, auth('https://applied.example.com'));
    expect((await ok(['apply', '-f', a])).trim()).toBe('authentication.config.openshift.io/kubectl-apply configured');
    expect((await ok(['delete', '-f', a])).trim()).toBe('authentication.config.openshift.io "kubectl-apply" deleted');
    writeFileSync(a, auth('').replace('kubectl-apply', 'kubectl-create'));
    expect((await ok(['create', '-f', a])).trim()).toBe('authentication.config.openshift.io/kubectl-create created');
    // Server-side field validation: kubectl found fieldValidation in our OpenAPI and sends Strict.
    writeFileSync(f, pod('kubectl-bad', 'nginx') + 'bogus: 1\n');
    const bad = await kubectl(['create', '-f', f]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('strict decoding error: unknown field "bogus"');
  });

  it('get --raw /version', async () => {
    const v = JSON.parse(await ok(['get', '--raw', '/version']));
    expect(v).toMatchObject({ major: '1', minor: '31', gitVersion: 'v1.31.6', platform: 'linux/amd64' });
  });

  it('auth whoami and auth can-i for admin and viewer', async () => {
    const who = table(await ok(['auth', 'whoami']));
    expect(who[0]).toEqual(['ATTRIBUTE', 'VALUE']);
    expect(who[1]).toEqual(['Username', 'system:admin']);
    expect(who[2]).toEqual(['Groups', '[system:masters system:authenticated]']);
    expect(table(await ok(['--context', 'demo-viewer', 'auth', 'whoami']))[1]).toEqual(['Username', 'viewer']);
    expect((await ok(['auth', 'can-i', 'patch', 'nodes', '-A'])).trim()).toBe('yes');
    const no = await kubectl(['--context', 'demo-viewer', 'auth', 'can-i', 'patch', 'nodes', '-A']);
    expect(no).toEqual({ code: 1, stdout: 'no\n', stderr: '' });
    expect((await ok(['--context', 'demo-viewer', 'auth', 'can-i', 'list', 'pods'])).trim()).toBe('yes');
  });

  it('get -w prints a row when the object changes', async () => {
    let out = '';
    let err = '';
    const child: ChildProcess = spawn(KUBECTL!, ['--kubeconfig', c.kubeconfigPath, 'get', 'nodes', '-w'], { env: { PATH: process.env.PATH ?? '', HOME: home } as unknown as NodeJS.ProcessEnv });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const waitFor = async (pred: () => boolean, what: string) => {
      for (let i = 0; i < 100 && !pred(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(pred(), `${what}; got:\n${out}${err}`).toBe(true);
    };
    try {
      await waitFor(() => out.split('\n').filter((l) => /^(cp|worker)-/.test(l)).length >= 6, 'initial rows');
      await ok(['cordon', 'worker-2']);
      await waitFor(() => /^worker-2\s+Ready,SchedulingDisabled\s+worker\s/m.test(out), 'the cordoned row');
      await ok(['uncordon', 'worker-2']);
      await waitFor(() => out.split('\n').filter((l) => /^worker-2\s+Ready\s+worker\s/.test(l)).length >= 2, 'the uncordoned row');
      const lines = out.trimEnd().split('\n');
      expect(lines.filter((l) => l.startsWith('NAME'))).toHaveLength(1);
      expect(err).toBe('');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
