// A node's Ready condition as text plus colour ("Ready", "NotReady", "Unknown"), like kubectl.
import type { ConditionStatus } from '@/lib/k8s/nodes';
import { Badge } from '@/components/ui/badge';

export function ReadyBadge({ ready }: { ready: ConditionStatus }) {
  if (ready === 'True') return <Badge tone="green">Ready</Badge>;
  if (ready === 'False') return <Badge tone="red">NotReady</Badge>;
  return <Badge tone="amber">Unknown</Badge>;
}
