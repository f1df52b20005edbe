// A small pill label. Colour is never the only signal: the text always says the state.
import type { ReactNode } from 'react';

const TONES = {
  neutral: 'bg-slate-100 text-slate-700 ring-slate-300',
  green: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  red: 'bg-red-50 text-red-800 ring-red-300',
  amber: 'bg-amber-100 text-amber-900 ring-amber-400',
  blue: 'bg-sky-50 text-sky-800 ring-sky-300',
  darkAmber: 'bg-amber-400 text-slate-900 ring-amber-300',
  darkNeutral: 'bg-slate-800 text-slate-100 ring-slate-600',
  darkRed: 'bg-red-600 text-white ring-red-400',
} as const;

export type BadgeTone = keyof typeof TONES;

export function Badge({ tone = 'neutral', children, title }: { tone?: BadgeTone; children: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}
