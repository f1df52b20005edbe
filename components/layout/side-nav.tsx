'use client';
// Main navigation. A client component only to mark the current page (usePathname).
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { NAV_ITEMS } from './nav-items';

function isCurrent(pathname: string, href: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}

export function SideNav() {
  const pathname = usePathname() ?? '/';
  return (
    <nav aria-label="Main" className="w-full shrink-0 md:w-52">
      <ul className="flex flex-wrap gap-1 md:flex-col">
        {NAV_ITEMS.map((item) => {
          if (!item.ready) {
            return (
              <li key={item.href}>
                <span
                  aria-disabled="true"
                  title={`${item.label}: coming soon`}
                  className="flex cursor-not-allowed items-center justify-between gap-2 rounded-md px-3 py-2 text-sm text-slate-400"
                >
                  {item.label}
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[10px] font-semibold uppercase tracking-wide text-slate-500">
                    soon
                  </span>
                </span>
              </li>
            );
          }
          const current = isCurrent(pathname, item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={current ? 'page' : undefined}
                className={
                  current
                    ? 'block rounded-md bg-sky-100 px-3 py-2 text-sm font-semibold text-sky-900'
                    : 'block rounded-md px-3 py-2 text-sm text-slate-700 hover:bg-slate-100 hover:text-slate-900'
                }
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
