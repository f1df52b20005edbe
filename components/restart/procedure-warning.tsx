// The plan's warnings: the procedure's WARNING verbatim first (as the documentation prints it),
// then ours (order, scope, options that lose data). A note that quotes the procedure's WARNING is
// shown as strongly as the WARNING itself.
import { PROCEDURE_WARNINGS } from '@/lib/workflows/types';

const QUOTES = Object.values(PROCEDURE_WARNINGS);

export function ProcedureWarning({ warnings }: { warnings: string[] }) {
  return (
    <section data-testid="plan-warnings" aria-label="Warnings" className="space-y-2">
      {warnings.map((w, i) => {
        const procedure = w.startsWith('WARNING (from the procedure): ');
        const text = procedure ? w.slice('WARNING (from the procedure): '.length) : w;
        return procedure ? (
          <aside key={i} role="note" data-testid="procedure-warning" className="rounded-md border-l-4 border-red-600 bg-red-50 p-3 text-sm text-red-950">
            <p className="font-semibold">WARNING (from the procedure)</p>
            <p className="mt-1" data-testid="procedure-warning-text">{text}</p>
          </aside>
        ) : (
          <p key={i} className={`whitespace-pre-wrap rounded-md border p-3 text-sm ${QUOTES.some((q) => w.includes(q)) ? 'border-red-300 bg-red-50 text-red-950' : 'border-amber-300 bg-amber-50 text-amber-950'}`}>
            {text}
          </p>
        );
      })}
    </section>
  );
}
