// Parses verification keys in the forms people have at hand — a JWKS from /openid/v1/jwks, one JWK,
// PEM public keys, X.509 certificates, or the key file given to kube-apiserver (private keys are reduced
// to their public part, as kube does) — into entries carrying the DER SPKI and kube's key id
// (base64url(SHA-256(SPKI DER)), pkg/serviceaccount/jwt.go keyIDFromPublicKey). Never throws.

import { base64ToBytes, base64UrlProblem, base64UrlToBytes, bytesToBase64, bytesToBase64Url } from './base64url';
import { children, decodeOid, DerError, encodeOid, encodeUnsignedInt, expectTag, intBytes, readTlv, tlv, type PemBlock } from './der';

export type KeySource = 'jwks' | 'jwk' | 'spki' | 'x509' | 'pkcs1-public' | 'private-key';

export interface KeyEntry {
  /** Position in the input (0-based). */
  index: number;
  source: KeySource;
  /** The kid written in the JWK, if any. */
  kid?: string;
  /** The kid kube-apiserver derives from the public key. */
  kubeKid: string;
  kty: 'RSA' | 'EC';
  crv?: 'P-256' | 'P-384' | 'P-521';
  /** RSA modulus size. */
  bits?: number;
  /** The algorithm this key can verify (RS256 for RSA; ES256/384/512 by curve). */
  alg: 'RS256' | 'ES256' | 'ES384' | 'ES512';
  /** alg member of a JWK, if given. */
  jwkAlg?: string;
  spki: Uint8Array;
  spkiPem: string;
}

export interface SkippedKey {
  index: number;
  reason: string;
}

export type KeyParseResult =
  | { ok: true; format: 'jwks' | 'jwk' | 'pem'; keys: KeyEntry[]; skipped: SkippedKey[]; notes: string[] }
  | { ok: false; error: { code: 'empty' | 'not-a-key' | 'bad-json' | 'bad-pem' | 'no-usable-key'; message: string } };

const OID_RSA = '1.2.840.113549.1.1.1';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';
const OID_EC = '1.2.840.10045.2.1';
const CURVES: Record<string, { crv: 'P-256' | 'P-384' | 'P-521'; alg: 'ES256' | 'ES384' | 'ES512'; size: number }> = {
  '1.2.840.10045.3.1.7': { crv: 'P-256', alg: 'ES256', size: 32 },
  '1.3.132.0.34': { crv: 'P-384', alg: 'ES384', size: 48 },
  '1.3.132.0.35': { crv: 'P-521', alg: 'ES512', size: 66 },
};
const CURVE_OIDS: Record<string, string> = { 'P-256': '1.2.840.10045.3.1.7', 'P-384': '1.3.132.0.34', 'P-521': '1.3.132.0.35' };

type PublicInfo = Omit<KeyEntry, 'index' | 'source' | 'kid' | 'kubeKid' | 'jwkAlg' | 'spkiPem'>;

class KeyError extends Error {}

function rsaSpki(n: Uint8Array, e: Uint8Array): Uint8Array {
  const algId = tlv(0x30, encodeOid(OID_RSA), new Uint8Array([0x05, 0x00]));
  const pub = tlv(0x30, encodeUnsignedInt(n), encodeUnsignedInt(e));
  return tlv(0x30, algId, tlv(0x03, new Uint8Array([0]), pub));
}

function ecSpki(curveOid: string, point: Uint8Array): Uint8Array {
  const algId = tlv(0x30, encodeOid(OID_EC), encodeOid(curveOid));
  return tlv(0x30, algId, tlv(0x03, new Uint8Array([0]), point));
}

function bitLength(b: Uint8Array): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return 0;
  return (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]!));
}

/** Reads a DER SPKI: key type, curve/size. */
export function inspectSpki(spki: Uint8Array): PublicInfo {
  const top = readTlv(spki, 0);
  if (top.tag !== 0x30 || top.end !== spki.length) throw new KeyError('not a DER SubjectPublicKeyInfo');
  const [algId, bits] = children(spki, top);
  const alg = children(spki, expectTag(algId, 0x30, 'AlgorithmIdentifier'));
  const oid = decodeOid(spki, expectTag(alg[0], 0x06, 'algorithm OID'));
  const bs = expectTag(bits, 0x03, 'BIT STRING');
  if (oid === OID_RSA) {
    const inner = readTlv(spki, bs.start + 1, bs.end);
    const [n, e] = children(spki, expectTag(inner, 0x30, 'RSAPublicKey'));
    const nb = intBytes(spki, expectTag(n, 0x02, 'modulus'));
    expectTag(e, 0x02, 'exponent');
    return { kty: 'RSA', alg: 'RS256', bits: bitLength(nb), spki };
  }
  if (oid === OID_EC) {
    const curveOid = decodeOid(spki, expectTag(alg[1], 0x06, 'named curve'));
    const curve = CURVES[curveOid];
    if (!curve) throw new KeyError(`EC curve ${curveOid} is not P-256, P-384 or P-521 (kube-apiserver: "unknown private key curve, must be 256, 384, or 521")`);
    return { kty: 'EC', crv: curve.crv, alg: curve.alg, spki };
  }
  if (oid === OID_RSA_PSS) throw new KeyError('RSASSA-PSS key (OID 1.2.840.113549.1.1.10): Kubernetes uses rsaEncryption keys with RS256');
  if (oid === '1.3.101.112') throw new KeyError('Ed25519 key: Kubernetes does not sign service account tokens with EdDSA');
  throw new KeyError(`unsupported public key algorithm OID ${oid}`);
}

function spkiFromCertificate(der: Uint8Array): Uint8Array {
  const cert = readTlv(der, 0);
  const tbs = children(der, expectTag(cert, 0x30, 'Certificate'))[0];
  const f = children(der, expectTag(tbs, 0x30, 'TBSCertificate'));
  const i = f[0]?.tag === 0xa0 ? 1 : 0; // optional [0] version
  const spki = expectTag(f[i + 5], 0x30, 'SubjectPublicKeyInfo');
  return der.slice(spki.offset, spki.end);
}

function spkiFromPkcs1Public(der: Uint8Array): Uint8Array {
  const [n, e] = children(der, expectTag(readTlv(der, 0), 0x30, 'RSAPublicKey'));
  return rsaSpki(intBytes(der, expectTag(n, 0x02, 'modulus')), intBytes(der, expectTag(e, 0x02, 'exponent')));
}

function spkiFromPkcs1Private(der: Uint8Array): Uint8Array {
  const f = children(der, expectTag(readTlv(der, 0), 0x30, 'RSAPrivateKey'));
  return rsaSpki(intBytes(der, expectTag(f[1], 0x02, 'modulus')), intBytes(der, expectTag(f[2], 0x02, 'publicExponent')));
}

function spkiFromSec1(der: Uint8Array, curveHint?: string): Uint8Array {
  const f = children(der, expectTag(readTlv(der, 0), 0x30, 'ECPrivateKey'));
  let curveOid = curveHint;
  let point: Uint8Array | undefined;
  for (const el of f.slice(2)) {
    if (el.tag === 0xa0) curveOid = decodeOid(der, expectTag(readTlv(der, el.start, el.end), 0x06, 'named curve'));
    if (el.tag === 0xa1) {
      const bs = expectTag(readTlv(der, el.start, el.end), 0x03, 'public key BIT STRING');
      point = der.slice(bs.start + 1, bs.end);
    }
  }
  if (!curveOid) throw new KeyError('EC private key without a named curve');
  if (!point) throw new KeyError('EC private key without its public part; paste the public key instead');
  return ecSpki(curveOid, point);
}

function spkiFromPkcs8(der: Uint8Array): Uint8Array {
  const f = children(der, expectTag(readTlv(der, 0), 0x30, 'PrivateKeyInfo'));
  const alg = children(der, expectTag(f[1], 0x30, 'AlgorithmIdentifier'));
  const oid = decodeOid(der, expectTag(alg[0], 0x06, 'algorithm OID'));
  const inner = expectTag(f[2], 0x04, 'privateKey OCTET STRING');
  const innerDer = der.slice(inner.start, inner.end);
  if (oid === OID_RSA) return spkiFromPkcs1Private(innerDer);
  if (oid === OID_EC) return spkiFromSec1(innerDer, alg[1]?.tag === 0x06 ? decodeOid(der, alg[1]) : undefined);
  throw new KeyError(`unsupported private key algorithm OID ${oid}`);
}

export function parsePemBlocks(text: string): PemBlock[] | { error: string } {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  const blocks: PemBlock[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    // Skip RFC 1421 headers (Proc-Type, DEK-Info) of encrypted keys; reported below by label.
    const body = m[2]!.replace(/^[A-Za-z-]+:.*$/gm, '');
    const der = base64ToBytes(body);
    if (!der) return { error: `the PEM block "${m[1]}" is not valid base64` };
    blocks.push({ label: m[1]!, der });
  }
  return blocks;
}

function pemOf(der: Uint8Array): string {
  const b64 = bytesToBase64(der);
  return `-----BEGIN PUBLIC KEY-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END PUBLIC KEY-----\n`;
}

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  if (!globalThis.crypto?.subtle) {
    throw new KeyError('WebCrypto is not available here: browsers offer it only on https pages or localhost (a secure context), so keys cannot be read or signatures checked');
  }
  const copy = new Uint8Array(bytes); // a plain ArrayBuffer-backed copy for WebCrypto
  return new Uint8Array(await crypto.subtle.digest('SHA-256', copy));
}

/** kube-apiserver's kid for a DER SPKI. */
export async function kubeKeyId(spki: Uint8Array): Promise<string> {
  return bytesToBase64Url(await sha256(spki));
}

function b64urlMember(jwk: Record<string, unknown>, name: string): Uint8Array {
  const v = jwk[name];
  if (typeof v !== 'string' || v.length === 0) throw new KeyError(`JWK member "${name}" is missing`);
  const p = base64UrlProblem(v);
  if (p) throw new KeyError(`JWK member "${name}": ${p.message}`);
  return base64UrlToBytes(v);
}

function spkiFromJwk(jwk: Record<string, unknown>): Uint8Array {
  if (jwk.kty === 'RSA') return rsaSpki(b64urlMember(jwk, 'n'), b64urlMember(jwk, 'e'));
  if (jwk.kty === 'EC') {
    const crv = typeof jwk.crv === 'string' ? jwk.crv : '';
    const oid = CURVE_OIDS[crv];
    if (!oid) throw new KeyError(`EC curve "${crv}" is not P-256, P-384 or P-521`);
    const size = CURVES[oid]!.size;
    const x = b64urlMember(jwk, 'x');
    const y = b64urlMember(jwk, 'y');
    if (x.length !== size || y.length !== size) throw new KeyError(`${crv} coordinates must be ${size} bytes each, got x ${x.length}, y ${y.length}`);
    const point = new Uint8Array(1 + 2 * size);
    point[0] = 4;
    point.set(x, 1);
    point.set(y, 1 + size);
    return ecSpki(oid, point);
  }
  if (jwk.kty === 'oct') throw new KeyError('symmetric (oct) key: Kubernetes tokens are verified with public keys');
  if (jwk.kty === 'OKP') throw new KeyError('OKP (EdDSA) key: Kubernetes does not sign service account tokens with EdDSA');
  throw new KeyError(`JWK kty ${JSON.stringify(jwk.kty)} is not RSA or EC`);
}

async function entry(index: number, source: KeySource, spki: Uint8Array, jwk?: Record<string, unknown>): Promise<KeyEntry> {
  const info = inspectSpki(spki);
  const e: KeyEntry = { ...info, index, source, kubeKid: await kubeKeyId(spki), spkiPem: pemOf(spki) };
  if (jwk && typeof jwk.kid === 'string') e.kid = jwk.kid;
  if (jwk && typeof jwk.alg === 'string') e.jwkAlg = jwk.alg;
  return e;
}

function why(e: unknown): string {
  if (e instanceof KeyError || e instanceof DerError) return e.message;
  return `not a valid key (${e instanceof Error ? e.message : String(e)})`;
}

/** Parses a JWKS, a JWK (text or object) or PEM text. */
export async function parseKeys(input: string | Record<string, unknown>): Promise<KeyParseResult> {
  try {
    return await parseKeysUnsafe(input);
  } catch (e) {
    return { ok: false, error: { code: 'not-a-key', message: why(e) } };
  }
}

async function parseKeysUnsafe(input: string | Record<string, unknown>): Promise<KeyParseResult> {
  let obj: unknown = input;
  if (typeof input === 'string') {
    const text = input.trim();
    if (!text) return { ok: false, error: { code: 'empty', message: 'no key given' } };
    if (text.startsWith('{')) {
      try {
        obj = JSON.parse(text);
      } catch (e) {
        return { ok: false, error: { code: 'bad-json', message: `looks like JSON but does not parse: ${e instanceof Error ? e.message : String(e)}` } };
      }
    } else if (text.includes('-----BEGIN')) {
      return parsePem(text);
    } else {
      return { ok: false, error: { code: 'not-a-key', message: 'not a JWKS ({"keys":[…]}), a JWK ({"kty":…}) or a PEM block (-----BEGIN PUBLIC KEY----- / CERTIFICATE)' } };
    }
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) {
    return { ok: false, error: { code: 'not-a-key', message: 'expected a JSON object: a JWKS {"keys":[…]} or a JWK {"kty":…}' } };
  }
  const o = obj as Record<string, unknown>;
  const notes: string[] = [];
  if (Array.isArray(o.keys)) {
    const keys: KeyEntry[] = [];
    const skipped: SkippedKey[] = [];
    for (const [i, k] of o.keys.entries()) {
      if (!k || typeof k !== 'object' || Array.isArray(k)) {
        skipped.push({ index: i, reason: 'not a JSON object' });
        continue;
      }
      const jwk = k as Record<string, unknown>;
      try {
        if (jwk.use !== undefined && jwk.use !== 'sig') throw new KeyError(`"use" is ${JSON.stringify(jwk.use)}, not "sig"`);
        if ('d' in jwk) notes.push(`key ${i} is a private JWK; only its public part is used (never share private keys)`);
        keys.push(await entry(i, 'jwks', spkiFromJwk(jwk), jwk));
      } catch (e) {
        skipped.push({ index: i, reason: why(e) });
      }
    }
    if (keys.length === 0) {
      return { ok: false, error: { code: 'no-usable-key', message: o.keys.length === 0 ? 'the JWKS has no keys' : `no usable key in the JWKS: ${skipped.map((s) => `key ${s.index}: ${s.reason}`).join('; ')}` } };
    }
    return { ok: true, format: 'jwks', keys, skipped, notes };
  }
  if ('kty' in o) {
    if ('d' in o) notes.push('this is a private JWK; only its public part is used (never share private keys)');
    try {
      return { ok: true, format: 'jwk', keys: [await entry(0, 'jwk', spkiFromJwk(o), o)], skipped: [], notes };
    } catch (e) {
      return { ok: false, error: { code: 'no-usable-key', message: why(e) } };
    }
  }
  return { ok: false, error: { code: 'not-a-key', message: 'JSON without "keys" or "kty": not a JWKS or a JWK' } };
}

async function parsePem(text: string): Promise<KeyParseResult> {
  const blocks = parsePemBlocks(text);
  if (!Array.isArray(blocks)) return { ok: false, error: { code: 'bad-pem', message: blocks.error } };
  if (blocks.length === 0) return { ok: false, error: { code: 'bad-pem', message: 'a "-----BEGIN" line without a matching "-----END" line' } };
  const keys: KeyEntry[] = [];
  const skipped: SkippedKey[] = [];
  const notes: string[] = [];
  let curveHint: string | undefined;
  let i = 0;
  for (const b of blocks) {
    const index = i++;
    try {
      switch (b.label) {
        case 'EC PARAMETERS':
          // openssl writes the curve before the key; kube's key file parser skips it.
          curveHint = decodeOid(b.der, expectTag(readTlv(b.der, 0), 0x06, 'named curve'));
          notes.push('skipped the EC PARAMETERS block');
          break;
        case 'PUBLIC KEY':
          keys.push(await entry(index, 'spki', b.der.slice()));
          break;
        case 'CERTIFICATE':
          keys.push(await entry(index, 'x509', spkiFromCertificate(b.der)));
          break;
        case 'RSA PUBLIC KEY':
          keys.push(await entry(index, 'pkcs1-public', spkiFromPkcs1Public(b.der)));
          break;
        case 'RSA PRIVATE KEY':
        case 'EC PRIVATE KEY':
        case 'PRIVATE KEY': {
          const spki = b.label === 'RSA PRIVATE KEY' ? spkiFromPkcs1Private(b.der) : b.label === 'EC PRIVATE KEY' ? spkiFromSec1(b.der, curveHint) : spkiFromPkcs8(b.der);
          keys.push(await entry(index, 'private-key', spki));
          notes.push(`block ${index} is a private key (${b.label}); only its public part is used, as kube-apiserver does with --service-account-key-file (never share private keys)`);
          break;
        }
        case 'ENCRYPTED PRIVATE KEY':
          throw new KeyError('encrypted private key: paste the public key instead');
        default:
          throw new KeyError(`PEM block "${b.label}" is not a public key or certificate`);
      }
    } catch (e) {
      skipped.push({ index, reason: why(e) });
    }
  }
  if (keys.length === 0) {
    return { ok: false, error: { code: 'no-usable-key', message: `no usable key in the PEM text: ${skipped.map((s) => `block ${s.index}: ${s.reason}`).join('; ')}` } };
  }
  return { ok: true, format: 'pem', keys, skipped, notes };
}
