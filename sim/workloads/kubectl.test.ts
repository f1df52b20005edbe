// The procedure's workload commands with the real kubectl against the demo cluster at speed 600:
// `kubectl rollout restart` keeps every replica available (maxUnavailable 0 for 3 replicas) and
// surges by at most one, `kubectl drain` empties a worker through the eviction subresource, and
// the procedure's for-loop that deletes every pod in every namespace ends with every Deployment
// and DaemonSet back at full strength with new pods.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, Watch, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../testing';
import { installWorkloads, type WorkloadsHandle } from './install';

const KUBECTL = ['/usr/bin/kubectl', ...(process.env.PATH ?? '').split(':').filter(Boolean).map((d) => join(d, 'kubectl'))].find((p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

let c: TestCluster;
let home: string;
let core: CoreV1Api;
let w: WorkloadsHandle;

beforeAll(async () => {
  c = await startTestCluster({ speed: 600 });
  w = await installWorkloads(c);
  core = c.kc.makeApiClient(CoreV1Api);
  home = mkdtempSync(join(tmpdir(), 'btd-kubectl-home-'));
});
afterAll(async () => {
  await c?.dispose();
  if (home) rmSync(home, { recursive: true, force: true });
});

function sh(script: string, timeout = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/bash', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: c.kubeconfigPath, KUBECTL: KUBECTL! } as unknown as NodeJS.ProcessEnv, encoding: 'utf8', timeout }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const ready = (p: V1Pod) => p.status?.phase === 'Running' && !!p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');

describe.runIf(!!KUBECTL)('kubectl against the workload simulation', () => {
  it('rollout restart replaces every pod while keeping 3 ready replicas and at most one surge pod', async () => {
    const before = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=frontend' })).items.map((p) => p.metadata!.uid!);
    // Watch every pod change and check the rollout invariants at each event.
    const pods = new Map<string, V1Pod>();
    let minReady = Infinity;
    let maxLive = 0;
    let started = false;
    const watch = new Watch(c.kc);
    const req = await watch.watch('/api/v1/namespaces/default/pods', { labelSelector: 'app=frontend' }, (type, obj: V1Pod) => {
      if (type === 'DELETED') pods.delete(obj.metadata!.uid!);
      else pods.set(obj.metadata!.uid!, obj);
      if (!started) return;
      const live = [...pods.values()].filter((p) => !p.metadata?.deletionTimestamp);
      minReady = Math.min(minReady, live.filter(ready).length);
      maxLive = Math.max(maxLive, live.length);
    }, () => {});
    await until('the watch to list the 3 pods', async () => pods.size === 3);
    started = true;
    const r = await sh('"$KUBECTL" rollout restart deployment/frontend -n default');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('deployment.apps/frontend restarted');
    const st = await sh('"$KUBECTL" rollout status deployment/frontend -n default --timeout=60s');
    expect(st.code).toBe(0);
    expect(st.stdout).toContain('deployment "frontend" successfully rolled out');
    const after = await until('three new Ready pods and the old ones gone', async () => {
      const ps = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=frontend' })).items;
      return ps.length === 3 && ps.every((p) => ready(p) && !before.includes(p.metadata!.uid!)) ? ps : undefined;
    });
    req.abort();
    expect(new Set(after.map((p) => p.metadata!.labels!['pod-template-hash'])).size).toBe(1);
    expect(minReady).toBeGreaterThanOrEqual(3); // maxUnavailable 25 % of 3 rounds down to 0
    expect(maxLive).toBeLessThanOrEqual(4); // maxSurge 25 % of 3 rounds up to 1
    expect(maxLive).toBe(4);
    const d = JSON.parse((await sh('"$KUBECTL" get deployment frontend -n default -o json')).stdout);
    expect(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toBeTruthy();
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.status).toMatchObject({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status.conditions.map((x: { type: string; reason: string }) => `${x.type}/${x.reason}`)).toEqual(['Available/MinimumReplicasAvailable', 'Progressing/NewReplicaSetAvailable']);
    const rs = JSON.parse((await sh('"$KUBECTL" get rs -n default -l app=frontend -o json')).stdout).items;
    expect(rs).toHaveLength(2);
    expect(rs.map((x: { spec: { replicas: number } }) => x.spec.replicas).sort()).toEqual([0, 3]);
  }, 60_000);

  it('kubectl drain empties a worker through evictions and leaves its DaemonSet pod', async () => {
    const node = 'worker-0';
    const r = await sh(`"$KUBECTL" drain ${node} --ignore-daemonsets --delete-emptydir-data --force --timeout=60s`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`node/${node} cordoned`);
    expect(r.stdout).toContain(`node/${node} drained`);
    expect(r.stdout).toMatch(/evicting pod /);
    const left = (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items.filter((p) => !p.metadata?.deletionTimestamp);
    expect(left.every((p) => p.metadata?.ownerReferences?.[0]?.kind === 'DaemonSet')).toBe(true);
    expect(left.length).toBe(1);
    const n = await core.readNode({ name: node });
    expect(n.spec?.unschedulable).toBe(true);
    expect(n.spec?.taints).toContainEqual(expect.objectContaining({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }));
    expect((await sh(`"$KUBECTL" uncordon ${node}`)).stdout.trim()).toBe(`node/${node} uncordoned`);
  }, 60_000);

  it('a rolling restart of the control plane: drain, debug-pod reboot, guard PDB blocks the next node while one is down, uncordon', async () => {
    const bootID = async (n: string) => (await core.readNode({ name: n })).status!.nodeInfo!.bootID;
    const readyOf = async (n: string) => (await core.readNode({ name: n })).status!.conditions!.find((x) => x.type === 'Ready')!.status;
    const before = await bootID('cp-0');
    const d = await sh('"$KUBECTL" drain cp-0 --ignore-daemonsets --delete-emptydir-data --force --timeout=60s');
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('evicting pod openshift-kube-apiserver/kube-apiserver-guard-cp-0');
    expect(d.stdout).toContain('node/cp-0 drained');
    // The guard pod comes back on its node (it is not scheduled), so the PDB counts three again.
    await until('the guard pod back on cp-0', async () => ready(await core.readNamespacedPod({ name: 'kube-apiserver-guard-cp-0', namespace: 'openshift-kube-apiserver' })));
    // Hold the node down after the reboot so the next drain can be tried while it is away.
    w.keepNodeDown('cp-0', true);
    const debugYaml = `apiVersion: v1
kind: Pod
metadata:
  generateName: cp-0-debug-
  namespace: default
spec:
  nodeName: cp-0
  hostNetwork: true
  hostPID: true
  restartPolicy: Never
  containers:
  - name: container-00
    image: registry.redhat.io/rhel9/support-tools
    command: ["chroot", "/host", "shutdown", "-r", "+1"]
    securityContext: {privileged: true, runAsUser: 0}
    volumeMounts: [{name: host, mountPath: /host}]
  volumes: [{name: host, hostPath: {path: /, type: Directory}}]
  tolerations: [{operator: Exists}]
`;
    const cr = await sh(`cat <<'EOF' | "$KUBECTL" create -f -\n${debugYaml}EOF`);
    expect(cr.stdout).toMatch(/^pod\/cp-0-debug-[a-z0-9]{5} created/);
    await until('cp-0 Unknown and its guard pod NotReady', async () => (await readyOf('cp-0')) === 'Unknown' && !ready(await core.readNamespacedPod({ name: 'kube-apiserver-guard-cp-0', namespace: 'openshift-kube-apiserver' })));
    const blocked = await sh('"$KUBECTL" drain cp-1 --ignore-daemonsets --delete-emptydir-data --force --timeout=3s');
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain(`error when evicting pods/"kube-apiserver-guard-cp-1" -n "openshift-kube-apiserver" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`);
    expect((await sh('"$KUBECTL" uncordon cp-1')).code).toBe(0);
    w.keepNodeDown('cp-0', false);
    await until('cp-0 Ready with a new boot', async () => (await readyOf('cp-0')) === 'True' && (await bootID('cp-0')) !== before);
    expect((await sh('"$KUBECTL" uncordon cp-0')).stdout.trim()).toBe('node/cp-0 uncordoned');
    await until('the guard PDB allows a disruption again', async () => {
      const pdb = JSON.parse((await sh('"$KUBECTL" get pdb kube-apiserver-guard-pdb -n openshift-kube-apiserver -o json')).stdout);
      return pdb.status.disruptionsAllowed === 1 && pdb.status.currentHealthy === 3;
    });
    const next = await sh('"$KUBECTL" drain cp-1 --ignore-daemonsets --delete-emptydir-data --force --timeout=60s');
    expect(next.code).toBe(0);
    expect((await sh('"$KUBECTL" uncordon cp-1')).code).toBe(0);
  }, 90_000);

  it("the procedure's for-loop deletes every pod in every namespace and the Deployments come back", async () => {
    const before = new Set((await core.listPodForAllNamespaces()).items.map((p) => p.metadata!.uid!));
    const loop = `oc() { "$KUBECTL" "$@"; }
for I in $(oc get ns -o jsonpath='{range .items[*]} {.metadata.name}{"\\n"} {end}'); \\
      do oc delete pods --all -n $I; \\
      sleep 1; \\
      done`;
    const r = await sh(loop, 180_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pod "frontend-[a-z0-9]+-[a-z0-9]{5}" deleted/);
    await until(
      'every Deployment and DaemonSet available again with new pods',
      async () => {
        const deps = JSON.parse((await sh('"$KUBECTL" get deployments -A -o json')).stdout).items as { spec: { replicas: number }; status: { availableReplicas?: number; updatedReplicas?: number } }[];
        const dss = JSON.parse((await sh('"$KUBECTL" get daemonsets -A -o json')).stdout).items as { status: { desiredNumberScheduled: number; numberReady: number } }[];
        return deps.length > 0 && deps.every((d) => d.status.availableReplicas === d.spec.replicas && d.status.updatedReplicas === d.spec.replicas) && dss.every((d) => d.status.numberReady === d.status.desiredNumberScheduled && d.status.desiredNumberScheduled === 6);
      },
      60_000,
    );
    const pods = (await core.listPodForAllNamespaces()).items.filter((p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'ReplicaSet' || o.kind === 'DaemonSet'));
    expect(pods.length).toBeGreaterThan(10);
    expect(pods.every((p) => !before.has(p.metadata!.uid!) && ready(p))).toBe(true);
    // Every recreated pod holds a fresh token from the current issuer.
    expect(pods.every((p) => JSON.parse(p.metadata!.annotations!['demo.bound-token-dashboard.io/projected-tokens']!)[0].issuer === 'https://kubernetes.default.svc')).toBe(true);
  }, 200_000);
});
