// Wires service-account tokens into the demo cluster: the serviceaccounts/token subresource
// (TokenRequest), TokenReview, OIDC discovery (/.well-known/openid-configuration, /openid/v1/jwks)
// and a bearer-token authenticator so issued tokens authenticate API requests as their service
// account. The trusted issuers are read from the cluster at every request, never cached, because
// the operator module changes them while the cluster runs.
import type { Authenticator, UserInfo } from '../auth';
import { StatusError } from '../errors';
import { findResource } from '../resources';
import type { ApiServer } from '../server';
import {
  DEFAULT_ISSUER,
  DISCOVERY_CACHE_CONTROL,
  discoveryDocuments,
  JWKS_CONTENT_TYPE,
  JWKS_PATH,
  OPENID_CONFIG_CONTENT_TYPE,
  OPENID_CONFIG_PATH,
} from './discovery';
import { createTokenRequest, type ObjLike, type TokenObjectGetter, type TokenRequestResult } from './issue';
import { loadOrCreateServiceAccountKeys, type ServiceAccountKeys } from './keys';
import { authenticateServiceAccountToken, reviewToken, type AuthResult, type ReviewEnv } from './review';

/** The parts of DemoCluster the token module uses (structural, so sim/index.ts can import us). */
export interface TokenCluster {
  dataDir: string;
  url: string;
  apiServerUrl?: string;
  store: { get(key: string, ns: string | undefined, name: string): unknown };
  clock: { nowMs(): number };
  server: ApiServer;
  serviceAccountIssuers?: () => string[];
}

export interface TokensHandle {
  keys: ServiceAccountKeys;
  /** Current trusted issuers, first one signs (read from the cluster now). */
  issuers(): string[];
  /**
   * Issues a token as the TokenRequest endpoint would (used e.g. by the kubelet simulation for
   * projected volumes). Throws StatusError like the endpoint.
   */
  requestToken(namespace: string, serviceAccount: string, body: unknown): Promise<TokenRequestResult>;
  /** Verifies a token as API authentication does (requested audiences default to the API audiences). */
  authenticate(token: string, audiences?: string[]): Promise<AuthResult>;
  authenticator: Authenticator;
}

const handles = new WeakMap<object, TokensHandle>();

/** The token module installed on a cluster, if any. */
export function tokensOf(c: object): TokensHandle | undefined {
  return handles.get(c);
}

function objectGetter(store: TokenCluster['store']): TokenObjectGetter {
  const get = (key: string, ns: string | undefined, name: string) => (name ? (store.get(key, ns, name) as ObjLike | undefined) : undefined);
  return {
    serviceAccount: (ns, name) => get('serviceaccounts', ns, name),
    pod: (ns, name) => get('pods', ns, name),
    secret: (ns, name) => get('secrets', ns, name),
    node: (name) => get('nodes', undefined, name),
  };
}

function notFoundPathBody(): string {
  // What kube-apiserver answers for a path it has no handler for (discovery disabled).
  return JSON.stringify(new StatusError(404, 'NotFound', 'the server could not find the requested resource', {}).toStatus());
}

export async function installTokens(c: TokenCluster): Promise<TokensHandle> {
  const existing = handles.get(c);
  if (existing) return existing;

  const keys = loadOrCreateServiceAccountKeys(c.dataDir);
  const objects = objectGetter(c.store);
  const issuers = (): string[] => {
    const list = c.serviceAccountIssuers?.() ?? [DEFAULT_ISSUER];
    return list.length > 0 ? [...list] : [DEFAULT_ISSUER];
  };
  const reviewEnv = (): ReviewEnv => ({ issuers: issuers(), keys: keys.verificationKeys, nowMs: c.clock.nowMs(), objects });

  const requestToken = (namespace: string, serviceAccount: string, body: unknown) =>
    createTokenRequest({ signer: keys.signer, issuers: issuers(), nowMs: c.clock.nowMs(), objects }, namespace, serviceAccount, body);

  const authenticator: Authenticator = {
    async authenticate(token: string): Promise<UserInfo | null> {
      const r = await authenticateServiceAccountToken(token, reviewEnv());
      return r.ok ? r.user : null;
    },
  };

  c.server.handleSubresource('serviceaccounts', 'token', 'POST', async (ctx, body) => {
    const r = await requestToken(ctx.namespace ?? '', ctx.name ?? '', body);
    ctx.warnings.push(...r.warnings);
    return { status: 201, body: r.object };
  });

  const tokenReviews = findResource('authentication.k8s.io', 'v1', 'tokenreviews');
  c.server.handleCreate(tokenReviews?.key ?? 'tokenreviews.authentication.k8s.io', async (ctx, body) =>
    reviewToken(reviewEnv(), body, {
      ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
      // The rest of the server's chain (static tokens) is audience-agnostic in kube: it answers only
      // when the requested audiences meet the API audiences, and reports that intersection.
      fallback: async (token, requested) => {
        const user = await c.server.authenticate(token);
        if (!user) return null;
        const api = issuers();
        const auds = api.filter((a) => requested.includes(a));
        return auds.length > 0 ? { user, audiences: auds } : null;
      },
    }),
  );

  const apiServerUrl = () => c.apiServerUrl ?? c.url;
  c.server.handlePath('GET', OPENID_CONFIG_PATH, async () => {
    const docs = discoveryDocuments(issuers(), apiServerUrl(), keys.verificationKeys);
    if (!docs) return { status: 404, body: notFoundPathBody() };
    return { status: 200, body: docs.openidConfiguration, headers: { 'Content-Type': OPENID_CONFIG_CONTENT_TYPE, 'Cache-Control': DISCOVERY_CACHE_CONTROL } };
  });
  c.server.handlePath('GET', JWKS_PATH, async () => {
    const docs = discoveryDocuments(issuers(), apiServerUrl(), keys.verificationKeys);
    if (!docs) return { status: 404, body: notFoundPathBody() };
    return { status: 200, body: docs.jwks, headers: { 'Content-Type': JWKS_CONTENT_TYPE, 'Cache-Control': DISCOVERY_CACHE_CONTROL } };
  });

  c.server.addAuthenticator(authenticator);

  const handle: TokensHandle = {
    keys,
    issuers,
    requestToken,
    authenticate: (token, audiences) => authenticateServiceAccountToken(token, reviewEnv(), audiences),
    authenticator,
  };
  handles.set(c, handle);
  return handle;
}
