// /tokens: the token inspector. The page only supplies what the browser cannot know — the
// cluster's current issuer, the previous issuers it still trusts (and until when) and its API
// audiences — read as the signed-in user; the token itself is decoded and verified in the browser.
import type { Metadata } from 'next';
import Link from 'next/link';
import { TokenInspector, type IssuerContext } from '@/components/tokens/token-inspector';
import { redirectIfSessionRejected, requireSession } from '@/lib/auth/guard';
import { getClusterStatus, toClusterError } from '@/lib/k8s';
import { readIssuerState } from '@/lib/k8s/issuer';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Token inspector' };

async function issuerContext(kubeConfig: Parameters<typeof readIssuerState>[0]): Promise<IssuerContext> {
  const status = await getClusterStatus();
  if (!status.ok) return { unavailable: 'the cluster cannot be reached' };
  try {
    const s = await readIssuerState(kubeConfig, { flavor: status.info.flavor });
    const ctx: IssuerContext = {
      // Only the others: the current issuer is named on its own in every finding.
      trustedIssuers: s.trusted
        .filter((t) => t.name !== s.currentIssuer)
        .map((t) => (t.expirationTime ? { name: t.name, expirationTime: t.expirationTime } : { name: t.name })),
      apiAudiences: s.apiAudiences,
    };
    if (s.currentIssuer) ctx.currentIssuer = s.currentIssuer;
    else ctx.unavailable = 'the cluster does not say which issuer it uses';
    return ctx;
  } catch (err) {
    await redirectIfSessionRejected(err, '/tokens');
    return { unavailable: `the cluster's issuer settings could not be read (${toClusterError(err).message})` };
  }
}

export default async function TokensPage() {
  const { kubeConfig } = await requireSession('/tokens');
  const issuer = await issuerContext(kubeConfig);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Token inspector</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            Paste a service account token to see what it is, whether it is still good, and why not.
            {issuer.currentIssuer ? (
              <>
                {' '}This cluster issues tokens as <code className="font-mono text-xs" data-testid="current-issuer">{issuer.currentIssuer}</code>.
              </>
            ) : null}
          </p>
        </div>
        <Link href="/tokens/new" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50">
          Request a token
        </Link>
      </div>
      <TokenInspector issuer={issuer} />
    </div>
  );
}
