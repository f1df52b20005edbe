// Signature verification as kube-apiserver does it, with jose (WebCrypto) so it runs in the browser.
// Key choice follows pkg/serviceaccount/jwt.go (staticPublicKeysGetter.GetPublicKeys): a token with a
// kid is checked only against keys with that kid — an unknown kid is "no matching key", never "try every
// key"; a token without a kid (old legacy tokens) is tried against every key, as kube does. A single
// PEM key or JWK without a kid of its own is used whatever the token's kid says (the user chose it).
// Keys of a set that carry no kid (a PEM bundle like --service-account-key-file, a JWKS entry without
// "kid") are matched by the kid kube derives from them: base64url(SHA-256(SPKI DER)).
// Only the signature is checked: expiry, issuer and audience are findings of warnings.ts.

import { compactVerify, importSPKI, errors as joseErrors } from 'jose';
import { base64UrlToBytes } from './base64url';
import { decodeJwt } from './decode';
import { normalizeTokenInput } from './input';
import { parseKeys, type KeyEntry, type KeyParseResult } from './keys';

export const VERIFY_ALGORITHMS = ['RS256', 'ES256', 'ES384', 'ES512'] as const;
type Alg = (typeof VERIFY_ALGORITHMS)[number];

export type VerifyStatus = 'verified' | 'invalid-signature' | 'no-matching-key' | 'malformed' | 'unsupported-alg' | 'key-error';

export interface VerifyResult {
  status: VerifyStatus;
  /** One or two sentences for the loud result line. */
  detail: string;
  /** Always present: what was and was not checked. */
  scope: string;
  alg?: string;
  tokenKid?: string;
  /** The key that verified (or, for invalid-signature with one candidate, the key that was tried). */
  key?: Pick<KeyEntry, 'index' | 'kid' | 'kubeKid' | 'source' | 'kty' | 'crv' | 'bits' | 'alg'>;
  /** How many keys were tried. */
  tried: number;
  /** Per-key reasons when several keys were tried. */
  attempts?: { index: number; reason: string }[];
}

export const VERIFY_SCOPE = 'Signature only: expiry, not-before, issuer and audience are not checked here (see the warnings); an API server also checks that the service account and bound object still exist.';

const EC_SIG_BYTES: Record<string, number> = { ES256: 64, ES384: 96, ES512: 132 };

function keySummary(k: KeyEntry): NonNullable<VerifyResult['key']> {
  const s: NonNullable<VerifyResult['key']> = { index: k.index, kubeKid: k.kubeKid, source: k.source, kty: k.kty, alg: k.alg };
  if (k.kid !== undefined) s.kid = k.kid;
  if (k.crv !== undefined) s.crv = k.crv;
  if (k.bits !== undefined) s.bits = k.bits;
  return s;
}

function describeKey(k: KeyEntry): string {
  return `key ${k.index} (${k.kty === 'RSA' ? `RSA-${k.bits}` : k.crv}, kid ${k.kid ?? k.kubeKid})`;
}

async function verifyWithKey(token: string, alg: Alg, k: KeyEntry, sigBytes: number): Promise<{ ok: true } | { ok: false; reason: string; malformed?: boolean }> {
  if (k.alg !== alg) {
    return { ok: false, reason: `${describeKey(k)} is ${k.kty === 'RSA' ? 'an RSA key (RS256)' : `an ${k.crv} key (${k.alg})`} but the token says ${alg}` };
  }
  if (k.kty === 'RSA' && k.bits !== undefined && sigBytes !== Math.ceil(k.bits / 8)) {
    return { ok: false, reason: `${describeKey(k)}: the signature is ${sigBytes} bytes but this key makes ${Math.ceil(k.bits / 8)}-byte signatures, so a different (${sigBytes * 8}-bit) key signed it` };
  }
  try {
    if (k.kty === 'RSA' && (k.bits ?? 0) < 2048) {
      // jose refuses RSA keys under 2048 bits; kube-apiserver accepts any size, so check with WebCrypto directly.
      const dot = token.lastIndexOf('.');
      const key = await crypto.subtle.importKey('spki', new Uint8Array(k.spki), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
      const sig = new Uint8Array(base64UrlToBytes(token.slice(dot + 1)));
      const ok = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, sig, new TextEncoder().encode(token.slice(0, dot)));
      return ok ? { ok: true } : { ok: false, reason: `${describeKey(k)}: signature does not match` };
    }
    const key = await importSPKI(k.spkiPem, alg);
    await compactVerify(token, key, { algorithms: [alg] });
    return { ok: true };
  } catch (e) {
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) return { ok: false, reason: `${describeKey(k)}: signature does not match` };
    if (e instanceof joseErrors.JWSInvalid || e instanceof joseErrors.JOSENotSupported) {
      return { ok: false, reason: `the token is not a valid JWS for jose: ${e.message}`, malformed: true };
    }
    return { ok: false, reason: `${describeKey(k)}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export type KeysInput = string | Record<string, unknown> | KeyParseResult;

/** Verifies the signature of a compact token against pasted keys. Never throws. */
export async function verifyToken(token: string, keysInput: KeysInput): Promise<VerifyResult> {
  const scope = VERIFY_SCOPE;
  const n = normalizeTokenInput(token);
  if (!n.ok) return { status: 'malformed', detail: `No token: ${n.error.message}.`, scope, tried: 0 };
  token = n.token;
  const d = decodeJwt(token);
  if (!d.ok) return { status: 'malformed', detail: `The token cannot be decoded: ${d.error.message}.`, scope, tried: 0 };
  const alg = d.header.alg;
  const rawKid = d.header.kid;
  const base: Pick<VerifyResult, 'scope' | 'alg' | 'tried'> = { scope, alg, tried: 0 };
  if (rawKid !== undefined && typeof rawKid !== 'string') {
    return { ...base, status: 'malformed', detail: `The header's kid is ${JSON.stringify(rawKid)}, not a string.` };
  }
  const tokenKid = rawKid;
  if (!(VERIFY_ALGORITHMS as readonly string[]).includes(alg)) {
    const why = alg === 'none' ? 'alg "none" means unsigned: there is no signature to verify'
      : /^HS/.test(alg) ? `${alg} is an HMAC shared-secret algorithm, never used by Kubernetes`
      : `${alg} is not one Kubernetes uses`;
    return { ...base, ...(tokenKid !== undefined ? { tokenKid } : {}), status: 'unsupported-alg', detail: `${why}; only RS256, ES256, ES384 and ES512 are accepted.` };
  }
  if (d.signature.error) return { ...base, ...(tokenKid !== undefined ? { tokenKid } : {}), status: 'malformed', detail: `Malformed signature: ${d.signature.error.message}.` };
  const sigBytes = d.signature.byteLength ?? 0;
  const ecBytes = EC_SIG_BYTES[alg];
  if (ecBytes !== undefined && sigBytes !== ecBytes) {
    const der = d.signature.bytes?.[0] === 0x30 ? ' (it looks DER-encoded; JWS uses raw r‖s)' : '';
    return { ...base, ...(tokenKid !== undefined ? { tokenKid } : {}), status: 'malformed', detail: `Malformed signature: ${alg} signatures are ${ecBytes} bytes (raw r‖s), this one is ${sigBytes}${der}.` };
  }

  const parsed = typeof keysInput === 'object' && typeof keysInput.ok === 'boolean' ? (keysInput as KeyParseResult) : await parseKeys(keysInput as string | Record<string, unknown>);
  if (!parsed.ok) return { ...base, ...(tokenKid !== undefined ? { tokenKid } : {}), status: 'key-error', detail: `The key could not be used: ${parsed.error.message}.` };
  const keys = parsed.keys;

  let candidates: KeyEntry[];
  let how: string;
  const single = parsed.format !== 'jwks' && keys.length === 1 && keys[0]!.kid === undefined;
  if (single) {
    const k = keys[0]!;
    candidates = [k];
    how = tokenKid === undefined ? 'the single key given'
      : k.kubeKid === tokenKid ? 'the single key given (its Kubernetes key id matches the token\'s kid)'
      : `the single key given, although its Kubernetes key id ${k.kubeKid} differs from the token's kid ${tokenKid} (an API server holding this key would not pick it)`;
  } else if (tokenKid !== undefined) {
    candidates = keys.filter((k) => (k.kid ?? k.kubeKid) === tokenKid);
    how = `the key with kid ${tokenKid}`;
    if (candidates.length === 0) {
      const known = keys.map((k) => k.kid ?? k.kubeKid).join(', ');
      return { ...base, tokenKid, status: 'no-matching-key', detail: `No key has the token's kid ${tokenKid} (keys given: ${known}). Like the API server, the other keys are not tried: the token was signed by a key that is not in this set.` };
    }
  } else {
    candidates = keys;
    how = `each of the ${keys.length} keys in turn, because the token has no kid (kube-apiserver does the same for kid-less legacy tokens)`;
  }

  const attempts: { index: number; reason: string }[] = [];
  for (const k of candidates) {
    const r = await verifyWithKey(token, alg as Alg, k, sigBytes);
    if (r.ok) {
      return { ...base, ...(tokenKid !== undefined ? { tokenKid } : {}), status: 'verified', detail: `Signature verified with ${describeKey(k)}, chosen as ${how}.`, key: keySummary(k), tried: attempts.length + 1 };
    }
    if (r.malformed) return { ...base, ...(tokenKid !== undefined ? { tokenKid } : {}), status: 'malformed', detail: `Malformed token: ${r.reason}.`, tried: attempts.length + 1 };
    attempts.push({ index: k.index, reason: r.reason });
  }
  const res: VerifyResult = {
    ...base,
    status: 'invalid-signature',
    detail: candidates.length === 1
      ? `Signature INVALID with ${how}: ${attempts[0]!.reason}. The token was altered or signed by another key.`
      : `Signature INVALID: tried ${how}; none verifies (${attempts.map((a) => a.reason).join('; ')}).`,
    tried: attempts.length,
    attempts,
  };
  if (tokenKid !== undefined) res.tokenKid = tokenKid;
  if (candidates.length === 1) res.key = keySummary(candidates[0]!);
  return res;
}
