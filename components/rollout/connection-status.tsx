// The page's honest connection state: "live", "polling", "reconnecting", "stale since 12:03:10" or
// "connecting". Anything but live/polling says the data may be behind the cluster.
import type { ClientStateName } from '@/lib/live/client';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { formatLocalTime } from './format';

const TONE: Record<ClientStateName, BadgeTone> = { live: 'green', polling: 'blue', connecting: 'neutral', reconnecting: 'amber', stale: 'red' };

export function connectionLabel(state: ClientStateName, staleSince: string | null): string {
  const since = staleSince ? formatLocalTime(Date.parse(staleSince)) : null;
  switch (state) {
    case 'live':
      return 'live';
    case 'polling':
      return 'polling';
    case 'connecting':
      return 'connecting';
    case 'reconnecting':
      return 'reconnecting';
    case 'stale':
      return since ? `stale since ${since}` : 'stale';
  }
}

export function ConnectionStatus({ state, staleSince, error, updatedAt }: { state: ClientStateName; staleSince: string | null; error?: string | undefined; updatedAt?: string | undefined }) {
  const since = staleSince ? formatLocalTime(Date.parse(staleSince)) : null;
  let detail: string;
  if (state === 'live') detail = 'Changes appear as the cluster makes them.';
  else if (state === 'polling') detail = `You may list but not watch this resource: refreshed every 2 s${updatedAt ? `, last at ${formatLocalTime(Date.parse(updatedAt))}` : ''}.`;
  else if (state === 'connecting') detail = 'Showing the state read when the page loaded until the live stream is up.';
  else if (state === 'reconnecting') detail = `The stream dropped${since ? ` at ${since}` : ''}; the data below may be behind the cluster. Reconnecting…`;
  else detail = `No contact with the cluster${since ? ` since ${since}` : ''}: the data below is not current.`;
  return (
    <div data-testid="live-status" data-state={state} className="flex flex-wrap items-center gap-2 text-sm text-slate-600" role="status" aria-live="polite">
      <Badge tone={TONE[state]}>
        <span data-testid="live-state">{connectionLabel(state, staleSince)}</span>
      </Badge>
      <span>{detail}</span>
      {error && state !== 'live' && <span className="text-xs text-slate-500">({error})</span>}
    </div>
  );
}
