// The error mapping, exercised with real client-node errors: ApiException objects as the generated
// client throws them, and real network failures from real requests to closed ports.
import net from 'node:net';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ClusterError, redact, toClusterError } from './errors';

function statusBody(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function kubeConfigFor(server: string, token = 'sekret-token-value'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: false }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

describe('toClusterError with ApiException', () => {
  it('maps 401 to unauthorized without echoing anything from the body', () => {
    const e = toClusterError(new ApiException(401, 'Unauthorized', undefined, {}), { server: 'https://h:6443' });
    expect(e).toBeInstanceOf(ClusterError);
    expect(e.kind).toBe('unauthorized');
    expect(e.status).toBe(401);
    expect(e.message).toContain('https://h:6443');
    expect(e.hint).toMatch(/token/i);
  });

  it('maps 403 to forbidden and keeps the Status message kube wrote', () => {
    const msg = 'nodes is forbidden: User "viewer" cannot list resource "nodes" in API group "" at the cluster scope';
    const e = toClusterError(new ApiException(403, 'Unknown API Status Code!', statusBody(403, 'Forbidden', msg), {}));
    expect(e.kind).toBe('forbidden');
    expect(e.message).toBe(msg);
    expect(e.hint).toContain('kubectl auth can-i');
  });

  it('maps 404 to notfound', () => {
    const e = toClusterError(new ApiException(404, 'x', statusBody(404, 'NotFound', 'nodes "w9" not found'), {}));
    expect(e.kind).toBe('notfound');
    expect(e.message).toBe('nodes "w9" not found');
  });

  it('maps 5xx to other with the server message and a health hint', () => {
    const e = toClusterError(new ApiException(503, 'x', statusBody(503, 'ServiceUnavailable', 'etcd is sad'), {}));
    expect(e.kind).toBe('other');
    expect(e.status).toBe(503);
    expect(e.message).toContain('etcd is sad');
    expect(e.hint).toContain('/readyz');
  });

  it('handles a non-JSON body (an HTML page from a proxy)', () => {
    const e = toClusterError(new ApiException(502, 'x', '<html>Bad gateway</html>\n<body/>', {}));
    expect(e.kind).toBe('other');
    expect(e.message).toContain('<html>Bad gateway</html>');
    expect(e.message).not.toContain('<body/>');
  });

  it('is idempotent and serialises to plain data', () => {
    const e = toClusterError(new ApiException(401, 'x', undefined, {}));
    expect(toClusterError(e)).toBe(e);
    const json = JSON.parse(JSON.stringify(e));
    expect(json).toEqual({ kind: 'unauthorized', message: e.message, hint: e.hint, status: 401 });
    expect(JSON.stringify(e)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});

describe('toClusterError with real network failures', () => {
  it('maps a refused connection (real client-node request to a closed port) to unreachable', async () => {
    const port = await closedPort();
    const server = `https://127.0.0.1:${port}`;
    const core = kubeConfigFor(server).makeApiClient(CoreV1Api);
    const err = await core.listNode({ limit: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    const e = toClusterError(err, { server });
    expect(e.kind).toBe('unreachable');
    expect(e.message).toContain('ECONNREFUSED');
    expect(e.message).toContain(server);
    expect(e.message).not.toContain('sekret-token-value');
  });

  it('maps an unresolvable host to unreachable', async () => {
    const core = kubeConfigFor('https://no-such-host.invalid:6443').makeApiClient(CoreV1Api);
    const err = await core.listNode({ limit: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    const e = toClusterError(err);
    expect(e.kind).toBe('unreachable');
    expect(e.message).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it('maps an abort (timeout) to unreachable', () => {
    const abort = new Error('The operation was aborted.');
    abort.name = 'AbortError';
    expect(toClusterError(abort).kind).toBe('unreachable');
  });

  it('maps TLS verification codes to tls', () => {
    const err = Object.assign(new Error('request failed, reason: self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    const e = toClusterError(err, { server: 'https://a:1' });
    expect(e.kind).toBe('tls');
    expect(e.hint).toMatch(/certificate-authority/);
  });
});

describe('redact', () => {
  it('removes bearer tokens and JWTs', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const out = redact(`Authorization: Bearer abc.def-ghi and ${jwt} and sha256~AbCdEf123`);
    expect(out).not.toContain('abc.def-ghi');
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('sha256~AbCdEf123');
  });

  it('is applied to unknown errors', () => {
    const e = toClusterError(new Error('failed with Bearer supersecret'));
    expect(e.kind).toBe('other');
    expect(e.message).not.toContain('supersecret');
  });
});
