// Why the start (and pause/resume/abort) is disabled for this user: the verbs the access review refused.
import type { AccessCheck } from '@/lib/workflows/types';

export function missingVerbs(access: AccessCheck): string[] {
  return access.checks
    .filter((c) => !c.allowed)
    .map((c) => `${c.verb} ${c.group ? `${c.resource}.${c.group}` : c.resource}${c.subresource ? `/${c.subresource}` : ''}${c.namespace ? ` in ${c.namespace}` : ''}`);
}

export function AccessNote({ access, username }: { access: AccessCheck; username: string }) {
  if (access.allowed) return null;
  const missing = missingVerbs(access);
  return (
    <div role="note" data-testid="access-denied" className="rounded-md border border-slate-300 bg-slate-50 p-3 text-sm text-slate-800">
      <p className="font-medium">
        You ({username}) may read this plan but not run it: a workflow starts only when its initiator may do everything it does.
      </p>
      <p className="mt-1">The cluster refused:</p>
      <ul data-testid="missing-verbs" className="mt-1 list-disc pl-6 font-mono text-xs">
        {missing.map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </div>
  );
}
