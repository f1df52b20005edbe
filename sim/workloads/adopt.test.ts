// Pods already running when the workload simulation starts (seeded with a kube-api-access volume)
// get their tokens described without signing, and a real renewal later; read back over HTTPS.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { K8sObject } from '../store';
import { startTestCluster, type TestCluster } from '../testing';
import { apiAccessVolume } from './admission';
import { installRbac } from '../rbac/install';
import { installTokens } from '../tokens/install';
import { installWorkloads } from './install';
import { PROJECTED_TOKENS_ANNOTATION, type ProjectedTokenRecord } from './projected-tokens';

let c: TestCluster;

beforeAll(async () => {
  // Bare, so the pod below exists before the workloads module starts, as seeded pods do.
  c = await startTestCluster({ speed: 600, bare: true });
  installRbac(c);
  await installTokens(c);
  // As a seed would build it: Running, bound, with the injected volume.
  const now = c.clock.nowIso();
  c.store.create('pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'seeded', namespace: 'default' },
    spec: { nodeName: 'worker-0', serviceAccountName: 'default', containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }], volumes: [apiAccessVolume('kube-api-access-abcde')] },
    status: { phase: 'Running', startTime: now, conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: now }] },
  } as unknown as K8sObject);
  await installWorkloads(c);
});
afterAll(async () => {
  await c?.dispose();
});

it('describes the tokens of pods running before the simulation started, then renews them for real', async () => {
  const core = c.kc.makeApiClient(CoreV1Api);
  let first: ProjectedTokenRecord | undefined;
  for (let i = 0; i < 200 && !first; i++) {
    const p = await core.readNamespacedPod({ name: 'seeded', namespace: 'default' });
    const a = p.metadata?.annotations?.[PROJECTED_TOKENS_ANNOTATION];
    if (a) first = (JSON.parse(a) as ProjectedTokenRecord[])[0];
    else await new Promise((r) => setTimeout(r, 20));
  }
  expect(first).toMatchObject({ volume: 'kube-api-access-abcde', path: 'token', expirationSeconds: 3607, issuer: 'https://kubernetes.default.svc', audiences: ['https://kubernetes.default.svc'] });
  const age = c.clock.nowMs() - Date.parse(first!.issuedAt);
  expect(age).toBeGreaterThanOrEqual(0);
  expect(age).toBeLessThanOrEqual(0.8 * 3607_000 + 60_000);
  // At the refresh time (≤ 48 simulated minutes = ≤ 4.8 s here) the kubelet requests a real token.
  let renewed: ProjectedTokenRecord | undefined;
  const end = Date.now() + 15_000;
  while (!renewed && Date.now() < end) {
    const p = await core.readNamespacedPod({ name: 'seeded', namespace: 'default' });
    const r = (JSON.parse(p.metadata!.annotations![PROJECTED_TOKENS_ANNOTATION]!) as ProjectedTokenRecord[])[0]!;
    if (r.jti !== first!.jti) renewed = r;
    else await new Promise((res) => setTimeout(res, 50));
  }
  expect(renewed).toBeDefined();
  expect(Date.parse(renewed!.issuedAt)).toBeGreaterThanOrEqual(Date.parse(first!.refreshAt) - 1000);
  expect(Date.parse(renewed!.jwtExpiresAt) - Date.parse(renewed!.issuedAt)).toBe(31_536_000_000);
}, 30_000);
