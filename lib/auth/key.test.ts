import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KEY_FILE, SessionKeyError, deriveKey, loadOrCreateKeyFile, parseSecret, resolveMasterKey } from './key';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'btd-key-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('session key', () => {
  it('accepts 32 bytes as hex, base64 and base64url; refuses other sizes and junk', () => {
    const raw = Buffer.alloc(32, 0xfb);
    expect(Buffer.from(parseSecret(raw.toString('hex')))).toEqual(raw);
    expect(Buffer.from(parseSecret(raw.toString('base64')))).toEqual(raw);
    expect(Buffer.from(parseSecret(raw.toString('base64url')))).toEqual(raw);
    expect(() => parseSecret(Buffer.alloc(16).toString('base64'))).toThrow(SessionKeyError);
    expect(() => parseSecret('correct horse battery staple')).toThrow(SessionKeyError);
  });

  it('creates the key file once, 0600, and reads the same key afterwards', () => {
    const a = loadOrCreateKeyFile(dir);
    const b = loadOrCreateKeyFile(dir);
    expect(a).toHaveLength(32);
    expect(Buffer.from(a)).toEqual(Buffer.from(b));
    expect(fs.statSync(path.join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('SESSION_SECRET wins over the file', () => {
    const secret = Buffer.alloc(32, 1).toString('base64');
    expect(Buffer.from(resolveMasterKey({ SESSION_SECRET: secret }, dir))).toEqual(Buffer.alloc(32, 1));
    expect(() => resolveMasterKey({ SESSION_SECRET: 'short' }, dir)).toThrow(SessionKeyError);
  });

  it('derives distinct keys per purpose', () => {
    const m = loadOrCreateKeyFile(dir);
    expect(Buffer.from(deriveKey(m, 'session'))).not.toEqual(Buffer.from(deriveKey(m, 'signin-link')));
  });

  it('refuses a corrupted key file rather than silently replacing it', () => {
    const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'btd-key2-'));
    try {
      fs.writeFileSync(path.join(d2, KEY_FILE), 'garbage\n');
      expect(() => loadOrCreateKeyFile(d2)).toThrow(SessionKeyError);
    } finally {
      fs.rmSync(d2, { recursive: true, force: true });
    }
  });
});
