// One projected service account token of one pod: audience, lifetime and when the kubelet
// refreshes it, file path, pod age and whether the pod started before the last issuer change.
import { Badge } from '@/components/ui/badge';
import { formatDuration, kubeletRefreshSeconds, WARN_ONLY_SECONDS } from '@/lib/jwt/times';
import type { ProjectedTokenDto } from '@/lib/k8s/projected';
import { formatAge } from '@/components/nodes/age';

/** kubectl-style age from a number of seconds (deterministic: the server measured it). */
function ageText(seconds: number | null): string {
  return seconds === null ? '—' : formatAge(new Date(0).toISOString(), seconds * 1000);
}

export function TokenRow({ t }: { t: ProjectedTokenDto }) {
  const files = t.mountPaths.length ? t.mountPaths.map((m) => `${m.replace(/\/+$/, '')}/${t.path}`) : [`(not mounted) ${t.path}`];
  return (
    <tr
      id={`projected-row-${t.namespace}-${t.pod}-${t.volume}`}
      data-testid="projected-row"
      data-namespace={t.namespace}
      data-pod={t.pod}
      data-volume={t.volume}
      className="align-top hover:bg-slate-50"
    >
      <th scope="row" className="px-3 py-2 text-left font-normal">
        <span className="block font-medium text-slate-900">{t.pod}</span>
        <span className="block text-xs text-slate-500">{t.namespace}</span>
      </th>
      <td className="px-3 py-2 text-slate-700">{t.serviceAccount}</td>
      <td className="px-3 py-2">
        <code className="text-xs">{t.volume}</code>
        {t.autoInjected && (
          <span className="ml-1">
            <Badge tone="neutral" title="Injected by the ServiceAccount admission plugin">
              auto
            </Badge>
          </span>
        )}
      </td>
      <td data-testid="row-audience" className="px-3 py-2">
        {t.apiAudiences ? <span className="italic text-slate-600">{t.audience}</span> : <code className="text-xs">{t.audience}</code>}
      </td>
      <td data-testid="row-lifetime" className="whitespace-nowrap px-3 py-2 tabular-nums">
        {t.expirationSeconds} s
        <span className="block text-xs text-slate-500">
          {formatDuration(t.expirationSeconds)}, refreshed after {formatDuration(kubeletRefreshSeconds(t.expirationSeconds))}
          {t.expirationSeconds === WARN_ONLY_SECONDS && t.apiAudiences ? '; JWT valid 1 year' : ''}
        </span>
      </td>
      <td data-testid="row-path" className="px-3 py-2">
        {files.map((f) => (
          <code key={f} className="block break-all text-xs">
            {f}
          </code>
        ))}
      </td>
      <td className="whitespace-nowrap px-3 py-2 tabular-nums" title={t.startTime ?? 'not started'}>
        {ageText(t.age)}
        <span className="block text-xs text-slate-500">{t.phase}</span>
      </td>
      <td data-testid="row-before-change" className="px-3 py-2">
        {t.startedBeforeIssuerChange === true ? (
          <Badge tone="amber" title="Its tokens came from the previous issuer until the kubelet refreshed them; restart it to be sure.">
            Yes
          </Badge>
        ) : t.startedBeforeIssuerChange === false ? (
          <Badge tone="green">No</Badge>
        ) : (
          <span className="text-slate-400" title="No issuer change on record, or the pod has not started">
            —
          </span>
        )}
      </td>
    </tr>
  );
}
