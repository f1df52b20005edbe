import { describe, expect, it } from 'vitest';
import { discoveryDocuments, discoveryIssuerError, jwksUriFor, renderJwks, renderOpenIdConfiguration } from './discovery';
import { parsePublicKeysPem, parsePrivateKeyPem, verificationKey } from './keys';
import { vector, vectorTrimmed } from './test-fixtures';

const rsa = verificationKey(parsePublicKeysPem(vector('k8s-jwt-test/rsaPublicKey.pem'))[0]!);
// kube reduces private keys in --service-account-key-file to their public half
const ec = verificationKey(parsePrivateKeyPem(vector('k8s-jwt-test/ecdsaPrivateKey.pem')));

describe('JWKS bytes', () => {
  it('equal upstream TestNewOpenIDMetadata wantKeyset for the RSA and EC test keys', () => {
    expect(renderJwks([rsa, ec])).toBe(vectorTrimmed('k8s-jwt-test/expected-jwks.json'));
  });
  it('equal the JWKS derived for the real minikube key', () => {
    const mk = verificationKey(parsePublicKeysPem(vector('vault-minikube/testMinikubePubKey.pem'))[0]!);
    expect(renderJwks([mk])).toBe(vectorTrimmed('vault-minikube/minikube-jwks.derived.json'));
  });
  it('never contain private members', () => {
    expect(renderJwks([rsa, ec])).not.toMatch(/"d"|"p"|"q"/);
  });
});

describe('openid-configuration bytes', () => {
  it('equal upstream wantConfig (field order, algs sorted)', () => {
    const cfg = renderOpenIdConfiguration('https://issuer.example.com', 'https://issuer.example.com/openid/v1/jwks', [rsa, ec]);
    expect(cfg).toBe(vectorTrimmed('k8s-jwt-test/expected-openid-configuration.json'));
  });
  it('dedupes algorithms', () => {
    const cfg = JSON.parse(renderOpenIdConfiguration('https://a.example', 'https://a.example/openid/v1/jwks', [rsa, rsa]));
    expect(cfg.id_token_signing_alg_values_supported).toEqual(['RS256']);
  });
});

describe('issuer rules', () => {
  it('serve only https issuers without query or fragment', () => {
    expect(discoveryIssuerError('https://kubernetes.default.svc')).toBeNull();
    expect(discoveryIssuerError('https://issuer.example.com/path')).toBeNull();
    expect(discoveryIssuerError('http://issuer.example.com')).toBe('issuer URL must use https scheme, got: http://issuer.example.com');
    expect(discoveryIssuerError('kubernetes/serviceaccount')).toBe('issuer URL must use https scheme, got: kubernetes/serviceaccount');
    expect(discoveryIssuerError('https://a.example/?x=1')).toBe('issuer URL may not include a query, got: https://a.example/?x=1');
    expect(discoveryIssuerError('https://a.example/#f')).toBe('issuer URL may not include a fragment, got: https://a.example/#f');
  });
  it('point jwks_uri at the API server for the default issuer and at the issuer otherwise', () => {
    expect(jwksUriFor('https://kubernetes.default.svc', 'https://127.0.0.1:6443')).toBe('https://127.0.0.1:6443/openid/v1/jwks');
    expect(jwksUriFor('https://issuer2.test.com', 'https://127.0.0.1:6443')).toBe('https://issuer2.test.com/openid/v1/jwks');
  });
  it('build both documents from the first issuer, or none for a non-https first issuer', () => {
    const docs = discoveryDocuments(['https://issuer2.test.com', 'https://kubernetes.default.svc'], 'https://127.0.0.1:1', [rsa, ec]);
    expect(docs).not.toBeNull();
    expect(JSON.parse(docs!.openidConfiguration).issuer).toBe('https://issuer2.test.com');
    expect(JSON.parse(docs!.openidConfiguration).jwks_uri).toBe('https://issuer2.test.com/openid/v1/jwks');
    expect(discoveryDocuments(['http://plain.example', 'https://kubernetes.default.svc'], 'https://127.0.0.1:1', [rsa])).toBeNull();
  });
});
