// The top bar: product name, the cluster identity, and a slot on the right for the user menu
// (sign-in lands later; the layout passes it in as `userMenu`).
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { ClusterStatus } from '@/lib/k8s/cluster';
import { ClusterIdentity } from './cluster-identity';

export function AppHeader({ status, userMenu }: { status: ClusterStatus; userMenu?: ReactNode }) {
  return (
    <header className="border-b border-slate-800 bg-slate-900 text-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight text-white">
          <svg aria-hidden="true" viewBox="0 0 24 24" className="h-6 w-6 text-sky-400" fill="none" stroke="currentColor" strokeWidth="2">
            <path d="M12 2 4 6v6c0 5 3.4 8.7 8 10 4.6-1.3 8-5 8-10V6l-8-4Z" />
            <path d="m9 12 2 2 4-4" />
          </svg>
          Bound Token Dashboard
        </Link>
        <div className="min-w-0 flex-1">
          <ClusterIdentity status={status} />
        </div>
        <div data-testid="user-menu-slot" className="flex items-center gap-2">
          {userMenu}
        </div>
      </div>
    </header>
  );
}
