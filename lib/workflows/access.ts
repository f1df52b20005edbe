// The initiator's permission check: a SelfSubjectAccessReview, with the initiator's own
// credentials, for every verb the workflow will use (the workflow itself then runs under the
// dashboard's identity). One refused verb refuses the start.
import 'server-only';
import type { KubeConfig } from '@kubernetes/client-node';
import { canIAll, type AccessAttributes } from '@/lib/k8s/access';
import type { AccessCheck, AccessRequirement } from './types';

export async function checkAccess(userKubeConfig: KubeConfig, reqs: AccessRequirement[], opts: { cacheKey?: string } = {}): Promise<AccessCheck> {
  const checks: Record<string, AccessAttributes> = {};
  reqs.forEach((r, i) => {
    const a: AccessAttributes = { verb: r.verb, group: r.group, resource: r.resource };
    if (r.subresource) a.subresource = r.subresource;
    if (r.namespace) a.namespace = r.namespace;
    checks[String(i)] = a;
  });
  const res = await canIAll(userKubeConfig, checks, opts);
  const out = reqs.map((r, i) => ({ ...r, allowed: res[String(i)] ?? false }));
  return { allowed: out.every((c) => c.allowed), checks: out };
}

/** "cannot patch nodes, create pods/eviction" for a refusal message. */
export function deniedText(check: AccessCheck): string {
  return check.checks
    .filter((c) => !c.allowed)
    .map((c) => `${c.verb} ${c.group ? `${c.resource}.${c.group}` : c.resource}${c.subresource ? `/${c.subresource}` : ''}${c.namespace ? ` in ${c.namespace}` : ''}`)
    .join(', ');
}
