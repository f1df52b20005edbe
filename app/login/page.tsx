// Sign-in: paste a cluster bearer token (or use the one-time link the launcher printed). Explains
// why you are here (session expired, link already used, ...) and, when already signed in, who as.
import type { Metadata } from 'next';
import { LoginForm } from '@/components/auth/login-form';
import { safeNext } from '@/lib/auth/guard';
import { getSession } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Sign in' };

const NOTICES: Record<string, string> = {
  expired: 'Your session has expired. Sign in again.',
  'link-used': 'That sign-in link has already been used. Links work once: print a new one by restarting the launcher, or paste a token.',
  'link-expired': 'That sign-in link has expired (links are valid for 10 minutes). Restart the launcher for a new one, or paste a token.',
  'link-invalid': 'That sign-in link is not valid for this dashboard.',
  'link-disabled': 'Sign-in links only work when the dashboard runs from a kubeconfig. Paste a token instead.',
  cluster: 'The cluster could not confirm the kubeconfig identity. Check that it is reachable, then try again.',
};

type Search = { next?: string | string[]; reason?: string | string[]; error?: string | string[] };
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function LoginPage({ searchParams }: { searchParams: Promise<Search> }) {
  const sp = await searchParams;
  const next = safeNext(one(sp.next));
  const notice = NOTICES[one(sp.error) ?? ''] ?? (one(sp.reason) === 'expired' ? NOTICES.expired : undefined);
  const session = await getSession();

  return (
    <div className="mx-auto max-w-lg space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Sign in</h1>
        <p className="mt-1 text-sm text-slate-600">
          The dashboard acts with your own cluster credentials, so the cluster decides what you may see and do.
        </p>
      </div>
      {notice && (
        <p role="status" data-testid="login-notice" className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {notice}
        </p>
      )}
      {session && (
        <p data-testid="already-signed-in" className="rounded border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900">
          You are signed in as <strong>{session.username}</strong>. <a href={next} className="underline">Continue</a>, or sign in
          with another token below.
        </p>
      )}
      <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <LoginForm next={next} />
      </section>
      <p className="text-sm text-slate-600">
        Running locally? The launcher prints a one-time sign-in link for the kubeconfig’s identity when it starts.
      </p>
    </div>
  );
}
