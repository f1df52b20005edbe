// POST /api/issuer/dry-run {issuer, resourceVersion}: the change checked as the dashboard checks it,
// then sent to the API server with dryRun=All and the resourceVersion precondition; answers with
// the spec before and after as YAML. Nothing is stored.
import { withMutation } from '@/lib/auth/guard';
import { changeVerdict } from '@/lib/issuer/rules';
import { changeIssuer } from '@/lib/k8s/issuer';
import { changeResponse, DryRunBody } from '@/lib/api/issuer-change';

export const dynamic = 'force-dynamic';

export const POST = withMutation(async (_req, { kubeConfig, body }) => {
  return changeResponse(await changeIssuer(kubeConfig, body, { dryRun: true, rules: changeVerdict }));
}, DryRunBody);
