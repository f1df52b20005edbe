// A workflow's or step's status as a pill (the text always says it; colour only helps).
import { Badge } from '@/components/ui/badge';
import type { StepStatus, WorkflowStatus } from '@/lib/workflows/types';
import { STATUS_TONE } from './format';

export function StatusBadge({ status, testId }: { status: WorkflowStatus | StepStatus; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status}>
      <Badge tone={STATUS_TONE[status]}>{status}</Badge>
    </span>
  );
}
