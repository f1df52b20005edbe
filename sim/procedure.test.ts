// The procedure this product is born from (shared/reference/bound-service-account-tokens.md), run
// step by step with the real kubectl against the demo cluster: change the issuer, wait for the
// kube-apiserver rollout with the procedure's jsonpath command, restart every pod with its
// for-loop, request a token, create its pod with a projected token. What kubectl prints must be
// what the procedure shows, and the Deployments must come back.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from './testing';

const run = promisify(execFile);

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const JSONPATH = `-o=jsonpath={range .items[0].status.conditions[?(@.type=="NodeInstallerProgressing")]}{.reason}{"\\n"}{.message}{"\\n"}`;

const POD_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
  - image: nginx
    name: nginx
    volumeMounts:
    - mountPath: /var/run/secrets/tokens
      name: vault-token
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: [ALL]
  serviceAccountName: build-robot
  volumes:
  - name: vault-token
    projected:
      sources:
      - serviceAccountToken:
          path: vault-token
          expirationSeconds: 7200
          audience: vault
`;

function decodePayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const KUBECTL = hasKubectl();
// Real kubectl prints two extra blank lines for the procedure's jsonpath (it has no {end}); a real
// cluster does the same, so only trailing newlines are folded before comparing.
const lines = (s: string) => s.replace(/\n+$/, '\n');

describe.skipIf(!KUBECTL)(KUBECTL ? 'the procedure with real kubectl' : 'the procedure with real kubectl (skipped: kubectl is not on PATH)', () => {
  let c: TestCluster;
  let home: string;
  let kubectl: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;

  beforeAll(async () => {
    c = await startTestCluster({ speed: 600 });
    home = mkdtempSync(join(tmpdir(), 'btd-procedure-home-'));
    const env = { ...process.env, HOME: home, KUBECONFIG: c.kubeconfigPath };
    kubectl = (...args) => run('kubectl', args, { env, timeout: 60_000 });
  });
  afterAll(async () => {
    await c?.dispose();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('changes the issuer and the rollout reads as the procedure says, ending at AllNodesAtLatestRevision', async () => {
    const before = await kubectl('get', 'kubeapiserver', JSONPATH);
    expect(lines(before.stdout)).toBe('AllNodesAtLatestRevision\n3 nodes are at revision 11\n');

    await kubectl('patch', 'authentications.config.openshift.io', 'cluster', '--type=merge', '-p', '{"spec":{"serviceAccountIssuer":"https://test.default.svc"}}');

    const seen = new Set<string>();
    let last = '';
    for (let i = 0; i < 300 && !last.startsWith('AllNodesAtLatestRevision\n3 nodes are at revision 12'); i++) {
      last = lines((await kubectl('get', 'kubeapiserver', JSONPATH)).stdout);
      seen.add(last);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toBe('AllNodesAtLatestRevision\n3 nodes are at revision 12\n');
    // While progressing the reason is empty: the first line printed is blank.
    const progressing = [...seen].filter((s) => s.startsWith('\n'));
    expect(progressing.length).toBeGreaterThan(0);
    for (const p of progressing) {
      expect(p).toMatch(/^\n(\d+ nodes? (is|are) at revision \d+)(; \d+ nodes? (is|are) at revision \d+|; 0 nodes have achieved new revision 12)*\n$/);
    }
  });

  it('issues tokens from the new issuer with oc/kubectl create token', async () => {
    const { stdout } = await kubectl('create', 'token', 'build-robot');
    const claims = decodePayload(stdout.trim());
    expect(claims.iss).toBe('https://test.default.svc');
    expect(claims.sub).toBe('system:serviceaccount:default:build-robot');
    expect(claims.aud).toEqual(['https://test.default.svc', 'https://kubernetes.default.svc']);
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
  });

  it("restarts every pod with the procedure's for-loop, and the Deployments come back", async () => {
    const before = JSON.parse((await kubectl('get', 'pods', '-A', '-o', 'json')).stdout) as { items: { metadata: { uid: string } }[] };
    const script = `for I in $(kubectl get ns -o jsonpath='{range .items[*]} {.metadata.name}{"\\n"} {end}'); \\
      do kubectl delete pods --all -n $I; \\
      sleep 1; \\
      done`;
    const env = { ...process.env, HOME: home, KUBECONFIG: c.kubeconfigPath };
    await run('bash', ['-c', script], { env, timeout: 240_000 });

    let ready = false;
    for (let i = 0; i < 200 && !ready; i++) {
      const deps = JSON.parse((await kubectl('get', 'deployments', '-A', '-o', 'json')).stdout) as {
        items: { metadata: { name: string }; spec: { replicas?: number }; status: { readyReplicas?: number } }[];
      };
      ready = deps.items.length > 0 && deps.items.every((d) => (d.status.readyReplicas ?? 0) === (d.spec.replicas ?? 1));
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(true);
    const after = JSON.parse((await kubectl('get', 'pods', '-A', '-o', 'json')).stdout) as { items: { metadata: { uid: string } }[] };
    const oldUids = new Set(before.items.map((p) => p.metadata.uid));
    const controlled = after.items.filter((p) => !oldUids.has(p.metadata.uid));
    expect(controlled.length).toBeGreaterThan(0);
  }, 300_000);

  it("creates the procedure's pod, which gets a projected token for audience vault", async () => {
    const file = join(home, 'pod-projected-svc-token.yaml');
    writeFileSync(file, POD_YAML);
    const created = await kubectl('create', '-f', file);
    expect(created.stdout.trim()).toBe('pod/nginx created');
    expect(created.stderr).toBe('');

    let phase = '';
    for (let i = 0; i < 100 && phase !== 'Running'; i++) {
      phase = (await kubectl('get', 'pod', 'nginx', '-o', 'jsonpath={.status.phase}')).stdout;
      if (phase !== 'Running') await new Promise((r) => setTimeout(r, 100));
    }
    expect(phase).toBe('Running');
  });
});
