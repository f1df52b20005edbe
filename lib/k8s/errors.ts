// Turns whatever a cluster call throws (client-node ApiException, node-fetch network/TLS errors,
// kubeconfig problems) into one typed ClusterError that pages can show as is: a kind, a one-line
// message and a hint about what to check. Never a stack trace, never a credential.
import 'server-only';

export type ClusterErrorKind =
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'tls'
  | 'notfound'
  | 'config'
  | 'other';

/** Plain, serialisable description of a cluster failure (safe to pass to client components). */
export interface ClusterErrorInfo {
  kind: ClusterErrorKind;
  message: string;
  hint: string;
  /** HTTP status when the API server answered, e.g. 401, 403, 404, 500. */
  status?: number;
}

export class ClusterError extends Error {
  readonly kind: ClusterErrorKind;
  readonly hint: string;
  readonly status?: number;

  constructor(info: ClusterErrorInfo) {
    super(info.message);
    this.name = 'ClusterError';
    this.kind = info.kind;
    this.hint = info.hint;
    if (info.status !== undefined) this.status = info.status;
  }

  toJSON(): ClusterErrorInfo {
    return this.info();
  }

  info(): ClusterErrorInfo {
    const out: ClusterErrorInfo = { kind: this.kind, message: this.message, hint: this.hint };
    if (this.status !== undefined) out.status = this.status;
    return out;
  }
}

export function isClusterError(err: unknown): err is ClusterError {
  return err instanceof ClusterError;
}

// Network errors that mean "nobody answered there".
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

// Node/OpenSSL verification failures: the server answered but we do not trust it.
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

export interface ErrorContext {
  /** The API server URL, named in messages so the admin knows where we tried. */
  server?: string;
  /** What we were doing, e.g. "list nodes". */
  action?: string;
}

/** Best-effort extraction of a metav1.Status message from an ApiException body (string or object). */
function statusMessage(body: unknown): string | undefined {
  let obj: unknown = body;
  if (typeof body === 'string') {
    const text = body.trim();
    if (!text) return undefined;
    try {
      obj = JSON.parse(text);
    } catch {
      // Not JSON (an HTML error page from a proxy, say): show its first line, bounded.
      return text.split('\n')[0]?.slice(0, 200);
    }
  }
  if (obj && typeof obj === 'object' && 'message' in obj) {
    const m = (obj as { message?: unknown }).message;
    if (typeof m === 'string' && m) return m;
  }
  return undefined;
}

function errCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (e.cause) return errCode(e.cause);
  return undefined;
}

/** Removes anything that looks like a bearer token or JWT from a message before it is shown. */
export function redact(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted token]')
    .replace(/sha256~[A-Za-z0-9_-]+/g, '[redacted token]');
}

const where = (ctx: ErrorContext) => (ctx.server ? ` at ${ctx.server}` : '');
const doing = (ctx: ErrorContext) => (ctx.action ? ` to ${ctx.action}` : '');

function fromHttpStatus(code: number, body: unknown, ctx: ErrorContext): ClusterError {
  const serverMsg = statusMessage(body);
  switch (code) {
    case 401:
      return new ClusterError({
        kind: 'unauthorized',
        status: 401,
        message: `The API server${where(ctx)} rejected the credentials (401 Unauthorized).`,
        hint: 'The token in the kubeconfig may have expired or been revoked. Log in again (for example `oc login`) or point --kubeconfig at a kubeconfig with a valid token.',
      });
    case 403:
      return new ClusterError({
        kind: 'forbidden',
        status: 403,
        message: serverMsg ?? `The API server${where(ctx)} refused the request${doing(ctx)} (403 Forbidden).`,
        hint: 'The identity is authenticated but RBAC does not allow this. Check its roles with `kubectl auth can-i --list`.',
      });
    case 404:
      return new ClusterError({
        kind: 'notfound',
        status: 404,
        message: serverMsg ?? `Not found${where(ctx)} (404).`,
        hint: 'The resource or API does not exist on this cluster.',
      });
    default:
      return new ClusterError({
        kind: 'other',
        status: code,
        message: serverMsg
          ? `The API server answered ${code}: ${serverMsg}`
          : `The API server${where(ctx)} answered with HTTP ${code}${doing(ctx)}.`,
        hint:
          code >= 500
            ? 'The API server is having trouble. Try again in a moment; check its health with `kubectl get --raw /readyz`.'
            : 'The request was not accepted by the API server.',
      });
  }
}

/** Maps any error thrown by a cluster call to a ClusterError. Idempotent for ClusterErrors. */
export function toClusterError(err: unknown, ctx: ErrorContext = {}): ClusterError {
  if (err instanceof ClusterError) return err;

  // client-node's ApiException: duck-typed so the check also holds across bundle copies.
  if (err && typeof err === 'object' && typeof (err as { code?: unknown }).code === 'number') {
    const e = err as { code: number; body?: unknown };
    return fromHttpStatus(e.code, e.body, ctx);
  }

  const name = err instanceof Error ? err.name : '';
  const rawMessage = err instanceof Error ? err.message : String(err);
  const code = errCode(err);

  if (name === 'AbortError' || name === 'TimeoutError' || (!code && /aborted|timed? ?out/i.test(rawMessage))) {
    return new ClusterError({
      kind: 'unreachable',
      message: `The API server${where(ctx)} did not answer in time.`,
      hint: 'Check that the server URL is right and reachable from this machine (VPN, firewall, proxy).',
    });
  }

  if (code && TLS_CODES.has(code)) {
    return new ClusterError({
      kind: 'tls',
      message: `The TLS connection to ${ctx.server ?? 'the API server'} could not be verified (${code}).`,
      hint: 'The server certificate is not signed by the CA in the kubeconfig (certificate-authority-data), or the URL does not match the certificate. Check you use the right kubeconfig for this server.',
    });
  }

  if (code && UNREACHABLE_CODES.has(code)) {
    const what =
      code === 'ECONNREFUSED'
        ? 'refused the connection'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'has a host name that does not resolve'
          : 'could not be reached';
    return new ClusterError({
      kind: 'unreachable',
      message: `The API server${where(ctx)} ${what} (${code}).`,
      hint: 'Check that the cluster is running and that the server URL in the kubeconfig is right and reachable from this machine.',
    });
  }

  if (/HTTP protocol is not allowed/i.test(rawMessage)) {
    return new ClusterError({
      kind: 'config',
      message: 'The kubeconfig points at an http:// server without insecure-skip-tls-verify.',
      hint: 'Use the https:// URL of the API server.',
    });
  }

  return new ClusterError({
    kind: 'other',
    message: redact(rawMessage.split('\n')[0]?.slice(0, 300) || 'Unknown error talking to the cluster.'),
    hint: 'Check that the cluster is reachable with `kubectl get nodes` using the same kubeconfig.',
  });
}
