'use client';
// Last-resort error boundary: a plain message and the digest to find the server log line. The
// error's message and stack are deliberately not shown.
import { useEffect } from 'react';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    // The browser console only gets the digest; details are in the server log.
    console.error('Page error', error.digest ?? '');
  }, [error]);
  return (
    <section role="alert" className="rounded-lg border border-red-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold text-red-800">Something went wrong</h1>
      <p className="mt-2 text-slate-700">The page could not be shown. The server log has the details.</p>
      {error.digest && (
        <p className="mt-1 text-sm text-slate-500">
          Reference: <code>{error.digest}</code>
        </p>
      )}
      <button
        type="button"
        onClick={reset}
        className="mt-5 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700"
      >
        Try again
      </button>
    </section>
  );
}
