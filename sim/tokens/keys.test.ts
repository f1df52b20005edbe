import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  algForKey,
  EXTRA_EC_KEY_FILE,
  EXTRA_EC_PUB_FILE,
  keyIdFromPublicKey,
  loadOrCreateServiceAccountKeys,
  parsePrivateKeyPem,
  parsePublicKeysPem,
  SIGNER_KEY_FILE,
  SIGNER_PUB_FILE,
} from './keys';
import { vector } from './test-fixtures';

function kidOfPem(rel: string): string {
  const keys = parsePublicKeysPem(vector(rel));
  expect(keys).toHaveLength(1);
  return keyIdFromPublicKey(keys[0]!);
}

describe('kid = base64url(SHA-256(DER SPKI))', () => {
  it('matches upstream TestKeyIDStability for the RSA test key', () => {
    expect(kidOfPem('k8s-jwt-test/rsaPublicKey.pem')).toBe('JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU');
    // a private key given as a verification key is reduced to its public half
    expect(kidOfPem('k8s-jwt-test/rsaPrivateKey.pem')).toBe('JHJehTTTZlsspKHT-GaJxK7Kd1NQgZJu3fyK6K_QDYU');
  });
  it('matches the upstream expected JWKS for the EC key', () => {
    expect(kidOfPem('k8s-jwt-test/ecdsaPublicKey.pem')).toBe('SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc');
    expect(keyIdFromPublicKey(parsePrivateKeyPem(vector('k8s-jwt-test/ecdsaPrivateKey.pem')))).toBe('SoABiieYuNx4UdqYvZRVeuC6SihxgLrhLy9peHMHpTc');
  });
  it('matches the real minikube token header kid', () => {
    expect(kidOfPem('vault-minikube/testMinikubePubKey.pem')).toBe('pJcxkJ4q0O1tOt0Z37VB6-x6Mw8xFZSxM9roPtMQq0A');
  });
  it('gives the README kids for the other keys and skips EC PARAMETERS blocks', () => {
    expect(kidOfPem('k8s-jwt-test/otherPublicKey.pem')).toBe('yEooMTEt7THsoVd-yf2m_0tmtgtZWGhAPFm296R5q18');
    expect(kidOfPem('k8s-jwt-test/ecdsaPrivateKeyWithParams.pem')).toBe('MbtQUJSadTe6DXtqrsB3xe82FPnl5maeKkEhGKkBXJE');
    expect(kidOfPem('vault-minikube/ecdsaKey.p384.pub.pem')).toBe('MC4mwJjP3i2xMemjsSzkxBu9sMIeGf2qSkQnNmS8WB4');
  });
  it('is 43 characters and never padded', () => {
    const kid = kidOfPem('k8s-jwt-test/rsaPublicKey.pem');
    expect(kid).toHaveLength(43);
    expect(kid).not.toMatch(/[=+/]/);
  });
});

describe('algForKey', () => {
  it('maps RSA to RS256 and EC curves to ES256/ES384', () => {
    expect(algForKey(parsePublicKeysPem(vector('k8s-jwt-test/rsaPublicKey.pem'))[0]!)).toBe('RS256');
    expect(algForKey(parsePublicKeysPem(vector('k8s-jwt-test/ecdsaPublicKey.pem'))[0]!)).toBe('ES256');
    expect(algForKey(parsePublicKeysPem(vector('vault-minikube/ecdsaKey.p384.pub.pem'))[0]!)).toBe('ES384');
  });
});

describe('loadOrCreateServiceAccountKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sa-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates an RSA-2048 signer (0600) and an EC P-256 verification key on first start, and reloads them', () => {
    const first = loadOrCreateServiceAccountKeys(dir);
    expect(first.signer.alg).toBe('RS256');
    expect(first.signer.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(first.verificationKeys.map((k) => k.alg)).toEqual(['RS256', 'ES256']);
    expect(first.verificationKeys[0]!.kid).toBe(first.signer.kid);
    expect(statSync(join(dir, SIGNER_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, EXTRA_EC_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, SIGNER_KEY_FILE), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // the published .pub files give the same kids (what an external verifier would compute)
    expect(keyIdFromPublicKey(createPublicKey(readFileSync(join(dir, SIGNER_PUB_FILE), 'utf8')))).toBe(first.signer.kid);
    expect(keyIdFromPublicKey(createPublicKey(readFileSync(join(dir, EXTRA_EC_PUB_FILE), 'utf8')))).toBe(first.verificationKeys[1]!.kid);

    const second = loadOrCreateServiceAccountKeys(dir);
    expect(second.signer.kid).toBe(first.signer.kid);
    expect(second.verificationKeys.map((k) => k.kid)).toEqual(first.verificationKeys.map((k) => k.kid));
  });
});
