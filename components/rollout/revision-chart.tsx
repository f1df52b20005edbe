// SVG timeline of when each node reached each revision: a lane per node, one coloured segment per
// revision it ran, stripes while an installer moved it, × for failures, dashed lines for new
// revisions and for NodeInstallerProgressing's last transition. What happened before the page
// opened is drawn faded: only the revision the node then ran is known.
import type { RolloutDto } from '@/lib/k8s/rollout';
import { formatUtcTime } from './format';
import type { RolloutHistory } from './history';

const COLORS = ['#0ea5e9', '#10b981', '#8b5cf6', '#f59e0b', '#ec4899', '#14b8a6'];
const color = (rev: number) => COLORS[((rev % COLORS.length) + COLORS.length) % COLORS.length]!;

const W = 800;
const LEFT = 72;
const RIGHT = 16;
const TOP = 34;
const LANE = 30;
const BOTTOM = 26;
const MAX_BEFORE_MS = 3600_000;

export function RevisionChart({ dto, history, now }: { dto: RolloutDto; history: RolloutHistory; now: number }) {
  const p = dto.conditions.NodeInstallerProgressing;
  const pT = p?.lastTransitionTime ? Date.parse(p.lastTransitionTime) : NaN;
  const earliest = history.firstSeen - MAX_BEFORE_MS;
  const starts = [history.firstSeen, ...history.marks.map((m) => m.at), ...history.revisions.map((r) => r.at)];
  if (Number.isFinite(pT) && pT >= earliest) starts.push(pT);
  const t1 = Math.max(now, ...starts);
  let t0 = Math.max(earliest, Math.min(...starts));
  t0 = Math.min(t0, t1 - 60_000);
  t0 -= (t1 - t0) * 0.03;
  const x = (t: number) => LEFT + ((Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
  const H = TOP + LANE * dto.nodes.length + BOTTOM;

  const lanes = dto.nodes.map((n, i) => {
    const y = TOP + i * LANE + 6;
    const h = LANE - 12;
    const marks = history.marks.filter((m) => m.node === n.nodeName);
    const reached = marks.filter((m) => m.kind === 'reached').sort((a, b) => a.at - b.at);
    const initial = history.nodes[n.nodeName]?.initialRevision ?? n.currentRevision;
    const points = [{ at: t0, revision: initial }, ...reached.map((m) => ({ at: m.at, revision: m.revision }))];
    // Split at the moment the page opened: before it, only the revision is known (drawn faded).
    const segs = points
      .map((pt, j) => ({ from: pt.at, to: points[j + 1]?.at ?? t1, revision: pt.revision }))
      .flatMap((sg) =>
        sg.from < history.firstSeen && sg.to > history.firstSeen
          ? [{ ...sg, to: history.firstSeen, faded: true }, { ...sg, from: history.firstSeen, faded: false }]
          : [{ ...sg, faded: sg.to <= history.firstSeen }],
      );
    const installs = marks
      .filter((m) => m.kind === 'target')
      .map((m) => {
        const done = reached.find((r) => r.at >= m.at && r.revision >= m.revision);
        const still = !done && n.targetRevision === m.revision;
        return { from: m.at, to: done ? done.at : still ? t1 : m.at, revision: m.revision };
      })
      .filter((s) => s.to > s.from);
    return { n, y, h, segs, installs, failures: marks.filter((m) => m.kind === 'failed') };
  });

  const vlines: Array<{ at: number; label: string; cls: string }> = history.revisions.map((r) => ({ at: r.at, label: `revision ${r.revision}`, cls: 'stroke-sky-700' }));
  if (p && Number.isFinite(pT) && pT >= t0 && pT <= t1) vlines.push({ at: pT, label: `Progressing=${p.status}`, cls: 'stroke-slate-500' });

  const ticks = [t0, (t0 + t1) / 2, t1];
  const firstSeenX = x(history.firstSeen);

  return (
    <figure className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <figcaption className="text-sm font-semibold text-slate-800">When each node reached each revision</figcaption>
      <svg data-testid="revision-chart" viewBox={`0 0 ${W} ${H}`} className="h-auto w-full" role="img" aria-label={`Revision timeline for ${dto.nodes.length} nodes`}>
        <defs>
          <pattern id="installing-stripes" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="3" height="6" fill="rgba(255,255,255,0.55)" />
          </pattern>
        </defs>
        {firstSeenX > LEFT + 2 && <rect x={LEFT} y={TOP - 4} width={firstSeenX - LEFT} height={LANE * dto.nodes.length + 4} fill="#f1f5f9" />}
        {firstSeenX > LEFT + 60 && (
          <text x={LEFT + 4} y={TOP - 8} className="fill-slate-400 text-[10px]">
            before this page opened
          </text>
        )}
        {lanes.map(({ n, y, h, segs, installs, failures }) => (
          <g key={n.nodeName} data-testid="chart-lane" data-node={n.nodeName}>
            <text x={LEFT - 8} y={y + h / 2 + 4} textAnchor="end" className="fill-slate-700 text-[12px]">
              {n.nodeName}
            </text>
            {segs.map((s, j) => {
              const x0 = x(s.from);
              const w = Math.max(1, x(s.to) - x0);
              const faded = s.faded;
              return (
                <g key={j} data-testid="chart-segment" data-revision={s.revision}>
                  <rect x={x0} y={y} width={w} height={h} rx={3} fill={color(s.revision)} opacity={faded ? 0.35 : 0.9}>
                    <title>{`${n.nodeName} at revision ${s.revision} from ${formatUtcTime(s.from)} to ${formatUtcTime(s.to)} UTC`}</title>
                  </rect>
                  {w > 30 && !(j > 0 && segs[j - 1]!.revision === s.revision && x(segs[j - 1]!.to) - x(segs[j - 1]!.from) > 30) && (
                    <text x={x0 + 4} y={y + h / 2 + 4} className="fill-white text-[11px] font-semibold">
                      r{s.revision}
                    </text>
                  )}
                </g>
              );
            })}
            {installs.map((s, j) => (
              <rect key={`i${j}`} x={x(s.from)} y={y} width={Math.max(2, x(s.to) - x(s.from))} height={h} fill="url(#installing-stripes)" stroke={color(s.revision)} strokeWidth={1.5}>
                <title>{`${n.nodeName} installing revision ${s.revision}`}</title>
              </rect>
            ))}
            {failures.map((f, j) => (
              <text key={`f${j}`} x={x(f.at)} y={y + h / 2 + 5} textAnchor="middle" className="fill-red-600 text-[14px] font-bold">
                ×<title>{`${n.nodeName} failed revision ${f.revision} at ${formatUtcTime(f.at)} UTC`}</title>
              </text>
            ))}
          </g>
        ))}
        {vlines.map((v, j) => (
          <g key={`v${j}`}>
            <line x1={x(v.at)} x2={x(v.at)} y1={TOP - 14 + (j % 2) * 0} y2={H - BOTTOM} className={v.cls} strokeDasharray="4 3" />
            <text x={Math.min(x(v.at) + 3, W - 90)} y={12 + (j % 2) * 11} className="fill-slate-600 text-[10px]">
              {v.label}
            </text>
          </g>
        ))}
        {ticks.map((t, j) => (
          <text key={`t${j}`} x={x(t)} y={H - 8} textAnchor={j === 0 ? 'start' : j === 2 ? 'end' : 'middle'} className="fill-slate-500 text-[10px]">
            {formatUtcTime(t)}
          </text>
        ))}
      </svg>
      <p className="text-xs text-slate-500">
        Times in UTC on the cluster&apos;s clock. Stripes: an installer moving the node; ×: a failed attempt. Changes are recorded while this page is open;
        before that only each node&apos;s revision is known.
      </p>
    </figure>
  );
}
