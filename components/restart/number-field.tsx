// A labelled number input in seconds (or a count), with the help text that says what it changes.
export function NumberField(props: { id: string; label: string; value: number; min: number; max: number; step?: number; help: string; disabled?: boolean; onChange: (v: number) => void }) {
  return (
    <div>
      <label htmlFor={props.id} className="block text-sm font-medium">
        {props.label}
      </label>
      <input
        id={props.id}
        type="number"
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        value={Number.isFinite(props.value) ? props.value : ''}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value === '' ? NaN : Number(e.target.value))}
        className="mt-1 w-32 rounded-md border border-slate-300 px-2 py-1 text-sm disabled:bg-slate-100"
      />
      <p className="mt-0.5 text-xs text-slate-500">{props.help}</p>
    </div>
  );
}
