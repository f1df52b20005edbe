// Just enough DER (ASN.1) to turn the key formats people paste — SPKI public keys, X.509 certificates,
// PKCS#1/SEC1/PKCS#8 private keys — into the DER SubjectPublicKeyInfo that kube-apiserver hashes for
// its `kid`, and to build SPKI from JWK members. Only public material is ever extracted.

export interface Tlv {
  tag: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset after the last content byte. */
  end: number;
  /** Offset of the tag byte (the whole element is bytes[offset, end)). */
  offset: number;
}

export class DerError extends Error {}

export function readTlv(bytes: Uint8Array, offset: number, limit = bytes.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated DER');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let len = bytes[offset + 1]!;
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new DerError('unsupported DER length');
    if (start + n > limit) throw new DerError('truncated DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + bytes[start + i]!;
    start += n;
  }
  const end = start + len;
  if (end > limit) throw new DerError('DER element runs past its container');
  return { tag, start, end, offset };
}

export function children(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let o = parent.start;
  while (o < parent.end) {
    const t = readTlv(bytes, o, parent.end);
    out.push(t);
    o = t.end;
  }
  return out;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new DerError(`expected ${what}`);
  return t;
}

export function decodeOid(bytes: Uint8Array, t: Tlv): string {
  const b = bytes.subarray(t.start, t.end);
  if (b.length === 0) throw new DerError('empty OID');
  const first = b[0]!;
  const parts: number[] = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const len = content.reduce((a, c) => a + c.length, 0);
  const head = [tag, ...encodeLength(len)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let o = head.length;
  for (const c of content) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export function encodeOid(oid: string): Uint8Array {
  const nums = oid.split('.').map(Number);
  const out: number[] = [nums[0]! * 40 + nums[1]!];
  for (const n of nums.slice(2)) {
    const b: number[] = [n & 0x7f];
    let v = Math.floor(n / 128);
    while (v > 0) {
      b.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...b);
  }
  return tlv(0x06, new Uint8Array(out));
}

/** A positive INTEGER from big-endian unsigned bytes, minimal as Go's encoding/asn1 writes it. */
export function encodeUnsignedInt(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const b = bytes.subarray(i);
  const body = b.length > 0 && b[0]! & 0x80 ? new Uint8Array([0, ...b]) : b.length === 0 ? new Uint8Array([0]) : b;
  return tlv(0x02, body);
}

/** Unsigned big-endian bytes of an INTEGER (leading zero removed). */
export function intBytes(bytes: Uint8Array, t: Tlv): Uint8Array {
  let b = bytes.subarray(t.start, t.end);
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return b;
}

export interface PemBlock {
  label: string;
  der: Uint8Array;
}
