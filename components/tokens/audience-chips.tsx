// Audiences as chips: Enter or a comma adds one, × (or Backspace in the empty box) removes one.
import { useState } from 'react';

export function AudienceChips({
  id,
  value,
  onChange,
  disabled,
  describedBy,
  invalid,
}: {
  id: string;
  value: string[];
  onChange: (v: string[]) => void;
  disabled?: boolean;
  describedBy?: string;
  invalid?: boolean;
}) {
  const [draft, setDraft] = useState('');
  const add = (text: string) => {
    const parts = text.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
    const next = [...value];
    for (const p of parts) if (!next.includes(p)) next.push(p);
    if (next.length !== value.length) onChange(next);
    setDraft('');
  };
  return (
    <div
      className={`flex flex-wrap items-center gap-1.5 rounded-md border bg-white px-2 py-1.5 focus-within:border-sky-500 focus-within:ring-2 focus-within:ring-sky-200 ${invalid ? 'border-red-500' : 'border-slate-300'}`}
    >
      {value.map((a) => (
        <span key={a} data-testid="audience-chip" className="inline-flex items-center gap-1 rounded-full bg-sky-100 px-2 py-0.5 text-xs text-sky-900">
          {a}
          <button type="button" disabled={disabled} onClick={() => onChange(value.filter((x) => x !== a))} aria-label={`Remove audience ${a}`} className="rounded-full px-1 hover:bg-sky-200">
            ×
          </button>
        </span>
      ))}
      <input
        id={id}
        value={draft}
        disabled={disabled}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        onChange={(e) => {
          if (e.target.value.includes(',')) add(e.target.value);
          else setDraft(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add(draft);
          } else if (e.key === 'Backspace' && draft === '' && value.length > 0) {
            onChange(value.slice(0, -1));
          }
        }}
        onBlur={() => draft.trim() && add(draft)}
        placeholder={value.length ? '' : 'e.g. vault (Enter or comma to add)'}
        className="min-w-40 flex-1 border-0 p-0.5 text-sm focus:outline-none focus:ring-0 disabled:bg-transparent"
      />
    </div>
  );
}
