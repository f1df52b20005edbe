// Used by /api/cluster/jwks and /api/cluster/openid-configuration: the cluster's document,
// fetched with the user's credentials, passed through byte for byte with its content type.
import { NextResponse } from 'next/server';
import type { KubeConfig } from '@kubernetes/client-node';
import { jsonError } from '@/lib/auth/guard';
import { discoveryHttpError, fetchDiscoveryDocument, type DiscoveryDoc } from '@/lib/k8s/issuer';

export async function passThrough(kc: KubeConfig, doc: DiscoveryDoc): Promise<Response> {
  const raw = await fetchDiscoveryDocument(kc, doc);
  const err = discoveryHttpError(raw, kc.getCurrentCluster()?.server);
  if (err) throw err; // 401/403 → the guard's session-expired / "You (user) cannot ..." answers
  if (raw.status === 404) {
    return jsonError(404, 'discovery-disabled', {
      message: 'The cluster does not serve OIDC discovery (the service account issuer is not an https URL, so kube-apiserver disabled it).',
    });
  }
  if (raw.status < 200 || raw.status >= 300) {
    return jsonError(502, 'cluster', { message: `The cluster answered ${raw.status} for the ${doc} document.` });
  }
  // Served from the dashboard's origin: only JSON media types pass, so a cluster (or something in
  // front of it) cannot place HTML or script on this origin.
  const type = raw.contentType ?? '';
  if (!/^application\/(?:json|jwk-set\+json|[a-z0-9.+-]+\+json)(?:\s*;.*)?$/i.test(type)) {
    return jsonError(502, 'cluster', { message: `The cluster answered the ${doc} document with an unexpected content type (${type || 'none'}).` });
  }
  return new NextResponse(new Uint8Array(raw.body), {
    status: 200,
    headers: {
      'Content-Type': type,
      // Per user and may change with the issuer: never from a shared cache.
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
