// Kubernetes API errors as the kube-apiserver words them: a StatusError carries the HTTP code,
// the reason and details, and toStatus() renders the metav1.Status body clients parse.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  code: number;
  reason: string;
  details?: StatusDetails;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.code = code;
    this.reason = reason;
    if (details) this.details = details;
  }

  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    // kube omits an empty details object (e.g. the 401 body has none).
    if (this.details && Object.keys(this.details).length > 0) {
      const d: StatusDetails = {};
      if (this.details.name) d.name = this.details.name; // omitempty: an unnamed 422 has no name
      if (this.details.group) d.group = this.details.group;
      if (this.details.kind) d.kind = this.details.kind;
      if (this.details.uid) d.uid = this.details.uid;
      if (this.details.causes) d.causes = this.details.causes;
      if (this.details.retryAfterSeconds !== undefined) d.retryAfterSeconds = this.details.retryAfterSeconds;
      s.details = d;
    }
    // Key order as kube serialises it: message, reason, details, code.
    return { kind: s.kind, apiVersion: s.apiVersion, metadata: s.metadata, status: s.status, message: s.message, reason: s.reason, ...(s.details ? { details: s.details } : {}), code: s.code };
  }
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}

/** "pods" → {resource:"pods"}; "authentications.config.openshift.io" → {resource:"authentications", group:"config.openshift.io"}. */
export function splitResource(resource: string): { resource: string; group: string } {
  const i = resource.indexOf('.');
  if (i < 0) return { resource, group: '' };
  return { resource: resource.slice(0, i), group: resource.slice(i + 1) };
}

function resourceDetails(resource: string, name: string): StatusDetails {
  const { resource: r, group } = splitResource(resource);
  return group ? { name, group, kind: r } : { name, kind: r };
}

export function notFound(resource: string, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${resource} "${name}" not found`, resourceDetails(resource, name));
}

export function alreadyExists(resource: string, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${resource} "${name}" already exists`, resourceDetails(resource, name));
}

export const CONFLICT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(resource: string, name: string, why: string = CONFLICT_MODIFIED): StatusError {
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, resourceDetails(resource, name));
}

export interface FieldCause {
  field: string;
  message: string; // the error body, e.g. `Required value` or `Invalid value: "x": ...`
  reason?: string; // FieldValueRequired | FieldValueInvalid | FieldValueNotSupported | FieldValueForbidden | FieldValueDuplicate | FieldValueTooLong ...
}

/** kind is "Pod" (core) or a qualified kind such as "TokenRequest.authentication.k8s.io". */
export function invalid(kind: string, name: string, causes: FieldCause[]): StatusError {
  const i = kind.indexOf('.');
  const k = i < 0 ? kind : kind.slice(0, i);
  const group = i < 0 ? '' : kind.slice(i + 1);
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const agg = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
  const details: StatusDetails = { name };
  if (group) details.group = group;
  details.kind = k;
  details.causes = causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field }));
  return new StatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${agg}`, details);
}

export function badRequest(msg: string): StatusError {
  return new StatusError(400, 'BadRequest', msg);
}

export function unauthorized(msg: string = 'Unauthorized'): StatusError {
  return new StatusError(401, 'Unauthorized', msg);
}

export function forbidden(msg: string, details?: StatusDetails): StatusError {
  return new StatusError(403, 'Forbidden', msg, details);
}

export function methodNotAllowed(msg: string, details?: StatusDetails): StatusError {
  return new StatusError(405, 'MethodNotAllowed', msg, details);
}

/** 410 with reason Expired: what a watch or continue token gets once its resourceVersion is compacted. */
export function gone(msg: string): StatusError {
  return new StatusError(410, 'Expired', msg);
}

export function unsupportedMediaType(types: string[]): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${types.join(', ')}`);
}

export function tooManyRequests(msg: string, retryAfterSeconds: number): StatusError {
  return new StatusError(429, 'TooManyRequests', msg, { retryAfterSeconds });
}

/** As kube's NewInternalError: the message is prefixed and repeated as the single cause. */
export function internalError(msg: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${msg}`, { causes: [{ message: msg }] });
}

export function serviceUnavailable(msg: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', msg);
}
