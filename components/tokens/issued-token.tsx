// The token the cluster just issued, shown once: copy it or open it in the inspector (through the
// URL fragment, which browsers never send to a server). It lives only in this component's state.
import { CopyButton } from '@/components/ui/copy-button';

export interface Issued {
  token: string;
  expirationTimestamp: string | null;
  audiences: string[];
  expirationSeconds: number | null;
  warnings: string[];
}

export function IssuedToken({ issued, onForget }: { issued: Issued; onForget: () => void }) {
  return (
    <section aria-labelledby="issued-title" data-testid="issued-token" className="space-y-3 rounded-lg border-2 border-emerald-400 bg-emerald-50 p-4">
      <h2 id="issued-title" className="text-lg font-semibold text-emerald-950">
        Token issued
      </h2>
      <p className="text-sm text-emerald-950">
        Shown once: the dashboard does not store it, and it is gone when you leave or reload this page. Copy it now.
      </p>
      {issued.warnings.length ? (
        <ul role="alert" data-testid="issued-warnings" className="space-y-1">
          {issued.warnings.map((w) => (
            <li key={w} className="rounded-md border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-950">
              <strong>The cluster warns:</strong> {w}
            </li>
          ))}
        </ul>
      ) : null}
      <label htmlFor="issued-token-text" className="sr-only">
        The issued token
      </label>
      <textarea
        id="issued-token-text"
        readOnly
        value={issued.token}
        rows={4}
        spellCheck={false}
        onFocus={(e) => e.currentTarget.select()}
        className="w-full rounded-md border border-emerald-300 bg-white p-2 font-mono text-xs"
      />
      <div className="flex flex-wrap items-center gap-3">
        <CopyButton text={issued.token} label="Copy token" />
        {/* A full page load: the fragment stays in the browser and the inspector reads it once. */}
        <a
          href={`/tokens#token=${encodeURIComponent(issued.token)}`}
          className="rounded-md bg-slate-900 px-3 py-1.5 text-xs font-semibold text-white hover:bg-slate-700"
        >
          Open in the inspector
        </a>
        <button type="button" onClick={onForget} className="text-xs text-slate-700 underline">
          Forget it now
        </button>
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-600">Expires</dt>
        <dd data-testid="issued-expiration">{issued.expirationTimestamp ?? '—'}</dd>
        <dt className="text-slate-600">Lifetime</dt>
        <dd>{issued.expirationSeconds !== null ? `${issued.expirationSeconds} s` : '—'}</dd>
        <dt className="text-slate-600">Audiences</dt>
        <dd className="font-mono text-xs" data-testid="issued-audiences">{issued.audiences.join(', ')}</dd>
      </dl>
    </section>
  );
}
