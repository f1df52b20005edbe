// One-time sign-in links: the launcher mints an encrypted token (random nonce + 10-minute expiry,
// JWE `dir`/A256GCM under a key derived from the shared session key) and the Next server redeems
// it once. Used nonces are kept in memory and in <data dir>/signin-links-used.json, so a link
// stays spent across a server restart. No Next.js APIs and no `server-only`: the launcher imports it.
import fs from 'node:fs';
import path from 'node:path';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { dataDir as defaultDataDir, deriveKey, resolveMasterKey } from './key';
import { randomToken } from './session-crypto';

export const LINK_TTL_MS = 10 * 60_000;
export const LINK_PATH = '/api/auth/link';
export const USED_FILE = 'signin-links-used.json';
const TYP = 'btd-signin-link';
// The printed link wraps the JWE once more in base64url, so it never contains "eyJ": logs and
// terminals are grepped for JWTs, and a sign-in link should not look like a leaked token.
const PREFIX = 'l1_';

export function wrapLinkToken(jwe: string): string {
  return PREFIX + Buffer.from(jwe, 'utf8').toString('base64url');
}

export function unwrapLinkToken(t: string): string | null {
  if (!t.startsWith(PREFIX)) return null;
  const body = t.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  return Buffer.from(body, 'base64url').toString('utf8');
}

/** Mints the `t` parameter of a sign-in link. */
export async function mintLinkToken(key: Uint8Array, now = Date.now(), ttlMs = LINK_TTL_MS): Promise<string> {
  const jwe = await new EncryptJWT({ n: randomToken(24) })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', typ: TYP })
    .setIssuedAt(Math.floor(now / 1000))
    .setExpirationTime(Math.floor((now + ttlMs) / 1000))
    .encrypt(key);
  return wrapLinkToken(jwe);
}

/** Mints a full link for the launcher to print: <baseUrl>/api/auth/link?t=... */
export async function mintSignInLinkWith(baseUrl: string, dir: string, env: Record<string, string | undefined> = process.env): Promise<string> {
  const key = deriveKey(resolveMasterKey(env, dir), 'signin-link');
  const t = await mintLinkToken(key);
  const url = new URL(LINK_PATH, baseUrl);
  url.searchParams.set('t', t);
  return url.toString();
}

export type LinkCheck = { ok: true; nonce: string; expiresAt: number } | { ok: false; reason: 'invalid' | 'expired' | 'used' };

/** Decrypts and checks a link token (signature/integrity and expiry); does not consume it. */
export async function verifyLinkToken(token: string, key: Uint8Array, now = Date.now()): Promise<LinkCheck> {
  const jwe = unwrapLinkToken(token);
  if (!jwe) return { ok: false, reason: 'invalid' };
  try {
    const { payload } = await jwtDecrypt(jwe, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      typ: TYP,
      currentDate: new Date(now),
      requiredClaims: ['exp', 'iat'],
    });
    const n = payload.n;
    if (typeof n !== 'string' || n.length < 16 || typeof payload.exp !== 'number') return { ok: false, reason: 'invalid' };
    // A link can never live longer than the TTL, whatever a forged-but-valid token claimed.
    if (typeof payload.iat === 'number' && payload.exp - payload.iat > LINK_TTL_MS / 1000 + 1) return { ok: false, reason: 'invalid' };
    return { ok: true, nonce: n, expiresAt: payload.exp * 1000 };
  } catch (err) {
    return { ok: false, reason: (err as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid' };
  }
}

/** Remembers spent nonces until their links would have expired anyway. */
export class UsedNonces {
  private readonly mem = new Map<string, number>();
  constructor(private readonly file: string) {}

  private load(now: number): Map<string, number> {
    const all = new Map(this.mem);
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, unknown>;
      for (const [n, exp] of Object.entries(data)) if (typeof exp === 'number') all.set(n, Math.max(exp, all.get(n) ?? 0));
    } catch {
      // no file yet, or unreadable: memory still holds what this process spent
    }
    for (const [n, exp] of all) if (exp <= now) all.delete(n);
    return all;
  }

  /** Marks the nonce spent. Returns false when it already was. */
  consume(nonce: string, expiresAt: number, now = Date.now()): boolean {
    const all = this.load(now);
    if (all.has(nonce)) {
      this.mem.set(nonce, all.get(nonce)!);
      return false;
    }
    all.set(nonce, expiresAt);
    this.mem.clear();
    for (const [n, exp] of all) this.mem.set(n, exp);
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(Object.fromEntries(all)), { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    } catch {
      // Cannot persist (read-only disk): single use still holds within this process.
    }
    return true;
  }
}

const g = globalThis as unknown as { __btdUsedNonces?: UsedNonces };

/** The process-wide nonce store under the data dir. */
export function usedNonces(dir: string = defaultDataDir()): UsedNonces {
  return (g.__btdUsedNonces ??= new UsedNonces(path.join(dir, USED_FILE)));
}

/** Verifies and consumes a link token in one go. */
export async function redeemLinkToken(token: string, key: Uint8Array, store: UsedNonces, now = Date.now()): Promise<LinkCheck> {
  const check = await verifyLinkToken(token, key, now);
  if (!check.ok) return check;
  if (!store.consume(check.nonce, check.expiresAt, now)) return { ok: false, reason: 'used' };
  return check;
}
