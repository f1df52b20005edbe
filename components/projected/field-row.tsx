// One labelled form field with the procedure's notes for it (hover/focus hints), a help line and
// its errors (our validation or the cluster's own refusal), wired with aria-describedby.
import type { ReactNode } from 'react';
import { calloutsForField } from './callouts';
import { FieldHint } from './field-hint';
import type { FormField } from './pod-manifest';

export function FieldRow({
  field,
  label,
  help,
  errors,
  children,
}: {
  field: FormField;
  label: string;
  help?: ReactNode;
  errors: string[];
  /** The control; it must use id `f-<field>` and aria-describedby `f-<field>-desc`. */
  children: ReactNode;
}) {
  const notes = calloutsForField(field);
  return (
    <div className="space-y-1" data-field={field}>
      <div className="flex items-center gap-1.5">
        <label htmlFor={`f-${field}`} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        {notes.map((c, i) => (
          <FieldHint key={i} id={`f-${field}-note-${i}`} label={label} n={c.n}>
            {c.n ? <strong className="mr-1">Procedure ({c.n}):</strong> : null}
            {c.text}
          </FieldHint>
        ))}
      </div>
      {children}
      <div id={`f-${field}-desc`}>
        {help && <p className="text-xs text-slate-500">{help}</p>}
        {errors.map((e, i) => (
          <p key={i} className="text-xs font-medium text-red-700" data-testid={`error-${field}`}>
            {e}
          </p>
        ))}
      </div>
    </div>
  );
}
