// OIDC discovery for service-account tokens (ServiceAccountIssuerDiscovery): the
// /.well-known/openid-configuration document and the /openid/v1/jwks key set, rendered byte for
// byte as kube-apiserver's pkg/serviceaccount/openidmetadata.go renders them (Go struct field order,
// go-jose JWK member order), plus the issuer rules that decide whether the endpoints exist at all.
import type { VerificationKey } from './keys';

export const OPENID_CONFIG_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc';

export const OPENID_CONFIG_CONTENT_TYPE = 'application/json';
export const JWKS_CONTENT_TYPE = 'application/jwk-set+json';
export const DISCOVERY_CACHE_CONTROL = 'public, max-age=3600';

/**
 * Why kube-apiserver would refuse to serve discovery for this issuer (NewOpenIDMetadataProvider's
 * error), or null when it is served. On error the real server simply does not install the routes.
 */
export function discoveryIssuerError(issuer: string): string | null {
  let u: URL;
  try {
    u = new URL(issuer);
  } catch {
    // Go's url.Parse accepts almost anything; a string it cannot parse as absolute has no https scheme.
    return `issuer URL must use https scheme, got: ${issuer}`;
  }
  if (u.protocol !== 'https:') return `issuer URL must use https scheme, got: ${issuer}`;
  // Like Go's url.URL: a bare "?" or "#" leaves RawQuery/Fragment empty, which kube accepts.
  if (u.search !== '') return `issuer URL may not include a query, got: ${issuer}`;
  if (u.hash !== '') return `issuer URL may not include a fragment, got: ${issuer}`;
  return null;
}

/**
 * jwks_uri as OpenShift's kube-apiserver operator sets --service-account-jwks-uri: the API server
 * URL for the default issuer, `<issuer>/openid/v1/jwks` for a custom https issuer, none otherwise
 * (then kube falls back to https://<external address>/openid/v1/jwks).
 */
export function jwksUriFor(issuer: string, apiServerUrl: string): string {
  const base = issuer === DEFAULT_ISSUER || discoveryIssuerError(issuer) !== null ? apiServerUrl : issuer;
  return base.replace(/\/+$/, '') + JWKS_PATH;
}

/** Go's encoding/json escapes these even inside strings; JSON.stringify does not. */
export function goJsonEscape(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** One JWK with go-jose's member order: use,kty,kid,crv?,alg,n/e or x/y. */
export function jwkFor(key: VerificationKey): Record<string, string> {
  const jwk = key.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  if (jwk.kty === 'RSA') {
    return { use: 'sig', kty: 'RSA', kid: key.kid, alg: key.alg, n: jwk.n!, e: jwk.e! };
  }
  if (jwk.kty === 'EC') {
    return { use: 'sig', kty: 'EC', kid: key.kid, crv: jwk.crv!, alg: key.alg, x: jwk.x!, y: jwk.y! };
  }
  throw new Error(`unsupported key type ${jwk.kty ?? 'unknown'}`);
}

/** The exact bytes served at /openid/v1/jwks: every verification key, public parts only. */
export function renderJwks(keys: VerificationKey[]): string {
  return goJsonEscape(JSON.stringify({ keys: keys.map(jwkFor) }));
}

/** The exact bytes served at /.well-known/openid-configuration. */
export function renderOpenIdConfiguration(issuer: string, jwksUri: string, keys: VerificationKey[]): string {
  const algs = [...new Set(keys.map((k) => k.alg))].sort();
  return goJsonEscape(
    JSON.stringify({
      issuer,
      jwks_uri: jwksUri,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: algs,
    }),
  );
}

export interface DiscoveryDocuments {
  issuer: string;
  openidConfiguration: string;
  jwks: string;
}

/** Both documents for the current first issuer, or null when the real server would serve neither. */
export function discoveryDocuments(issuers: string[], apiServerUrl: string, keys: VerificationKey[]): DiscoveryDocuments | null {
  const issuer = issuers[0];
  if (issuer === undefined || discoveryIssuerError(issuer) !== null) return null;
  return {
    issuer,
    openidConfiguration: renderOpenIdConfiguration(issuer, jwksUriFor(issuer, apiServerUrl), keys),
    jwks: renderJwks(keys),
  };
}
