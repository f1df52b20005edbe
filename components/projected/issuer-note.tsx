// The line above the table that says which issuer signs now and when it last changed, so the
// "started before the last issuer change" column can be read (or why it is empty).
import type { IssuerChange } from '@/lib/k8s/projected';

export function IssuerNote({ issuer }: { issuer: IssuerChange | null }) {
  if (!issuer) {
    return (
      <p data-testid="issuer-note" className="text-sm text-slate-600">
        The issuer history could not be read (not OpenShift, or no access to the KubeAPIServer operator status): the last column shows —.
      </p>
    );
  }
  return (
    <p data-testid="issuer-note" className="text-sm text-slate-600">
      Issuer now: <code className="text-slate-900">{issuer.current ?? 'unknown'}</code>.{' '}
      {issuer.changedAt ? (
        <>
          It last changed about <time dateTime={issuer.changedAt}>{issuer.changedAt.replace('T', ' ').replace('Z', ' UTC')}</time> (the previous issuer{' '}
          {issuer.previous.map((p) => p.name).join(', ')} is trusted until{' '}
          {issuer.previous.map((p) => p.expirationTime.replace('T', ' ').replace('Z', ' UTC')).join(', ')}).
        </>
      ) : (
        'No previous issuer is trusted: no issuer change within the last 24 hours is on record.'
      )}
    </p>
  );
}
