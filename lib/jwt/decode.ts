// Decodes a compact JWS/JWT into header, payload and signature WITHOUT verifying anything and without
// throwing: every defect becomes a DecodeError naming the part and the reason. Signature defects do
// not hide the claims (an inspector must still explain a token whose signature was cut off), so they
// are reported in `signature.error` of a successful result; verify.ts turns them into "malformed".

import { base64UrlProblem, base64UrlToBytes, utf8ToBase64Url, bytesToBase64Url } from './base64url';

export type DecodePart = 'header' | 'payload' | 'signature' | 'token';

export type DecodeErrorCode =
  | 'empty'
  | 'opaque-token'
  | 'not-three-parts'
  | 'jwe'
  | 'not-base64url'
  | 'padding'
  | 'bad-length'
  | 'not-utf8'
  | 'not-json'
  | 'not-object'
  | 'missing-alg'
  | 'empty-signature'
  | 'signature-with-alg-none';

export interface DecodeError {
  code: DecodeErrorCode;
  part: DecodePart;
  message: string;
  /** 0-based position in the whole compact token, when one character is to blame. */
  position?: number;
  char?: string;
}

export type JsonObject = Record<string, unknown>;

export interface JwtHeader extends JsonObject {
  alg: string;
}

export interface DecodedSignature {
  /** Length of the base64url segment in characters. */
  length: number;
  /** Decoded length in bytes (absent when the segment is malformed). */
  byteLength?: number;
  bytes?: Uint8Array;
  error?: DecodeError;
}

export interface DecodeSuccess {
  ok: true;
  header: JwtHeader;
  payload: JsonObject;
  signature: DecodedSignature;
  raw: { header: string; payload: string; signature: string };
}

export interface DecodeFailure {
  ok: false;
  error: DecodeError;
  /** What could be decoded before the failure, for display. */
  partial?: { header?: unknown; payload?: unknown };
}

export type DecodeResult = DecodeSuccess | DecodeFailure;

const PART_NAMES = ['header', 'payload', 'signature'] as const;

function fail(error: DecodeError, partial?: DecodeFailure['partial']): DecodeFailure {
  return partial ? { ok: false, error, partial } : { ok: false, error };
}

function segmentError(part: 'header' | 'payload' | 'signature', seg: string, offset: number): DecodeError | null {
  const p = base64UrlProblem(seg);
  if (!p) return null;
  const idx = PART_NAMES.indexOf(part) + 1;
  if (p.code === 'bad-length') {
    const what = part === 'signature' && seg.length === 1
      ? `signature is a single character ('${seg}'): a 1-character base64url segment cannot encode any bytes, so the signature is malformed (cut off)`
      : `${part} (part ${idx}): ${p.message}`;
    return { code: 'bad-length', part, message: what };
  }
  const position = offset + p.position;
  const code = p.code === 'padding' ? 'padding' : 'not-base64url';
  const msg = `${part} (part ${idx}): ${p.message.replace(`position ${p.position}`, `position ${p.position} of the ${part}, ${position} of the token`)}`;
  return p.code === 'bad-char'
    ? { code, part, message: msg, position, char: p.char }
    : { code, part, message: msg, position };
}

function decodeJsonSegment(part: 'header' | 'payload', seg: string, offset: number):
  { ok: true; value: JsonObject } | { ok: false; error: DecodeError; value?: unknown } {
  const idx = part === 'header' ? 1 : 2;
  if (seg.length === 0) {
    return { ok: false, error: { code: 'not-json', part, message: `${part} (part ${idx}) is empty` } };
  }
  const bad = segmentError(part, seg, offset);
  if (bad) return { ok: false, error: bad };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(base64UrlToBytes(seg));
  } catch {
    return { ok: false, error: { code: 'not-utf8', part, message: `${part} (part ${idx}) is valid base64url but its bytes are not UTF-8 text, so not JSON` } };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const preview = text.length > 40 ? JSON.stringify(text.slice(0, 40)) + '…' : JSON.stringify(text);
    return { ok: false, error: { code: 'not-json', part, message: `${part} (part ${idx}) decodes to text that is not JSON (${why}); it starts ${preview}` } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, error: { code: 'not-object', part, message: `${part} (part ${idx}) is JSON but ${kind}, not an object` }, value };
  }
  return { ok: true, value: value as JsonObject };
}

/** Decodes a compact token (already normalized, see input.ts). Never throws. */
export function decodeJwt(token: string): DecodeResult {
  if (typeof token !== 'string' || token.length === 0) {
    return fail({ code: 'empty', part: 'token', message: 'no token: the input is empty' });
  }
  const parts = token.split('.');
  if (parts.length === 5) {
    return fail({
      code: 'jwe', part: 'token',
      message: 'five dot-separated parts: this is an encrypted JWE (header.encryptedKey.iv.ciphertext.tag), not a signed JWT; its claims cannot be read without the decryption key, and Kubernetes never issues JWE service account tokens',
    });
  }
  if (parts.length === 1) {
    const opaque = /^sha256~/.test(token)
      ? "this is an OpenShift OAuth access token (sha256~…): it is opaque, not a JWT; only the cluster can say who it belongs to (TokenReview)"
      : "no '.' in the input: a JWT has three base64url parts separated by dots (header.payload.signature)";
    return fail({ code: parts[0]!.startsWith('sha256~') ? 'opaque-token' : 'not-three-parts', part: 'token', message: opaque });
  }
  if (parts.length !== 3) {
    const extra = parts.length === 2 ? ': the signature part is missing (header.payload.signature)' : '';
    return fail({ code: 'not-three-parts', part: 'token', message: `${parts.length} dot-separated parts, a JWT has exactly 3${extra}` });
  }
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJsonSegment('header', h, 0);
  if (!header.ok) return fail(header.error, header.value !== undefined ? { header: header.value } : undefined);
  if (typeof header.value.alg !== 'string' || header.value.alg.length === 0) {
    return fail({ code: 'missing-alg', part: 'header', message: 'header has no "alg" string: every JWS header names its signature algorithm' }, { header: header.value });
  }
  const payload = decodeJsonSegment('payload', p, h.length + 1);
  if (!payload.ok) {
    const partial: DecodeFailure['partial'] = { header: header.value };
    if (payload.value !== undefined) partial.payload = payload.value;
    return fail(payload.error, partial);
  }
  const alg = header.value.alg;
  const signature: DecodedSignature = { length: s.length };
  const sigErr = segmentError('signature', s, h.length + p.length + 2);
  if (sigErr) {
    signature.error = sigErr;
  } else {
    const bytes = base64UrlToBytes(s);
    signature.bytes = bytes;
    signature.byteLength = bytes.length;
    if (s.length === 0 && alg !== 'none') {
      signature.error = { code: 'empty-signature', part: 'signature', message: `signature is empty although the header says alg ${alg}: the token is unsigned or the signature was cut off` };
    } else if (s.length > 0 && alg === 'none') {
      signature.error = { code: 'signature-with-alg-none', part: 'signature', message: 'header says alg "none" (unsecured JWT) but a signature part is present' };
    }
  }
  return { ok: true, header: header.value as JwtHeader, payload: payload.value, signature, raw: { header: h, payload: p, signature: s } };
}

/** Builds a compact token from JSON parts (no signing); for tests and for showing edited claims. */
export function encodeJwt(header: JsonObject, payload: JsonObject, signature: Uint8Array | string = ''): string {
  const sig = typeof signature === 'string' ? signature : bytesToBase64Url(signature);
  return `${utf8ToBase64Url(JSON.stringify(header))}.${utf8ToBase64Url(JSON.stringify(payload))}.${sig}`;
}
