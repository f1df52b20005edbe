// base64url (RFC 4648 §5, unpadded as JWS requires) with precise diagnostics, built on
// TextEncoder/TextDecoder only so it runs unchanged in the browser and on the server.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP: Record<string, number> = Object.fromEntries([...ALPHABET].map((c, i) => [c, i]));

export type Base64UrlProblem =
  | { code: 'bad-char'; char: string; position: number; message: string }
  | { code: 'padding'; position: number; message: string }
  | { code: 'bad-length'; length: number; message: string };

/** Describes a character for a message: printable as-is, others by code point. */
export function describeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0xa0) || /\s/.test(c)) return hex;
  return `'${c}' (${hex})`;
}

/** Why `s` is not unpadded base64url, or null when it is. Positions are 0-based within `s`. */
export function base64UrlProblem(s: string): Base64UrlProblem | null {
  let i = 0;
  for (const c of s) {
    if (LOOKUP[c] === undefined) {
      if (c === '=') {
        return { code: 'padding', position: i, message: `padding '=' at position ${i}: JWS segments are base64url without padding (RFC 7515 §2)` };
      }
      let hint = '';
      if (c === '+') hint = " — standard base64, base64url uses '-' instead";
      else if (c === '/') hint = " — standard base64, base64url uses '_' instead";
      return { code: 'bad-char', char: c, position: i, message: `character ${describeChar(c)} at position ${i} is not base64url${hint}` };
    }
    i += c.length;
  }
  if (s.length % 4 === 1) {
    return { code: 'bad-length', length: s.length, message: `length ${s.length} is 1 more than a multiple of 4, which no base64url encoding produces (a truncated or cut segment)` };
  }
  return null;
}

/** Decodes unpadded base64url; throws on invalid input (callers check base64UrlProblem first). */
export function base64UrlToBytes(s: string): Uint8Array {
  if (base64UrlProblem(s)) throw new Error('invalid base64url');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let buf = 0;
  let bits = 0;
  let o = 0;
  for (const c of s) {
    buf = (buf << 6) | (LOOKUP[c] as number);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buf >> bits) & 0xff;
    }
    buf &= (1 << bits) - 1;
  }
  return out.subarray(0, o);
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

export function utf8ToBase64Url(s: string): string {
  return bytesToBase64Url(new TextEncoder().encode(s));
}

/** Standard base64 (with padding) to bytes, or null; used for DER inside PEM. */
export function base64ToBytes(s: string): Uint8Array | null {
  const clean = s.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  const url = clean.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  if (base64UrlProblem(url)) return null;
  return base64UrlToBytes(url);
}

export function bytesToBase64(bytes: Uint8Array): string {
  const url = bytesToBase64Url(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}
