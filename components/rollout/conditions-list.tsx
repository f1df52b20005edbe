// The installer's three conditions exactly as the cluster wrote them (an empty reason is shown as such).
import type { InstallerConditionType, RolloutDto } from '@/lib/k8s/rollout';
import { formatUtc } from './format';

export function ConditionsList({ dto }: { dto: RolloutDto }) {
  return (
    <section aria-labelledby="conditions-title" className="space-y-2">
      <h2 id="conditions-title" className="text-lg font-semibold">
        Conditions
      </h2>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table data-testid="conditions-table" className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-2">Type</th>
              <th scope="col" className="px-4 py-2">Status</th>
              <th scope="col" className="px-4 py-2">Reason</th>
              <th scope="col" className="px-4 py-2">Message</th>
              <th scope="col" className="px-4 py-2">Last transition</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {(Object.keys(dto.conditions) as InstallerConditionType[]).map((t) => {
              const c = dto.conditions[t];
              return (
                <tr key={t} data-testid="condition-row" data-type={t} className="align-top">
                  <th scope="row" className="px-4 py-2 text-left font-mono text-xs font-medium">{t}</th>
                  {c ? (
                    <>
                      <td data-testid="condition-status" className="px-4 py-2">{c.status}</td>
                      <td data-testid="condition-reason" className="px-4 py-2 font-mono text-xs">
                        {c.reason || <span className="text-slate-400">(empty reason)</span>}
                      </td>
                      <td data-testid="condition-message" className="whitespace-pre-wrap px-4 py-2 font-mono text-xs">{c.message}</td>
                      <td className="whitespace-nowrap px-4 py-2 text-xs text-slate-600">
                        {c.lastTransitionTime ? <time dateTime={c.lastTransitionTime}>{formatUtc(Date.parse(c.lastTransitionTime))}</time> : '—'}
                      </td>
                    </>
                  ) : (
                    <td colSpan={4} className="px-4 py-2 text-slate-400">not set</td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
