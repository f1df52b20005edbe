// Service-account signing and verification keys for the demo kube-apiserver.
// The signer is an RSA-2048 key generated on first start and kept in the data dir (like
// --service-account-signing-key-file); an extra EC P-256 key is published as a verification-only
// key (like a second --service-account-key-file), so the JWKS carries two keys as on clusters that
// rotated their signer. Key IDs follow kube-apiserver's keyIDFromPublicKey exactly.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type TokenAlg = 'RS256' | 'ES256' | 'ES384' | 'ES512';

export interface VerificationKey {
  kid: string;
  alg: TokenAlg;
  publicKey: KeyObject;
}

export interface SigningKey extends VerificationKey {
  privateKey: KeyObject;
}

export interface ServiceAccountKeys {
  /** Signs every token the demo cluster issues. */
  signer: SigningKey;
  /** All keys tokens are verified with and the JWKS publishes, signer first. */
  verificationKeys: VerificationKey[];
}

export const SIGNER_KEY_FILE = 'sa-signer.key';
export const SIGNER_PUB_FILE = 'sa-signer.pub';
export const EXTRA_EC_KEY_FILE = 'sa-extra-ec.key';
export const EXTRA_EC_PUB_FILE = 'sa-extra-ec.pub';

/** base64url-no-padding(SHA-256(DER SubjectPublicKeyInfo)), as kube's keyIDFromPublicKey. */
export function keyIdFromPublicKey(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

/** The JWS algorithm kube-apiserver uses for a key: RS256 for any RSA size, ES* by curve. */
export function algForKey(key: KeyObject): TokenAlg {
  const t = key.asymmetricKeyType;
  if (t === 'rsa') return 'RS256';
  if (t === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return 'ES256';
    if (curve === 'secp384r1' || curve === 'P-384') return 'ES384';
    if (curve === 'secp521r1' || curve === 'P-521') return 'ES512';
    throw new Error('unknown private key curve, must be 256, 384, or 521');
  }
  throw new Error(`unsupported key type ${t ?? 'unknown'}, must be RSA or ECDSA`);
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/**
 * Every public key in a PEM file, as kube's keyutil.ParsePublicKeysPEM reads
 * --service-account-key-file: public keys, certificates, and private keys reduced to public;
 * other blocks (EC PARAMETERS) are skipped.
 */
export function parsePublicKeysPem(pem: string): KeyObject[] {
  const out: KeyObject[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    const block = m[0];
    const type = m[1];
    if (type === 'PUBLIC KEY' || type === 'RSA PUBLIC KEY' || type === 'CERTIFICATE') {
      out.push(createPublicKey(block));
    } else if (type === 'PRIVATE KEY' || type === 'RSA PRIVATE KEY' || type === 'EC PRIVATE KEY') {
      out.push(createPublicKey(createPrivateKey(block)));
    }
  }
  if (out.length === 0) throw new Error('data does not contain any valid RSA or ECDSA public keys');
  return out;
}

/** The first private key in a PEM file (skipping EC PARAMETERS blocks). */
export function parsePrivateKeyPem(pem: string): KeyObject {
  for (const m of pem.matchAll(PEM_BLOCK)) {
    if (m[1] === 'PRIVATE KEY' || m[1] === 'RSA PRIVATE KEY' || m[1] === 'EC PRIVATE KEY') return createPrivateKey(m[0]);
  }
  throw new Error('data does not contain a valid RSA or ECDSA private key');
}

export function verificationKey(publicKey: KeyObject): VerificationKey {
  const pub = publicKey.type === 'private' ? createPublicKey(publicKey) : publicKey;
  return { kid: keyIdFromPublicKey(pub), alg: algForKey(pub), publicKey: pub };
}

export function signingKey(privateKey: KeyObject): SigningKey {
  return { ...verificationKey(createPublicKey(privateKey)), privateKey };
}

function writeSecret(path: string, data: string): void {
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync keeps the mode of an existing file
}

function loadOrCreate(dir: string, keyFile: string, pubFile: string, gen: () => KeyObject): KeyObject {
  const keyPath = join(dir, keyFile);
  let priv: KeyObject;
  if (existsSync(keyPath)) {
    priv = parsePrivateKeyPem(readFileSync(keyPath, 'utf8'));
  } else {
    priv = gen();
    writeSecret(keyPath, priv.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  const pubPath = join(dir, pubFile);
  const pubPem = createPublicKey(priv).export({ type: 'spki', format: 'pem' }).toString();
  if (!existsSync(pubPath) || readFileSync(pubPath, 'utf8') !== pubPem) writeFileSync(pubPath, pubPem, { mode: 0o644 });
  return priv;
}

/**
 * Loads the service-account keys from dataDir, generating them on first start. The public halves
 * are written beside them (sa-signer.pub, sa-extra-ec.pub) so tokens can be checked with openssl.
 */
export function loadOrCreateServiceAccountKeys(dataDir: string): ServiceAccountKeys {
  mkdirSync(dataDir, { recursive: true });
  const rsa = loadOrCreate(dataDir, SIGNER_KEY_FILE, SIGNER_PUB_FILE, () =>
    generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 0x10001 }).privateKey,
  );
  const ec = loadOrCreate(dataDir, EXTRA_EC_KEY_FILE, EXTRA_EC_PUB_FILE, () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  );
  const signer = signingKey(rsa);
  if (signer.alg !== 'RS256' || (rsa.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new Error(`${SIGNER_KEY_FILE} must be an RSA key of at least 2048 bits`);
  }
  return { signer, verificationKeys: [verificationKey(signer.publicKey), verificationKey(ec)] };
}
