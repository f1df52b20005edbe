// The token's times in a table: local time (the browser's zone), UTC, and relative to now.
import { describeTime, formatLocal, formatUtc, type Now, type TimePoint, type TokenTimes as Times } from '@/lib/jwt';

const ROWS: { key: TimePoint; label: string }[] = [
  { key: 'iat', label: 'Issued (iat)' },
  { key: 'nbf', label: 'Not before (nbf)' },
  { key: 'refresh', label: 'Kubelet refresh' },
  { key: 'warnafter', label: 'Warn after' },
  { key: 'exp', label: 'Expires (exp)' },
];

export function TokenTimes({ times, now }: { times: Times; now: Now }) {
  const at = (k: TimePoint): number | undefined => (k === 'refresh' ? times.refresh?.at : times[k]);
  const rows = ROWS.filter((r) => at(r.key) !== undefined);
  if (rows.length === 0) return <p className="text-sm text-slate-600">The token carries no times (no iat, nbf or exp).</p>;
  return (
    <table className="w-full text-left text-sm" data-testid="token-times">
      <thead className="text-xs uppercase tracking-wide text-slate-500">
        <tr>
          <th scope="col" className="py-1 pr-4 font-medium">Time</th>
          <th scope="col" className="py-1 pr-4 font-medium">Local</th>
          <th scope="col" className="py-1 pr-4 font-medium">UTC</th>
          <th scope="col" className="py-1 font-medium">Relative</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {rows.map((r) => {
          const t = at(r.key)!;
          return (
            <tr key={r.key} data-time={r.key}>
              <th scope="row" className="py-1.5 pr-4 font-medium text-slate-800">{r.label}</th>
              <td className="py-1.5 pr-4 font-mono text-xs">{formatLocal(t)}</td>
              <td className="py-1.5 pr-4 font-mono text-xs">{formatUtc(t)}</td>
              <td className="py-1.5" data-relative>{describeTime(r.key, t, now)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
