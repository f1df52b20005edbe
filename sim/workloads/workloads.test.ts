// Workloads and nodes through real HTTPS with client-node 1.4 at DEMO_SPEED 600: controllers
// recreate deleted pods, eviction honours PodDisruptionBudgets with kube's answers, the scheduler
// reports unschedulable pods as kube words it, the ServiceAccount admission plugin injects the
// kube-api-access volume, projected tokens are issued and described on the pod, and nodes reboot.
import { AppsV1Api, CoreV1Api, PolicyV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../testing';
import { installWorkloads, type WorkloadsHandle } from './install';
import { PROJECTED_TOKENS_ANNOTATION, type ProjectedTokenRecord } from './projected-tokens';

let c: TestCluster;
let w: WorkloadsHandle;
let core: CoreV1Api;
let apps: AppsV1Api;
let policy: PolicyV1Api;

beforeAll(async () => {
  c = await startTestCluster({ speed: 600 });
  w = await installWorkloads(c);
  core = c.kc.makeApiClient(CoreV1Api);
  apps = c.kc.makeApiClient(AppsV1Api);
  policy = c.kc.makeApiClient(PolicyV1Api);
});
afterAll(async () => {
  await c?.dispose();
});

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function ready(p: V1Pod): boolean {
  return p.status?.phase === 'Running' && !!p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
}

async function errorBody(p: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await p;
  } catch (e: any) {
    return { code: e.code, body: typeof e.body === 'string' ? JSON.parse(e.body) : e.body };
  }
  throw new Error('expected the request to fail');
}

describe('controllers', () => {
  it('recreates a deleted Deployment pod with a new name and UID, Running with kubelet status', async () => {
    const before = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=frontend' })).items;
    expect(before).toHaveLength(3);
    const victim = before[0]!;
    await core.deleteNamespacedPod({ name: victim.metadata!.name!, namespace: 'default' });
    const fresh = await until('a replacement Running pod', async () => {
      const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=frontend' })).items;
      const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
      const n = live.find((p) => !before.some((b) => b.metadata?.uid === p.metadata?.uid));
      return live.length === 3 && n && ready(n) && !pods.some((p) => p.metadata?.uid === victim.metadata?.uid) ? n : undefined;
    });
    expect(fresh.metadata!.name).toMatch(/^frontend-[a-z0-9]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(fresh.metadata!.name).not.toBe(victim.metadata!.name);
    expect(fresh.metadata!.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', controller: true });
    expect(fresh.spec!.nodeName).toMatch(/^worker-/);
    const s = fresh.status!;
    expect(s.startTime).toBeTruthy();
    expect(s.podIP).toMatch(/^10\.128\./);
    expect(s.hostIP).toMatch(/^10\.0\./);
    expect(s.conditions!.map((x) => x.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    const cs = s.containerStatuses![0]!;
    expect(cs).toMatchObject({ ready: true, started: true, restartCount: 0 });
    expect(cs.containerID).toMatch(/^cri-o:\/\/[0-9a-f]{64}$/);
    expect(cs.state?.running?.startedAt).toBeTruthy();
    // The ServiceAccount admission plugin injected the API access volume.
    const vol = fresh.spec!.volumes!.find((v) => v.name.startsWith('kube-api-access-'))!;
    expect(vol.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(vol.projected!.sources![0]!.serviceAccountToken).toEqual({ expirationSeconds: 3607, path: 'token' });
    expect(fresh.spec!.containers[0]!.volumeMounts).toContainEqual({ name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' });
    const rec = JSON.parse(fresh.metadata!.annotations![PROJECTED_TOKENS_ANNOTATION]!) as ProjectedTokenRecord[];
    expect(rec[0]).toMatchObject({ volume: vol.name, path: 'token', expirationSeconds: 3607, audiences: ['https://kubernetes.default.svc'], issuer: 'https://kubernetes.default.svc' });
    // The 3607-second rule: status expiry +3607 s, the JWT itself valid for a year.
    expect(Date.parse(rec[0]!.expiresAt) - Date.parse(rec[0]!.issuedAt)).toBe(3607_000);
    expect(Date.parse(rec[0]!.jwtExpiresAt) - Date.parse(rec[0]!.issuedAt)).toBe(31_536_000_000);
    const d = await apps.readNamespacedDeployment({ name: 'frontend', namespace: 'default' });
    expect(d.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 });
  });

  it('reports a pod that fits no node as the scheduler does', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'nowhere' }, spec: { nodeSelector: { disktype: 'ssd' }, containers: [{ name: 'c', image: 'registry.access.redhat.com/ubi9/ubi:latest' }] } } });
    const p = await until('PodScheduled False', async () => {
      const pod = await core.readNamespacedPod({ name: 'nowhere', namespace: 'default' });
      return pod.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False') ? pod : undefined;
    });
    const cond = p.status!.conditions!.find((x) => x.type === 'PodScheduled')!;
    expect(cond.reason).toBe('Unschedulable');
    expect(cond.message).toBe("0/6 nodes are available: 3 node(s) didn't match Pod's node affinity/selector, 3 node(s) had untolerated taint {node-role.kubernetes.io/master: }. preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling.");
    expect(p.status!.phase).toBe('Pending');
    await core.deleteNamespacedPod({ name: 'nowhere', namespace: 'default' });
  });

  it('rejects a pod whose service account does not exist, and a projection shorter than 10 minutes', async () => {
    const r = await errorBody(core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'ghost' }, spec: { serviceAccountName: 'ghost', containers: [{ name: 'c', image: 'nginx' }] } } }));
    expect(r.code).toBe(403);
    expect(r.body.message).toBe('pods "ghost" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found');
    const r2 = await errorBody(
      core.createNamespacedPod({
        namespace: 'default',
        body: { metadata: { name: 'short' }, spec: { containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 60 } }] } }] } },
      }),
    );
    expect(r2.code).toBe(422);
    expect(r2.body.message).toBe('Pod "short" is invalid: spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
  });

  it('does not mount a token when automountServiceAccountToken is false', async () => {
    const p = await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'no-token' }, spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'nginx' }] } } });
    expect(p.spec!.volumes ?? []).toEqual([]);
    await core.deleteNamespacedPod({ name: 'no-token', namespace: 'default', gracePeriodSeconds: 0 });
  });
});

describe('projected service account tokens', () => {
  it('issues the procedure pod a pod-bound token with its audience and lifetime, and renews it at 80 %', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'nginx' },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{ image: 'nginx', name: 'nginx', volumeMounts: [{ mountPath: '/var/run/secrets/tokens', name: 'vault-token' }], securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
          serviceAccountName: 'build-robot',
          volumes: [{ name: 'vault-token', projected: { sources: [{ serviceAccountToken: { path: 'vault-token', expirationSeconds: 7200, audience: 'vault' } }] } }],
        },
      },
    });
    const pod = await until('the nginx pod Running with its token annotation', async () => {
      const p = await core.readNamespacedPod({ name: 'nginx', namespace: 'default' });
      return ready(p) && p.metadata?.annotations?.[PROJECTED_TOKENS_ANNOTATION] ? p : undefined;
    });
    const recs = JSON.parse(pod.metadata!.annotations![PROJECTED_TOKENS_ANNOTATION]!) as ProjectedTokenRecord[];
    const vault = recs.find((r) => r.volume === 'vault-token')!;
    expect(vault).toMatchObject({ path: 'vault-token', audiences: ['vault'], expirationSeconds: 7200, issuer: 'https://kubernetes.default.svc' });
    expect(vault.jti).toMatch(/^[0-9a-f-]{36}$/);
    const iat = Date.parse(vault.issuedAt);
    expect(Date.parse(vault.expiresAt) - iat).toBe(7200_000);
    expect(Date.parse(vault.jwtExpiresAt) - iat).toBe(7200_000);
    const refresh = Date.parse(vault.refreshAt) - iat;
    expect(refresh).toBeLessThanOrEqual(5760_000);
    expect(refresh).toBeGreaterThanOrEqual(5749_000);
    // The injected kube-api-access token is there too.
    expect(recs.some((r) => r.volume.startsWith('kube-api-access-') && r.expirationSeconds === 3607)).toBe(true);
    // 5760 s of simulated time is 9.6 s at speed 600: the token is renewed (new jti, later issuedAt).
    const renewed = await until(
      'the renewed token',
      async () => {
        const p = await core.readNamespacedPod({ name: 'nginx', namespace: 'default' });
        const r = (JSON.parse(p.metadata!.annotations![PROJECTED_TOKENS_ANNOTATION]!) as ProjectedTokenRecord[]).find((x) => x.volume === 'vault-token')!;
        return r.jti !== vault.jti ? r : undefined;
      },
      20_000,
    );
    expect(Date.parse(renewed.issuedAt)).toBeGreaterThanOrEqual(Date.parse(vault.refreshAt) - 1000);
    expect(Date.parse(renewed.issuedAt) - iat).toBeLessThan(7200_000);
    await core.deleteNamespacedPod({ name: 'nginx', namespace: 'default', gracePeriodSeconds: 0 });
  }, 40_000);
});

describe('eviction', () => {
  it('refuses with 429 when the budget allows no disruption, and evicts when it does', async () => {
    await policy.createNamespacedPodDisruptionBudget({ namespace: 'default', body: { metadata: { name: 'frontend' }, spec: { minAvailable: 3, selector: { matchLabels: { app: 'frontend' } } } } });
    await until('the PDB status', async () => {
      const b = await policy.readNamespacedPodDisruptionBudget({ name: 'frontend', namespace: 'default' });
      return b.status?.observedGeneration === 1 && b.status.currentHealthy === 3 ? b : undefined;
    });
    const pods = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=frontend' })).items.filter((p) => !p.metadata?.deletionTimestamp);
    const name = pods[0]!.metadata!.name!;
    const r = await errorBody(core.createNamespacedPodEviction({ name, namespace: 'default', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } } }));
    expect(r.code).toBe(429);
    expect(r.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget frontend needs 3 healthy pods and has 3 currently' }] },
      code: 429,
    });
    const b = await policy.readNamespacedPodDisruptionBudget({ name: 'frontend', namespace: 'default' });
    expect(b.status).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 3, expectedPods: 3 });
    expect(b.status!.conditions![0]).toMatchObject({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' });

    // A second budget over the same pods: the eviction subresource refuses with a 500.
    await policy.createNamespacedPodDisruptionBudget({ namespace: 'default', body: { metadata: { name: 'frontend-2' }, spec: { maxUnavailable: '33%', selector: { matchLabels: { app: 'frontend' } } } } });
    const r2 = await errorBody(core.createNamespacedPodEviction({ name, namespace: 'default', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } } }));
    expect(r2.code).toBe(500);
    expect(r2.body.message).toBe('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    await policy.deleteNamespacedPodDisruptionBudget({ name: 'frontend', namespace: 'default' });
    await until('frontend-2 allows one disruption', async () => {
      const x = await policy.readNamespacedPodDisruptionBudget({ name: 'frontend-2', namespace: 'default' });
      return x.status?.disruptionsAllowed === 1 ? x : undefined;
    });
    const ok = await core.createNamespacedPodEviction({ name, namespace: 'default', body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' } } });
    // The answer is a v1 Status (client-node types it as an Eviction, keeping apiVersion only).
    expect(ok.apiVersion).toBe('v1');
    await until('the evicted pod gone and replaced', async () => {
      const ps = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=frontend' })).items;
      return !ps.some((p) => p.metadata?.name === name) && ps.filter(ready).length === 3;
    });
    await policy.deleteNamespacedPodDisruptionBudget({ name: 'frontend-2', namespace: 'default' });
  });
});

async function nodeReady(name: string): Promise<{ status: string; reason?: string; message?: string; bootID: string; taints: string[] }> {
  const n = await core.readNode({ name });
  const r = n.status!.conditions!.find((x) => x.type === 'Ready')!;
  return { status: r.status, reason: r.reason, message: r.message, bootID: n.status!.nodeInfo!.bootID, taints: (n.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`) };
}

describe('node reboot', () => {
  it('a debug pod running `chroot /host shutdown -r +1` reboots its node: NotReady, then Ready with a new bootID', async () => {
    const node = 'worker-1';
    const before = await nodeReady(node);
    expect(before.status).toBe('True');
    const podsBefore = (await core.listPodNamespacedPod_compat(node)).filter((p) => p.status?.phase === 'Running');
    const debug = await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { generateName: `${node}-debug-`, annotations: { 'debug.openshift.io/source-container': 'container-00', 'debug.openshift.io/source-resource': `/v1, Resource=nodes/${node}` } },
        spec: {
          nodeName: node,
          hostNetwork: true,
          hostPID: true,
          hostIPC: true,
          restartPolicy: 'Never',
          volumes: [{ name: 'host', hostPath: { path: '/', type: 'Directory' } }],
          containers: [{ name: 'container-00', image: 'registry.redhat.io/rhel9/support-tools', command: ['chroot', '/host', 'shutdown', '-r', '+1'], securityContext: { privileged: true, runAsUser: 0 }, volumeMounts: [{ name: 'host', mountPath: '/host' }], stdin: true, tty: true }],
          tolerations: [{ operator: 'Exists' }],
        },
      },
    });
    expect(debug.metadata!.name).toMatch(/^worker-1-debug-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    await until('the debug pod Succeeded', async () => (await core.readNamespacedPod({ name: debug.metadata!.name!, namespace: 'default' })).status?.phase === 'Succeeded');
    const down = await until('the node Unknown', async () => {
      const r = await nodeReady(node);
      return r.status === 'Unknown' ? r : undefined;
    });
    expect(down.reason).toBe('NodeStatusUnknown');
    expect(down.taints).toEqual(expect.arrayContaining(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']));
    // Read from the same object as the status: at speed 600 the kubelet may be back a moment later.
    expect(down.message).toBe('Kubelet stopped posting node status.');
    const up = await until('the node Ready again', async () => {
      const r = await nodeReady(node);
      return r.status === 'True' ? r : undefined;
    });
    expect(up.bootID).not.toBe(before.bootID);
    expect(up.taints.filter((t) => t.startsWith('node.kubernetes.io/'))).toEqual([]);
    // Its pods restarted in place (restartCount + 1), as after a real reboot.
    const after = await until('the pods restarted', async () => {
      const ps = (await core.listPodNamespacedPod_compat(node)).filter((p) => podsBefore.some((b) => b.metadata?.uid === p.metadata?.uid));
      return ps.length === podsBefore.length && ps.every((p) => ready(p) && p.status!.containerStatuses!.every((cs) => cs.restartCount >= 1)) ? ps : undefined;
    });
    expect(after[0]!.status!.containerStatuses![0]!.lastState?.terminated?.reason).toBe('Unknown');
    // The kubelet and the node controller recorded what happened.
    const evs = (await core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${node}` })).items;
    const msgs = evs.map((e) => `${e.type}/${e.reason}: ${e.message}`);
    expect(msgs).toContain(`Normal/NodeNotReady: Node ${node} status is now: NodeNotReady`);
    expect(msgs).toContain(`Warning/Rebooted: Node ${node} has been rebooted, boot id: ${up.bootID}`);
    expect(msgs).toContain(`Normal/NodeReady: Node ${node} status is now: NodeReady`);
  }, 30_000);

  it('keepNodeDown keeps a rebooted node NotReady; its pods are evicted after 300 s and recreated elsewhere', async () => {
    const node = 'worker-2';
    w.keepNodeDown(node, true);
    const appPods = (await core.listPodNamespacedPod_compat(node)).filter((p) => p.metadata?.ownerReferences?.[0]?.kind === 'ReplicaSet');
    w.reboot(node, 0);
    await until('the node Unknown', async () => (await nodeReady(node)).status === 'Unknown');
    // tolerationSeconds 300 of the default unreachable toleration, then the Deployment replaces the pods.
    await until('the pods evicted and replaced on other nodes', async () => {
      const frontend = (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=frontend' })).items;
      const live = frontend.filter((p) => !p.metadata?.deletionTimestamp);
      return appPods.every((a) => frontend.some((p) => p.metadata?.uid === a.metadata?.uid && p.metadata?.deletionTimestamp) || !frontend.some((p) => p.metadata?.uid === a.metadata?.uid)) && live.filter(ready).length === 3 && live.every((p) => p.spec?.nodeName !== node);
    }, 20_000);
    // Still down long after a normal reboot would have ended (≈2 min simulated = 0.2 s here).
    await new Promise((r) => setTimeout(r, 500));
    expect((await nodeReady(node)).status).toBe('Unknown');
    w.keepNodeDown(node, false);
    await until('the node Ready after the fault is lifted', async () => (await nodeReady(node)).status === 'True');
    // The Terminating pods are confirmed gone once the kubelet is back.
    await until('no pods left Terminating on the node', async () => !(await core.listPodNamespacedPod_compat(node)).some((p) => p.metadata?.deletionTimestamp));
  }, 40_000);
});

declare module '@kubernetes/client-node' {
  interface CoreV1Api {
    listPodNamespacedPod_compat(node: string): Promise<V1Pod[]>;
  }
}
CoreV1Api.prototype.listPodNamespacedPod_compat = async function (this: CoreV1Api, node: string) {
  return (await this.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
};
