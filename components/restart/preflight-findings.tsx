// Preflight findings: what each means, how bad it is, whether it blocks the start, and the objects.
import { Badge } from '@/components/ui/badge';
import type { PreflightResult } from '@/lib/workflows/types';
import { formatTime } from './format';

const TONE = { critical: 'red', warning: 'amber', info: 'blue' } as const;

export function PreflightFindings({ preflight }: { preflight: PreflightResult }) {
  return (
    <section aria-labelledby="preflight-title" data-testid="preflight" data-blocked={preflight.blocked ? 'true' : 'false'} className="space-y-2">
      <h2 id="preflight-title" className="text-lg font-semibold">
        Preflight
      </h2>
      <p className="text-xs text-slate-500">Checked {formatTime(preflight.checkedAt)} on {preflight.flavor === 'openshift' ? 'OpenShift' : 'Kubernetes'}.</p>
      {preflight.blocked && (
        <p role="alert" data-testid="preflight-blocked" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm font-medium text-red-900">
          The preflight blocks the start: fix the findings marked “blocks” first.
        </p>
      )}
      {preflight.findings.length === 0 ? (
        <p className="text-sm text-emerald-800">Nothing found that makes this restart riskier than it says.</p>
      ) : (
        <ul className="space-y-2">
          {preflight.findings.map((f) => (
            <li key={f.id} data-testid="finding" data-id={f.id} data-blocks={f.blocks ? 'true' : 'false'} className="rounded-md border border-slate-200 bg-white p-3 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <Badge tone={TONE[f.severity]}>{f.severity}</Badge>
                {f.blocks && <Badge tone="darkRed">blocks</Badge>}
                <span className="font-medium">{f.title}</span>
              </div>
              <p className="mt-1 text-slate-700">{f.detail}</p>
              {f.objects && f.objects.length > 0 && (
                <p className="mt-1 break-all font-mono text-xs text-slate-600">
                  {f.objects.join(', ')}
                  {f.count && f.count > f.objects.length ? ` … and ${f.count - f.objects.length} more` : ''}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
