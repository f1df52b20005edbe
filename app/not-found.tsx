// 404 inside the app shell.
import Link from 'next/link';

export default function NotFound() {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-700">There is no page at this address.</p>
      <p className="mt-4">
        <Link href="/" className="font-medium text-sky-700 underline hover:text-sky-900">
          Back to the overview
        </Link>
      </p>
    </section>
  );
}
