// The token's life as a picture: a bar from iat to exp with now, the kubelet's refresh point and
// warnafter marked, plus the notes that explain them (80 % / 24 h refresh, the 3607-second case).
import { formatDuration, formatUtc, type Timeline, type TimelinePoint } from '@/lib/jwt';

const W = 800;
const X0 = 60;
const X1 = 740;
const BAR_Y = 80;

const STYLE: Record<TimelinePoint['key'], { color: string; name: string }> = {
  iat: { color: '#334155', name: 'issued (iat)' },
  refresh: { color: '#0369a1', name: 'kubelet refresh' },
  warnafter: { color: '#b45309', name: 'warnafter' },
  exp: { color: '#b91c1c', name: 'expires (exp)' },
  now: { color: '#047857', name: 'now' },
};

interface Placed {
  p: TimelinePoint;
  x: number;
  row: number;
}

/** Greedy label rows so that labels closer than ~150 px never overlap: rows 0,1 above, 2,3 below. */
function place(points: TimelinePoint[]): Placed[] {
  const order = [...points].sort((a, b) => a.fraction - b.fraction);
  const lastX: number[] = [-1e9, -1e9, -1e9, -1e9];
  return order.map((p) => {
    const x = X0 + p.fraction * (X1 - X0);
    const pref = p.key === 'iat' || p.key === 'exp' ? [2, 3, 0, 1] : p.key === 'now' ? [3, 2, 1, 0] : [0, 1, 2, 3];
    const row = pref.find((r) => x - lastX[r]! > 150) ?? pref[0]!;
    lastX[row] = x;
    return { p, x, row };
  });
}

const ROW_Y = [24, 52, 112, 142];

export function TokenTimeline({ timeline }: { timeline: Timeline }) {
  const placed = place(timeline.points);
  const now = timeline.points.find((p) => p.key === 'now');
  const elapsed = now ? Math.max(0, Math.min(1, now.fraction)) : 0;
  const title = `Token lifetime from ${formatUtc(timeline.start)} to ${formatUtc(timeline.end)} (${formatDuration(timeline.end - timeline.start)})`;
  return (
    <figure className="space-y-2">
      <svg viewBox={`0 0 ${W} 160`} role="img" aria-labelledby="timeline-title" className="w-full max-w-3xl" data-testid="token-timeline">
        <title id="timeline-title">{title}</title>
        <rect x={X0} y={BAR_Y - 6} width={X1 - X0} height={12} rx={6} fill="#e2e8f0" />
        <rect x={X0} y={BAR_Y - 6} width={(X1 - X0) * elapsed} height={12} rx={6} fill={elapsed >= 1 ? '#fecaca' : '#bae6fd'} />
        {placed.map(({ p, x, row }) => {
          const s = STYLE[p.key];
          const y = ROW_Y[row]!;
          const above = row < 2;
          const anchor = x < X0 + 60 ? 'start' : x > X1 - 60 ? 'end' : 'middle';
          const clamp = p.clamped === 'after' ? ' (after exp)' : p.clamped === 'before' ? ' (before iat)' : '';
          return (
            <g key={p.key} data-point={p.key}>
              {p.key === 'now' ? (
                <path d={`M ${x} ${BAR_Y + 8} l -6 10 h 12 z`} fill={s.color} />
              ) : (
                <line x1={x} x2={x} y1={BAR_Y - 12} y2={BAR_Y + 12} stroke={s.color} strokeWidth={p.key === 'iat' || p.key === 'exp' ? 3 : 2} strokeDasharray={p.key === 'refresh' || p.key === 'warnafter' ? '4 3' : undefined} />
              )}
              <line x1={x} x2={x} y1={above ? y + 4 : BAR_Y + (p.key === 'now' ? 18 : 12)} y2={above ? BAR_Y - 12 : y - 12} stroke={s.color} strokeWidth={0.75} strokeOpacity={0.5} />
              <text x={x} y={y} textAnchor={anchor} fontSize={12} fill={s.color} fontWeight={600}>
                {s.name}
                {clamp}
              </text>
              <text x={x} y={y + (above ? -12 : 13)} textAnchor={anchor} fontSize={11} fill="#475569">
                {p.key === 'now' ? '' : p.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="space-y-1 text-sm text-slate-700">
        {timeline.notes.map((n) => (
          <p key={n}>{n}</p>
        ))}
      </figcaption>
    </figure>
  );
}
