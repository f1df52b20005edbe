// Findings about the token, worst first; each names its severity in words, not only in colour.
import type { TokenWarning } from '@/lib/jwt';

const ORDER = { error: 0, warning: 1, info: 2 } as const;
const STYLE = {
  error: { box: 'border-red-300 bg-red-50 text-red-900', label: 'Problem' },
  warning: { box: 'border-amber-300 bg-amber-50 text-amber-950', label: 'Warning' },
  info: { box: 'border-slate-200 bg-white text-slate-800', label: 'Note' },
} as const;

export function TokenWarnings({ warnings }: { warnings: TokenWarning[] }) {
  if (warnings.length === 0) {
    return <p className="text-sm text-emerald-800" data-testid="no-warnings">No findings: the claims look like a healthy token of this cluster.</p>;
  }
  const sorted = [...warnings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return (
    <ul className="space-y-2" data-testid="token-warnings">
      {sorted.map((w, i) => (
        <li key={`${w.code}-${i}`} data-code={w.code} data-severity={w.severity} className={`rounded-md border px-3 py-2 text-sm ${STYLE[w.severity].box}`}>
          <span className="mr-2 font-semibold">{STYLE[w.severity].label}:</span>
          {w.message}
        </li>
      ))}
    </ul>
  );
}
