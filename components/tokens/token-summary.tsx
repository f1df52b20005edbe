// What the token is: bound or legacy (or not a Kubernetes token), what it is bound to, and whose.
import type { ReactNode } from 'react';
import type { Classification } from '@/lib/jwt';
import { Badge } from '@/components/ui/badge';

const KIND = {
  bound: { text: 'Bound token (TokenRequest / projected)', tone: 'green' },
  legacy: { text: 'Legacy Secret-based token', tone: 'amber' },
  'not-kubernetes': { text: 'Not a Kubernetes service account token', tone: 'neutral' },
} as const;

const BINDING = { none: 'none (not bound to an object)', pod: 'Pod', secret: 'Secret', node: 'Node' } as const;

function Row({ term, children, testId }: { term: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex gap-3 py-1">
      <dt className="w-36 shrink-0 text-slate-500">{term}</dt>
      <dd className="min-w-0 break-all text-slate-900" data-testid={testId}>{children}</dd>
    </div>
  );
}

export function TokenSummary({ c }: { c: Classification }) {
  const kind = KIND[c.kind];
  const bound = c.boundObject;
  return (
    <div className="space-y-2">
      <p className="flex flex-wrap items-center gap-2">
        <span data-testid="token-kind" data-kind={c.kind}>
          <Badge tone={kind.tone}>{kind.text}</Badge>
        </span>
        <span className="text-sm text-slate-600">{c.reason}</span>
      </p>
      <dl className="text-sm">
        <Row term="Binding" testId="token-binding">
          {BINDING[c.binding]}
          {bound?.name ? ` ${bound.name}` : ''}
          {bound?.uid ? <span className="ml-1 font-mono text-xs text-slate-500">(uid {bound.uid})</span> : null}
          {c.kind === 'legacy' ? ' — the Secret that stores it' : ''}
        </Row>
        {c.node ? (
          <Row term="Node (info)">
            {c.node.name}
            <span className="ml-1 text-slate-500">— where the pod ran; informational, the API server does not check it</span>
          </Row>
        ) : null}
        <Row term="Namespace" testId="token-namespace">{c.namespace ?? '—'}</Row>
        <Row term="Service account" testId="token-serviceaccount">
          {c.serviceAccount?.name ?? '—'}
          {c.serviceAccount?.uid ? <span className="ml-1 font-mono text-xs text-slate-500">(uid {c.serviceAccount.uid})</span> : null}
        </Row>
        <Row term="Subject" testId="token-subject"><span className="font-mono text-xs">{c.subject?.raw ?? '—'}</span></Row>
        <Row term="Issuer"><span className="font-mono text-xs">{c.issuer ?? '—'}</span></Row>
        <Row term="Audiences"><span className="font-mono text-xs">{c.audiences.length ? c.audiences.join(', ') : '—'}</span></Row>
        {c.jti ? <Row term="Token ID (jti)"><span className="font-mono text-xs">{c.jti}</span></Row> : null}
      </dl>
    </div>
  );
}
