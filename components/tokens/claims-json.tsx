// Header or payload as formatted JSON, every known name explained (ClaimKey), and NumericDate
// claims annotated with their UTC time and how long ago / from now.
import type { ReactNode } from 'react';
import { describeTime, formatUtc, type ClaimExplanation, type JsonObject, type Now, type TimePoint } from '@/lib/jwt';
import { ClaimKey } from './claim-key';

const TIME_CLAIMS: Record<string, TimePoint> = { iat: 'iat', nbf: 'nbf', exp: 'exp', 'kubernetes.io.warnafter': 'warnafter' };

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function Scalar({ value }: { value: unknown }) {
  const cls = typeof value === 'string' ? 'text-emerald-800' : typeof value === 'number' ? 'text-violet-800' : 'text-amber-800';
  return <span className={cls}>{JSON.stringify(value)}</span>;
}

export function ClaimsJson({
  value,
  explanations,
  now,
  label,
}: {
  value: JsonObject;
  explanations: Record<string, ClaimExplanation>;
  now: Now;
  label: string;
}) {
  const lines: ReactNode[] = [];
  const pad = (depth: number) => '  '.repeat(depth);
  let n = 0;

  const walk = (obj: JsonObject, prefix: string, depth: number) => {
    const entries = Object.entries(obj);
    entries.forEach(([k, v], i) => {
      const path = prefix ? `${prefix}.${k}` : k;
      const own = Object.prototype.hasOwnProperty.call(explanations, path) ? explanations[path] : undefined;
      const comma = i < entries.length - 1 ? ',' : '';
      const key = <ClaimKey name={k} path={path} explanation={own} />;
      if (isObject(v) && depth < 6) {
        lines.push(<div key={n++}>{pad(depth)}{key}: {'{'}</div>);
        walk(v, path, depth + 1);
        lines.push(<div key={n++}>{pad(depth)}{'}'}{comma}</div>);
      } else if (Array.isArray(v) && v.length > 0 && v.every((x) => !isObject(x) && !Array.isArray(x))) {
        lines.push(<div key={n++}>{pad(depth)}{key}: [</div>);
        v.forEach((x, j) => lines.push(<div key={n++}>{pad(depth + 1)}<Scalar value={x} />{j < v.length - 1 ? ',' : ''}</div>));
        lines.push(<div key={n++}>{pad(depth)}]{comma}</div>);
      } else {
        const time = TIME_CLAIMS[path];
        lines.push(
          <div key={n++}>
            {pad(depth)}
            {key}: {isObject(v) || Array.isArray(v) ? <span className="text-slate-700">{JSON.stringify(v)}</span> : <Scalar value={v} />}
            {comma}
            {time && typeof v === 'number' && Number.isFinite(v) ? (
              <span className="ml-3 text-slate-500" data-time-note={path}>
                {'// '}
                {formatUtc(v)}, {describeTime(time, v, now)}
              </span>
            ) : null}
          </div>,
        );
      }
    });
  };
  walk(value, '', 1);

  return (
    <pre aria-label={label} className="whitespace-pre-wrap break-all rounded-md border border-slate-200 bg-white p-3 font-mono text-[13px] leading-6 text-slate-900">
      <div>{'{'}</div>
      {lines}
      <div>{'}'}</div>
    </pre>
  );
}
