// Authentication and authorization for the demo API server: the user model, the pluggable
// authenticator chain and authorizer, static bearer tokens, the interim authorizer, and the
// kube-worded Forbidden message.
import { timingSafeEqual } from 'node:crypto';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface Authenticator {
  authenticate(token: string): Promise<UserInfo | null> | UserInfo | null;
}

export interface AuthzAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string; // non-resource requests
}

export interface Authorizer {
  authorize(user: UserInfo, attrs: AuthzAttributes): { allowed: boolean; reason?: string };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Fixed token → user table (the kubeconfig's admin and the read-only viewer). */
export class StaticTokenAuthenticator implements Authenticator {
  constructor(private readonly tokens: { token: string; user: UserInfo }[]) {}
  authenticate(token: string): UserInfo | null {
    for (const t of this.tokens) if (sameToken(t.token, token)) return structuredClone(t.user);
    return null;
  }
}

export const ADMIN_USER: UserInfo = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };
export const VIEWER_USER: UserInfo = { username: 'viewer', groups: ['system:authenticated'] };
export const ANONYMOUS_USER: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

const READ_VERBS = new Set(['get', 'list', 'watch']);

/** Until RBAC lands: system:masters may do anything, every other user only reads. */
export class InterimAuthorizer implements Authorizer {
  authorize(user: UserInfo, attrs: AuthzAttributes): { allowed: boolean; reason?: string } {
    if (user.groups.includes('system:masters')) return { allowed: true };
    // Everyone authenticated may review themselves (kubectl auth whoami / can-i).
    if (attrs.verb === 'create' && (attrs.resource === 'selfsubjectreviews' || attrs.resource === 'selfsubjectaccessreviews' || attrs.resource === 'selfsubjectrulesreviews')) {
      return { allowed: true };
    }
    if (attrs.path !== undefined) return { allowed: attrs.verb === 'get' };
    return { allowed: READ_VERBS.has(attrs.verb) };
  }
}

/** The message kube's authorization filter writes for a denied request. */
export function forbiddenMessage(user: UserInfo, a: AuthzAttributes, reason?: string): string {
  const suffix = reason ? `: ${reason}` : '';
  if (a.path !== undefined) {
    return `forbidden: User "${user.username}" cannot ${a.verb.toLowerCase()} path "${a.path}"${suffix}`;
  }
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${subject} is forbidden: User "${user.username}" cannot ${a.verb} resource "${res}" in API group "${a.group}" ${scope}${suffix}`;
}
