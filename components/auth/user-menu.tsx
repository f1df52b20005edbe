// The header's user menu (server component): who is signed in, their groups, and sign out.
// Without a session it offers the sign-in link instead.
import { getSession } from '@/lib/auth/session';
import { SignOutButton } from './sign-out-button';

export async function UserMenu() {
  const session = await getSession();
  if (!session) {
    return (
      <a href="/login" className="rounded px-2 py-1 text-sm text-slate-200 hover:bg-slate-800 hover:text-white">
        Sign in
      </a>
    );
  }
  const via = session.kind === 'kubeconfig' ? 'the kubeconfig identity (one-time link)' : 'a bearer token';
  return (
    <details className="relative" data-testid="user-menu">
      <summary className="flex cursor-pointer list-none items-center gap-2 rounded px-2 py-1 text-sm text-slate-100 hover:bg-slate-800 focus:outline-none focus:ring-2 focus:ring-sky-500">
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5 text-slate-400" fill="none" stroke="currentColor" strokeWidth="2">
          <circle cx="12" cy="8" r="4" />
          <path d="M4 21c0-4 4-6 8-6s8 2 8 6" />
        </svg>
        <span data-testid="user-name" className="max-w-[16rem] truncate font-medium">
          {session.username}
        </span>
      </summary>
      <div className="absolute right-0 z-20 mt-2 w-72 rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-800 shadow-lg">
        <p className="font-medium break-all">{session.username}</p>
        <p className="mt-0.5 text-xs text-slate-500">Signed in with {via}</p>
        {session.groups.length > 0 && (
          <>
            <p className="mt-3 text-xs font-semibold uppercase tracking-wide text-slate-500">Groups</p>
            <ul data-testid="user-groups" className="mt-1 space-y-0.5">
              {session.groups.map((g) => (
                <li key={g} className="break-all font-mono text-xs">
                  {g}
                </li>
              ))}
            </ul>
          </>
        )}
        <SignOutButton className="mt-3 w-full rounded border border-slate-300 px-3 py-1.5 text-left hover:bg-slate-50 focus:outline-none focus:ring-2 focus:ring-sky-500 disabled:opacity-50" />
      </div>
    </details>
  );
}
