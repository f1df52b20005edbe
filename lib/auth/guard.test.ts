// The route-handler wrappers end to end against a real demo cluster: the checks run in the right
// order with the right statuses, and a cluster 403 reaches the user in plain words.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { NextRequest, NextResponse } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestCluster, type TestCluster } from '../../sim/testing';
import { resetConnection } from '../k8s/connection';
import { toClusterError } from '../k8s/errors';
import { safeNext, withMutation, withSession } from './guard';
import { CSRF_COOKIE, SESSION_COOKIE, encodeSession, newSession, resetAuthKeys, type SessionData } from './session-crypto';

const ORIGIN = 'http://127.0.0.1:3000';
let c: TestCluster;
let dir: string;
const saved = { KUBECONFIG: process.env.KUBECONFIG, BTD_DATA_DIR: process.env.BTD_DATA_DIR, SESSION_SECRET: process.env.SESSION_SECRET };

beforeAll(async () => {
  c = await startTestCluster({ nodes: 2, namespaces: 1, podsPerNamespace: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btd-guard-'));
  process.env.KUBECONFIG = c.kubeconfigPath;
  process.env.BTD_DATA_DIR = dir;
  delete process.env.SESSION_SECRET;
  resetConnection();
  resetAuthKeys();
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  resetConnection();
  resetAuthKeys();
  await c?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function request(method: string, s: SessionData | null, opts: { origin?: string | null; csrf?: string | null; body?: string } = {}) {
  const headers: Record<string, string> = { host: '127.0.0.1:3000', 'content-type': 'application/json' };
  const cookies: string[] = [];
  if (s) cookies.push(`${SESSION_COOKIE}=${await encodeSession(s)}`, `${CSRF_COOKIE}=${s.csrf}`);
  if (cookies.length) headers.cookie = cookies.join('; ');
  if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN;
  const csrf = opts.csrf === undefined ? s?.csrf : opts.csrf;
  if (csrf) headers['x-csrf-token'] = csrf;
  return new NextRequest(`${ORIGIN}/api/test`, { method, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) });
}

const viewer = () => newSession({ kind: 'token', token: c.viewerToken, username: 'viewer', groups: ['system:authenticated'] });
const admin = () => newSession({ kind: 'kubeconfig', username: 'system:admin', groups: ['system:masters'] });

// A mutation that cordons a node with the user's own credentials.
const cordon = withMutation(
  async (_req, { kubeConfig, body }) => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.patchNode({ name: body.node, body: { spec: { unschedulable: true } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)).catch((e: unknown) => {
      throw toClusterError(e);
    });
    return NextResponse.json({ ok: true });
  },
  z.object({ node: z.string().min(1) }),
);

describe('withMutation', () => {
  it('refuses GET (405), cross-origin (403), no session (401), no or wrong CSRF (403), a bad body (400)', async () => {
    const s = viewer();
    expect((await cordon(await request('GET', s))).status).toBe(405);
    const cross = await cordon(await request('POST', s, { origin: 'http://evil.example', body: '{"node":"x"}' }));
    expect(cross.status).toBe(403);
    expect(await cross.json()).toMatchObject({ error: 'cross-origin' });
    expect((await cordon(await request('POST', s, { origin: null, body: '{"node":"x"}' }))).status).toBe(403);
    const anon = await cordon(await request('POST', null, { body: '{"node":"x"}' }));
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: 'unauthenticated' });
    const noCsrf = await cordon(await request('POST', s, { csrf: null, body: '{"node":"x"}' }));
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.json()).toMatchObject({ error: 'csrf' });
    expect((await cordon(await request('POST', s, { csrf: 'x'.repeat(43), body: '{"node":"x"}' }))).status).toBe(403);
    const bad = await cordon(await request('POST', s, { body: '{"node":""}' }));
    expect(bad.status).toBe(400);
    const badBody = await bad.json();
    expect(badBody.error).toBe('bad-request');
    expect(badBody.issues[0].path).toBe('node');
    expect((await cordon(await request('POST', s, { body: 'not json' }))).status).toBe(400);
  });

  it('the viewer is refused by the cluster: 403 "You (viewer) cannot patch nodes" with the role', async () => {
    const nodes = await c.kc.makeApiClient(CoreV1Api).listNode();
    const name = nodes.items[0]!.metadata!.name!;
    const res = await cordon(await request('POST', viewer(), { body: JSON.stringify({ node: name }) }));
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body).toMatchObject({ error: 'forbidden', message: 'You (viewer) cannot patch nodes', role: 'cluster-admin' });
    expect(body.clusterMessage).toContain('User "viewer" cannot patch resource "nodes"');
    expect(JSON.stringify(body)).not.toContain(c.viewerToken);
  });

  it('the kubeconfig identity (admin) may: the handler runs with its credentials', async () => {
    const nodes = await c.kc.makeApiClient(CoreV1Api).listNode();
    const name = nodes.items[1]!.metadata!.name!;
    const res = await cordon(await request('POST', admin(), { body: JSON.stringify({ node: name }) }));
    expect(res.status).toBe(200);
    const node = await c.kc.makeApiClient(CoreV1Api).readNode({ name });
    expect(node.spec?.unschedulable).toBe(true);
  });
});

describe('withSession', () => {
  const whoami = withSession(async (_req, { kubeConfig }) => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.listNamespace().catch((e: unknown) => {
      throw toClusterError(e);
    });
    return NextResponse.json({ ok: true });
  });

  it('401 JSON without a session; runs the handler with one', async () => {
    const anon = await whoami(await request('GET', null));
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: 'unauthenticated' });
    expect((await whoami(await request('GET', viewer()))).status).toBe(200);
  });

  it('when the cluster stops accepting the token: 401 "session expired" and the cookie is cleared', async () => {
    const s = newSession({ kind: 'token', token: 'sha256~revoked-token-0123456789abcdef', username: 'gone', groups: [] });
    const res = await whoami(await request('GET', s));
    expect(res.status).toBe(401);
    expect((await res.json()).message).toMatch(/expired/);
    expect(res.headers.get('set-cookie') ?? '').toMatch(new RegExp(`${SESSION_COOKIE}=;.*Max-Age=0`, 'i'));
  });
});

describe('safeNext', () => {
  it('only allows local paths', () => {
    expect(safeNext('/rollout?x=1')).toBe('/rollout?x=1');
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)', '/login?next=/x', '/api/auth/logout', undefined, null, '']) {
      expect(safeNext(bad as string)).toBe('/');
    }
  });
});
