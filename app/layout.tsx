// Root layout: header with the cluster identity, main navigation, and the page.
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { UserMenu } from '@/components/auth/user-menu';
import { AppHeader } from '@/components/layout/app-header';
import { SideNav } from '@/components/layout/side-nav';
import { getClusterStatus } from '@/lib/k8s/cluster';
import './globals.css';

// Every render reads the live cluster; nothing here may be prerendered at build time.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: 'Bound Token Dashboard', template: '%s · Bound Token Dashboard' },
  description: 'Service account tokens, the service account issuer and the kube-apiserver rollout, for cluster admins.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const status = await getClusterStatus();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-slate-900"
        >
          Skip to content
        </a>
        <AppHeader status={status} userMenu={<UserMenu />} />
        <div className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6 md:flex-row">
          <SideNav />
          <main id="main" className="min-w-0 flex-1">
            {children}
          </main>
        </div>
      </body>
    </html>
  );
}
