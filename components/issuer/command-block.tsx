// A shell command to copy, with a label saying which tool it is for.
export function CommandBlock({ label, command, testId }: { label: string; command: string; testId?: string }) {
  return (
    <div>
      <div className="text-xs font-medium text-slate-600">{label}</div>
      <pre data-testid={testId} className="mt-1 overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
        <code>$ {command}</code>
      </pre>
    </div>
  );
}
