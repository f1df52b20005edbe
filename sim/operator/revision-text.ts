// The revision description library-go's installer controller prints in NodeInstallerProgressing and
// StaticPodsAvailable (prepareNodeInstallerConditionApplyConfiguration), character for character.

import type { NodeStatus, Wording } from './types';

export function revisionDescription(nodeStatuses: readonly NodeStatus[], latestAvailableRevision: number, wording: Wording = 'current'): string {
  const counts = new Map<number, number>();
  let numProgressing = 0;
  for (const ns of nodeStatuses) {
    const cur = ns.currentRevision ?? 0;
    counts.set(cur, (counts.get(cur) ?? 0) + 1);
    if (latestAvailableRevision !== cur) numProgressing++;
  }
  const parts: string[] = [];
  for (const rev of [...counts.keys()].sort((a, b) => a - b)) {
    const count = counts.get(rev)!;
    const nodesStr = count > 1 || wording === 'legacy' ? 'nodes are' : 'node is';
    parts.push(`${count} ${nodesStr} at revision ${rev}`);
  }
  if (numProgressing > 0 && !counts.get(latestAvailableRevision)) {
    parts.push(`0 nodes have achieved new revision ${latestAvailableRevision}`);
  }
  return parts.join('; ');
}
