// Why the pasted text is not a readable token: which part, why, and where (the offending
// character marked in the token itself when the decoder knows the position).
import type { DecodeError } from '@/lib/jwt';

type Problem = DecodeError | { code: string; part: 'token'; message: string; position?: number };

const PART_LABEL: Record<string, string> = { header: 'Header (part 1)', payload: 'Payload (part 2)', signature: 'Signature (part 3)', token: 'Token' };

export function DecodeProblem({ error, token, partial }: { error: Problem; token?: string | undefined; partial?: { header?: unknown; payload?: unknown } | undefined }) {
  const pos = 'position' in error ? error.position : undefined;
  const showAt = token !== undefined && pos !== undefined && pos >= 0 && pos < token.length;
  const from = showAt ? Math.max(0, pos! - 24) : 0;
  return (
    <div role="alert" data-testid="decode-error" data-code={error.code} data-part={error.part} className="space-y-2 rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-semibold">
        Cannot decode — {PART_LABEL[error.part] ?? error.part}: <span className="font-normal">{error.message}</span>
      </p>
      {showAt ? (
        <p className="font-mono text-xs break-all">
          {from > 0 ? '…' : ''}
          {token!.slice(from, pos)}
          <mark className="rounded bg-red-600 px-0.5 text-white" aria-label={`character at position ${pos}`}>{token![pos!]}</mark>
          {token!.slice(pos! + 1, pos! + 24)}
          {pos! + 24 < token!.length ? '…' : ''}
        </p>
      ) : null}
      {partial?.header !== undefined ? (
        <p className="text-xs text-red-800">
          The header still decoded: <code className="font-mono">{JSON.stringify(partial.header)}</code>
        </p>
      ) : null}
    </div>
  );
}
