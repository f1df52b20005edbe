// A claim (or header) name in the JSON view. Known names are buttons whose explanation appears on
// hover AND keyboard focus, and is their accessible description (aria-describedby), so screen
// readers and keyboard users get the same text as mouse users.
import { useId } from 'react';
import type { ClaimExplanation } from '@/lib/jwt';

export function ClaimKey({ name, path, explanation }: { name: string; path: string; explanation?: ClaimExplanation | undefined }) {
  const id = useId();
  if (!explanation) {
    return (
      <span className="text-slate-500" data-claim={path} data-known="false" title="Not a claim Kubernetes writes">
        &quot;{name}&quot;
      </span>
    );
  }
  return (
    <span className="group relative inline-block">
      <button
        type="button"
        data-claim={path}
        data-known="true"
        aria-describedby={id}
        className="cursor-help rounded text-sky-800 underline decoration-sky-400 decoration-dotted underline-offset-2 hover:bg-sky-50 focus:bg-sky-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      >
        &quot;{name}&quot;
      </button>
      <span
        role="tooltip"
        id={id}
        className="invisible absolute left-0 top-full z-20 mt-1 w-80 whitespace-normal break-normal rounded-md bg-slate-900 px-3 py-2 font-sans text-xs leading-snug text-slate-50 shadow-lg group-focus-within:visible group-hover:visible"
      >
        <strong className="block text-slate-100">{explanation.title}</strong>
        {explanation.text}
      </span>
    </span>
  );
}
