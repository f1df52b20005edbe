// The live YAML of the pod, line by line, with the procedure's numbered notes beside the lines they
// explain (hover or focus a number). The YAML text itself stays free of the numbers, so what is
// read, copied and downloaded is valid YAML.
import { calloutForLine } from './callouts';
import { FieldHint } from './field-hint';

export function YamlPreview({ yaml }: { yaml: string }) {
  const lines = yaml.replace(/\n$/, '').split('\n');
  return (
    // The positioned wrapper (not the scrolling <pre>) anchors the notes, so they are not clipped.
    <div className="relative">
      <pre
        data-testid="yaml-preview"
        aria-label="pod-projected-svc-token.yaml"
        className="overflow-x-auto rounded-lg bg-slate-900 p-4 text-[13px] leading-6 text-slate-100"
      >
        {lines.map((line, i) => {
          const c = calloutForLine(line);
          return (
            <div key={i} className="flex items-center gap-3">
              <code data-yaml-line className="whitespace-pre">
                {line}
              </code>
              {c && (
                <FieldHint id={`yaml-note-${i}`} label={line.trim()} n={c.n} placement="container">
                  {c.n ? <strong className="mr-1">({c.n})</strong> : null}
                  {c.text}
                </FieldHint>
              )}
            </div>
          );
        })}
      </pre>
    </div>
  );
}
