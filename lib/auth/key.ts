// The one secret behind sessions and sign-in links. It comes from SESSION_SECRET (32 bytes, base64,
// base64url or hex) or from <data dir>/session.key, created 0600 at first start. The launcher (which
// mints sign-in links) and the Next server (which checks them) are different processes, so both
// read the same file; creation uses O_EXCL so two processes starting together agree on one key.
// Deliberately free of `server-only`: the launcher imports it under plain tsx.
import { hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const KEY_BYTES = 32;
export const KEY_FILE = 'session.key';

export class SessionKeyError extends Error {}

/** The data directory for local state: BTD_DATA_DIR, else ./.data (same rule as the launcher). */
export function dataDir(env: Record<string, string | undefined> = process.env): string {
  // A runtime path, not a build input: keep Turbopack from tracing the whole project.
  return path.resolve(/*turbopackIgnore: true*/ env.BTD_DATA_DIR?.trim() || '.data');
}

/** Parses SESSION_SECRET: exactly 32 bytes written as 64 hex digits or as base64/base64url. */
export function parseSecret(text: string): Uint8Array {
  const s = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return new Uint8Array(Buffer.from(s, 'hex'));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) {
    const buf = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (buf.length === KEY_BYTES) return new Uint8Array(buf);
    throw new SessionKeyError(`SESSION_SECRET must decode to ${KEY_BYTES} bytes, it decodes to ${buf.length}. Generate one with \`openssl rand -base64 32\`.`);
  }
  throw new SessionKeyError('SESSION_SECRET must be 32 bytes written as 64 hex digits or base64. Generate one with `openssl rand -base64 32`.');
}

function readKeyFile(file: string): Uint8Array {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return parseSecret(text);
  } catch {
    throw new SessionKeyError(`${file} does not hold a ${KEY_BYTES}-byte key. Delete it to generate a new one (this signs everyone out).`);
  }
}

/** Reads or creates <dir>/session.key. Safe when several processes race to create it. */
export function loadOrCreateKeyFile(dir: string): Uint8Array {
  const file = path.join(dir, KEY_FILE);
  if (fs.existsSync(file)) return readKeyFile(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  try {
    // Write to a temp file first, then link it into place exclusively: a reader never sees a
    // half-written key, and the loser of a race reads the winner's key.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readKeyFile(file);
}

/** The master key, from the environment or the data dir. Not cached here (see session-crypto). */
export function resolveMasterKey(env: Record<string, string | undefined> = process.env, dir?: string): Uint8Array {
  const secret = env.SESSION_SECRET;
  if (secret && secret.trim()) return parseSecret(secret);
  return loadOrCreateKeyFile(dir ?? dataDir(env));
}

/** Separate keys per purpose, so a sign-in link can never be replayed as a session cookie. */
export function deriveKey(master: Uint8Array, purpose: 'session' | 'signin-link'): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', master, new Uint8Array(0), `bound-token-dashboard ${purpose} v1`, KEY_BYTES));
}
