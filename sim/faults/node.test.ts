// The node fault end to end, with the real kubelet simulation at a high DEMO_SPEED: a node rebooted
// under `node-down --reboot` stays NotReady long past its boot time, and `node-up` brings it back
// Ready with a new bootID — observed with client-node through HTTPS.
import { request as req } from 'node:https';
import { CoreV1Api, type V1Node } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../testing';
import { installWorkloads } from '../workloads/install';

let c: TestCluster;
let core: CoreV1Api;

beforeAll(async () => {
  // 600×: a simulated boot (70-100 s) takes well under a real second.
  c = await startTestCluster({ speed: 600 });
  await installWorkloads(c); // a no-op once sim/index.ts installs it
  core = c.kc.makeApiClient(CoreV1Api);
});
afterAll(async () => {
  await c?.dispose();
});

const ready = (n: V1Node) => n.status?.conditions?.find((x) => x.type === 'Ready')?.status;
const bootID = (n: V1Node) => n.status?.nodeInfo?.bootID;

async function until(what: string, fn: () => Promise<boolean>, ms = 10_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function request(method: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const r = req(`${c.url}/demo/v1/faults`, { method, ca: c.caPem, headers: { Authorization: `Bearer ${c.adminToken}`, 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    r.on('error', reject);
    r.end(payload);
  });
}

it('node-down --reboot keeps the node NotReady past its boot time; node-up brings it back with a new bootID', async () => {
  const before = await core.readNode({ name: 'worker-1' });
  expect(ready(before)).toBe('True');
  const down = await request('POST', { type: 'node-down', node: 'worker-1', reboot: true });
  expect(down.status).toBe(201);
  expect(down.body).toMatchObject({ type: 'node-down', node: 'worker-1', rebooting: true });
  // The node lifecycle controller marks it Unknown after the grace period (40 s simulated).
  await until('worker-1 NotReady', async () => ready(await core.readNode({ name: 'worker-1' })) !== 'True');
  // 1.5 real s = 15 simulated minutes: far past the 70-100 s boot, and it is still down.
  await new Promise((r) => setTimeout(r, 1500));
  const still = await core.readNode({ name: 'worker-1' });
  expect(ready(still)).not.toBe('True');
  expect(bootID(still)).toBe(bootID(before));
  expect((await request('GET')).body.items).toContainEqual(expect.objectContaining({ id: 'node-down/worker-1' }));

  const up = await request('POST', { type: 'node-up', node: 'worker-1' });
  expect(up.status).toBe(200);
  await until('worker-1 Ready again', async () => ready(await core.readNode({ name: 'worker-1' })) === 'True');
  const after = await core.readNode({ name: 'worker-1' });
  expect(bootID(after)).toBeTruthy();
  expect(bootID(after)).not.toBe(bootID(before));
  expect((await request('GET')).body.items).toEqual([]);
});
