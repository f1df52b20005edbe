// POST /api/issuer/dry-run {issuer, resourceVersion}: the change checked as the dashboard checks it,
// then sent to the API server with dryRun=All and the resourceVersion precondition; answers with
// the spec before and after as YAML. Nothing is stored.
import { withMutation } from '@/lib/auth/guard';
import { changeVerdict } from '@/components/issuer/issuer-rules';
import { changeIssuer } from '@/lib/k8s/issuer';
import { changeResponse } from '../respond';
import { DryRunBody } from '../schema';

export const dynamic = 'force-dynamic';

export const POST = withMutation(async (_req, { kubeConfig, body }) => {
  return changeResponse(await changeIssuer(kubeConfig, body, { dryRun: true, rules: changeVerdict }));
}, DryRunBody);
