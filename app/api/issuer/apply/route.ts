// POST /api/issuer/apply {issuer, resourceVersion, confirmation}: the typed confirmation must match
// (the new issuer, or "default"); then a JSON merge patch of authentications.config.openshift.io/cluster
// with the resourceVersion precondition, as the signed-in user. 409 → someone else changed it.
import { jsonError, withMutation } from '@/lib/auth/guard';
import { changeIssuer } from '@/lib/k8s/issuer';
import { changeVerdict, expectedConfirmation } from '@/lib/issuer/rules';
import { ApplyBody, changeResponse } from '@/lib/api/issuer-change';

export const dynamic = 'force-dynamic';

export const POST = withMutation(async (_req, { kubeConfig, body, session }) => {
  const expected = expectedConfirmation(body.issuer);
  if (body.confirmation !== expected) {
    return jsonError(400, 'confirmation', { message: `Type ${body.issuer === '' ? '"default"' : 'the new issuer exactly'} to confirm.` });
  }
  const r = await changeIssuer(kubeConfig, { issuer: body.issuer, resourceVersion: body.resourceVersion }, { dryRun: false, rules: changeVerdict });
  if (r.ok) console.log(`[issuer] ${session.username} set spec.serviceAccountIssuer to ${JSON.stringify(r.specIssuer)} (resourceVersion ${r.resourceVersion})`);
  return changeResponse(r);
}, ApplyBody);
