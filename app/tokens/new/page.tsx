// /tokens/new: request a token (TokenRequest) as the signed-in user. The page checks up front
// whether the user may create tokens at all, so a viewer sees a disabled form with the reason.
import type { Metadata } from 'next';
import Link from 'next/link';
import { TokenRequestForm } from '@/components/tokens/token-request-form';
import { redirectIfSessionRejected, requireSession } from '@/lib/auth/guard';
import { getClusterStatus } from '@/lib/k8s';
import { canI } from '@/lib/k8s/access';
import { readIssuerState } from '@/lib/k8s/issuer';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Request a token' };

const NAMESPACE = 'default';

export default async function NewTokenPage() {
  const { session, kubeConfig } = await requireSession('/tokens/new');
  let allowed = false;
  try {
    allowed = (await canI(kubeConfig, { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: NAMESPACE }, { cacheKey: session.sid })).allowed;
  } catch (err) {
    await redirectIfSessionRejected(err, '/tokens/new');
  }
  let apiAudiences: string[] = [];
  const status = await getClusterStatus();
  if (status.ok) {
    apiAudiences = await readIssuerState(kubeConfig, { flavor: status.info.flavor }).then((s) => s.apiAudiences, () => []);
  }
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/tokens" className="text-sky-800 underline">Tokens</Link> / Request
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">Request a token</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          A TokenRequest for a service account, as you ({session.username}): what <code>oc create token</code> does. The token is shown once
          and never stored by the dashboard.
        </p>
      </div>
      <TokenRequestForm username={session.username} initialNamespace={NAMESPACE} initialServiceAccount="default" initialCanCreate={allowed} apiAudiences={apiAudiences} />
    </div>
  );
}
