// A "?" that explains a field or a YAML line on hover and on keyboard focus (a tooltip tied to the
// button with aria-describedby). Pure CSS, no state: usable from server and client components.
// placement "container": the tip is positioned against the nearest positioned ancestor outside a
// scrolling box (the YAML preview), so the box's overflow does not clip it.
import type { ReactNode } from 'react';

const TIP_BELOW = 'left-1/2 top-full mt-1 w-72 -translate-x-1/2 bg-slate-900 text-white';
// On the dark YAML box: a light tip.
const TIP_CONTAINER = 'right-2 mt-7 w-80 bg-white text-slate-900 ring-1 ring-slate-300';

export function FieldHint({
  id,
  label,
  children,
  n,
  placement = 'below',
}: {
  id: string;
  label: string;
  children: ReactNode;
  n?: number | null;
  placement?: 'below' | 'container';
}) {
  return (
    <span className={`group inline-flex align-middle ${placement === 'below' ? 'relative' : ''}`}>
      <button
        type="button"
        aria-label={n ? `Procedure note ${n}: ${label}` : `About ${label}`}
        aria-describedby={id}
        data-testid="field-hint"
        className={`inline-flex h-5 min-w-5 items-center justify-center rounded-full px-1 text-[11px] font-bold leading-none ring-1 ring-inset ${
          n ? 'bg-sky-600 text-white ring-sky-700' : 'bg-slate-100 text-slate-600 ring-slate-300'
        }`}
      >
        {n ?? '?'}
      </button>
      <span
        id={id}
        role="tooltip"
        className={`pointer-events-none invisible absolute z-30 ${placement === 'below' ? TIP_BELOW : TIP_CONTAINER} whitespace-normal rounded-md px-3 py-2 font-sans text-xs font-normal leading-snug opacity-0 shadow-lg transition-opacity group-focus-within:visible group-focus-within:opacity-100 group-hover:visible group-hover:opacity-100`}
      >
        {children}
      </span>
    </span>
  );
}
