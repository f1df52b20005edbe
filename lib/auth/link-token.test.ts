import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deriveKey, loadOrCreateKeyFile } from './key';
import { LINK_TTL_MS, UsedNonces, USED_FILE, mintLinkToken, mintSignInLinkWith, redeemLinkToken, unwrapLinkToken, verifyLinkToken, wrapLinkToken } from './link-token';
import { decodeSession } from './session-crypto';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btd-link-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const master = loadOrCreateKeyFile(dir);
const key = deriveKey(master, 'signin-link');

describe('one-time sign-in links', () => {
  it('a link works once', async () => {
    const store = new UsedNonces(path.join(dir, 'a.json'));
    const t = await mintLinkToken(key);
    expect((await redeemLinkToken(t, key, store)).ok).toBe(true);
    expect(await redeemLinkToken(t, key, store)).toEqual({ ok: false, reason: 'used' });
  });

  it('stays spent across a restart (a new store reading the same file)', async () => {
    const file = path.join(dir, 'b.json');
    const t = await mintLinkToken(key);
    expect((await redeemLinkToken(t, key, new UsedNonces(file))).ok).toBe(true);
    expect(await redeemLinkToken(t, key, new UsedNonces(file))).toEqual({ ok: false, reason: 'used' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('expires after 10 minutes', async () => {
    const now = Date.now();
    const t = await mintLinkToken(key, now);
    expect((await verifyLinkToken(t, key, now + LINK_TTL_MS - 2000)).ok).toBe(true);
    expect(await verifyLinkToken(t, key, now + LINK_TTL_MS + 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a link minted with a longer lifetime than allowed', async () => {
    const t = await mintLinkToken(key, Date.now(), 24 * 3600_000);
    expect(await verifyLinkToken(t, key)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a tampered link and one from another key', async () => {
    const t = await mintLinkToken(key);
    const parts = unwrapLinkToken(t)!.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 0x01;
    parts[3] = ct.toString('base64url');
    expect(await verifyLinkToken(wrapLinkToken(parts.join('.')), key)).toEqual({ ok: false, reason: 'invalid' });
    expect(await verifyLinkToken(unwrapLinkToken(t)!, key)).toEqual({ ok: false, reason: 'invalid' }); // unwrapped form is not accepted
    const other = deriveKey(new Uint8Array(32).fill(7), 'signin-link');
    expect(await verifyLinkToken(await mintLinkToken(other), key)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('the printed link does not look like a JWT (no "eyJ" for log greps to trip on)', async () => {
    const link = await mintSignInLinkWith('http://127.0.0.1:3000', dir, {});
    expect(link).not.toContain('eyJ');
  });

  it('a link token is not a session cookie (separate derived keys)', async () => {
    const t = unwrapLinkToken(await mintLinkToken(key))!;
    expect((await decodeSession(t, Date.now(), deriveKey(master, 'session'))).ok).toBe(false);
    expect((await decodeSession(t, Date.now(), key)).ok).toBe(false); // wrong typ even under the same key
  });

  it('mintSignInLinkWith uses the key file in the data dir and points at /api/auth/link', async () => {
    const link = await mintSignInLinkWith('http://127.0.0.1:3000', dir, {});
    const u = new URL(link);
    expect(u.origin + u.pathname).toBe('http://127.0.0.1:3000/api/auth/link');
    const t = u.searchParams.get('t')!;
    expect((await verifyLinkToken(t, key)).ok).toBe(true);
    const store = new UsedNonces(path.join(dir, USED_FILE));
    expect((await redeemLinkToken(t, key, store)).ok).toBe(true);
    expect((await redeemLinkToken(t, key, store)).ok).toBe(false);
  });

  it('prunes expired nonces from the file', async () => {
    const file = path.join(dir, 'c.json');
    const store = new UsedNonces(file);
    const now = Date.now();
    expect(store.consume('old-nonce-0123456789', now + 1000, now)).toBe(true);
    expect(store.consume('new-nonce-0123456789', now + LINK_TTL_MS, now + 2000)).toBe(true);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(saved)).toEqual(['new-nonce-0123456789']);
  });
});
