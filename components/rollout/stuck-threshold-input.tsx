// The "no progress for N minutes" limit of the stuck detection (a small number input).
export function StuckThresholdInput({ minutes, onChange }: { minutes: number; onChange: (m: number) => void }) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-600">
      Call it stuck after no progress for
      <input
        data-testid="stuck-minutes"
        type="number"
        min={1}
        max={1440}
        step={1}
        value={minutes}
        onChange={(e) => {
          const v = Math.round(Number(e.target.value));
          if (Number.isFinite(v) && v >= 1 && v <= 1440) onChange(v);
        }}
        className="w-16 rounded border border-slate-300 px-2 py-1 text-right tabular-nums"
      />
      minutes (cluster time), or after two failed attempts on a node.
    </label>
  );
}
