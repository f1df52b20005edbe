// The Authentication object's spec before and after the change, as the API server returned them
// from the dry run, with the changed lines marked (never colour alone: + and - prefixes).
import { lineDiff } from './line-diff';

export function SpecDiff({ before, after }: { before: string; after: string }) {
  const lines = lineDiff(before, after);
  return (
    <div data-testid="spec-diff" className="overflow-x-auto rounded-md border border-slate-200 bg-slate-950 text-xs">
      <div className="border-b border-slate-800 px-3 py-1.5 font-sans text-slate-300">authentications.config.openshift.io/cluster</div>
      <pre className="p-3 font-mono leading-5">
        {lines.map((l, i) => (
          <div
            key={i}
            data-op={l.op}
            className={l.op === 'add' ? 'bg-emerald-900/60 text-emerald-100' : l.op === 'del' ? 'bg-red-900/60 text-red-100' : 'text-slate-300'}
          >
            {l.op === 'add' ? '+ ' : l.op === 'del' ? '- ' : '  '}
            {l.text}
          </div>
        ))}
      </pre>
    </div>
  );
}
