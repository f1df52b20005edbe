// The cluster's TokenReview answer: authenticated or not, who, groups, extra, audiences, and the
// cluster's own error text verbatim.
import { Badge } from '@/components/ui/badge';

export interface Review {
  authenticated: boolean;
  user: { username?: string; uid?: string; groups: string[]; extra: Record<string, string[]> };
  audiences: string[];
  error: string | null;
}

export function ReviewResult({ review }: { review: Review }) {
  const extra = Object.entries(review.user.extra ?? {});
  return (
    <div
      data-testid="review-result"
      data-authenticated={String(review.authenticated)}
      className={`space-y-2 rounded-md border-2 p-4 text-sm ${review.authenticated ? 'border-emerald-400 bg-emerald-50' : 'border-red-400 bg-red-50'}`}
    >
      <p className="text-xl font-bold">{review.authenticated ? 'Authenticated' : 'Not authenticated'}</p>
      {review.error ? (
        <p>
          The cluster says: <code data-testid="review-error" className="rounded bg-white/70 px-1 font-mono text-xs">{review.error}</code>
        </p>
      ) : null}
      {review.user.username ? (
        <dl className="space-y-1">
          <div className="flex gap-3">
            <dt className="w-24 shrink-0 text-slate-600">User</dt>
            <dd className="font-mono text-xs" data-testid="review-username">{review.user.username}</dd>
          </div>
          {review.user.uid ? (
            <div className="flex gap-3">
              <dt className="w-24 shrink-0 text-slate-600">UID</dt>
              <dd className="font-mono text-xs">{review.user.uid}</dd>
            </div>
          ) : null}
          <div className="flex gap-3">
            <dt className="w-24 shrink-0 text-slate-600">Groups</dt>
            <dd className="flex flex-wrap gap-1">
              {review.user.groups.map((g) => (
                <Badge key={g}>{g}</Badge>
              ))}
            </dd>
          </div>
          {extra.length ? (
            <div className="flex gap-3">
              <dt className="w-24 shrink-0 text-slate-600">Extra</dt>
              <dd className="space-y-0.5 font-mono text-xs">
                {extra.map(([k, v]) => (
                  <div key={k}>
                    {k}: {v.join(', ')}
                  </div>
                ))}
              </dd>
            </div>
          ) : null}
          <div className="flex gap-3">
            <dt className="w-24 shrink-0 text-slate-600">Audiences</dt>
            <dd className="font-mono text-xs">{review.audiences.join(', ') || '—'}</dd>
          </div>
        </dl>
      ) : null}
    </div>
  );
}
