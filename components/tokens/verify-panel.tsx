// Signature verification in the browser (lib/jwt + jose/WebCrypto): against the cluster's JWKS,
// fetched through the dashboard from the cluster's /openid/v1/jwks (the token is not sent), or
// against a pasted JWKS, single JWK or PEM public key/certificate. The result is loud and
// distinguishes verified / signature invalid / no matching key / malformed.
import { useEffect, useState } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';
import { verifyToken, type VerifyResult, type VerifyStatus } from '@/lib/jwt';

type Source = 'cluster' | 'pasted';

const LOOK: Record<VerifyStatus, { title: string; box: string }> = {
  verified: { title: 'Verified', box: 'border-emerald-400 bg-emerald-50 text-emerald-900' },
  'invalid-signature': { title: 'Signature invalid', box: 'border-red-500 bg-red-50 text-red-900' },
  'no-matching-key': { title: 'No matching key', box: 'border-amber-400 bg-amber-50 text-amber-950' },
  malformed: { title: 'Malformed', box: 'border-red-400 bg-red-50 text-red-900' },
  'unsupported-alg': { title: 'Unsupported algorithm', box: 'border-red-400 bg-red-50 text-red-900' },
  'key-error': { title: 'Key problem', box: 'border-amber-400 bg-amber-50 text-amber-950' },
};

type ClusterKeys = { state: 'idle' | 'loading' } | { state: 'ok'; jwks: Record<string, unknown>; kids: string[] } | { state: 'error'; message: string };

export function VerifyPanel({ token }: { token: string }) {
  const [source, setSource] = useState<Source>('cluster');
  const [pasted, setPasted] = useState('');
  const [cluster, setCluster] = useState<ClusterKeys>({ state: 'idle' });
  const [reload, setReload] = useState(0);
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (source !== 'cluster') return;
    const ac = new AbortController();
    setCluster({ state: 'loading' });
    apiFetch<Record<string, unknown>>('/api/cluster/jwks', { signal: ac.signal })
      .then((r) => {
        const doc = r.data as Record<string, unknown>;
        const jwks = Array.isArray(doc.keys) ? doc : (doc.jwks as Record<string, unknown> | undefined);
        if (!r.ok || !jwks || !Array.isArray(jwks.keys)) {
          setCluster({ state: 'error', message: r.data.message ?? `The cluster's JWKS could not be read (HTTP ${r.status}).` });
          return;
        }
        const kids = (jwks.keys as { kid?: unknown }[]).map((k) => (typeof k.kid === 'string' ? k.kid : '(no kid)'));
        setCluster({ state: 'ok', jwks, kids });
      })
      .catch((e: unknown) => {
        if (!ac.signal.aborted) setCluster({ state: 'error', message: `The cluster's JWKS could not be fetched: ${e instanceof Error ? e.message : String(e)}` });
      });
    return () => ac.abort();
  }, [source, reload]);

  const keys: string | Record<string, unknown> | null = source === 'cluster' ? (cluster.state === 'ok' ? cluster.jwks : null) : pasted.trim() ? pasted : null;

  useEffect(() => {
    setResult(null);
    if (!token || keys === null) return;
    let live = true;
    setBusy(true);
    verifyToken(token, keys)
      .then((r) => live && setResult(r))
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [token, keys]);

  return (
    <div className="space-y-3">
      <fieldset className="flex flex-wrap gap-4 text-sm">
        <legend className="sr-only">Verify against</legend>
        <label className="flex items-center gap-2">
          <input type="radio" name="key-source" checked={source === 'cluster'} onChange={() => setSource('cluster')} />
          The cluster&apos;s keys (JWKS from /openid/v1/jwks)
        </label>
        <label className="flex items-center gap-2">
          <input type="radio" name="key-source" checked={source === 'pasted'} onChange={() => setSource('pasted')} />
          A key I paste (JWKS, JWK, PEM public key or certificate)
        </label>
      </fieldset>

      {source === 'cluster' ? (
        <p className="text-sm text-slate-600" data-testid="cluster-jwks-state">
          {cluster.state === 'loading' && 'Fetching the cluster\u2019s public keys…'}
          {cluster.state === 'ok' && (
            <>
              {cluster.kids.length} key{cluster.kids.length === 1 ? '' : 's'} from the cluster: <span className="font-mono text-xs">{cluster.kids.join(', ')}</span>{' '}
            </>
          )}
          {cluster.state === 'error' && <span className="text-red-800">{cluster.message} </span>}
          {cluster.state !== 'loading' && (
            <button type="button" onClick={() => setReload((n) => n + 1)} className="text-sky-800 underline">
              Reload keys
            </button>
          )}
        </p>
      ) : (
        <div>
          <label htmlFor="verify-key" className="block text-sm font-medium text-slate-800">
            Public key
          </label>
          <textarea
            id="verify-key"
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            rows={5}
            spellCheck={false}
            placeholder={'{"keys":[...]}  or  {"kty":"RSA",...}  or  -----BEGIN PUBLIC KEY-----'}
            className="mt-1 w-full rounded-md border border-slate-300 p-2 font-mono text-xs focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-200"
          />
        </div>
      )}

      <div aria-live="polite">
        {busy && !result ? <p className="text-sm text-slate-600">Verifying…</p> : null}
        {result ? (
          <div data-testid="verify-result" data-status={result.status} className={`rounded-md border-2 p-4 ${LOOK[result.status].box}`}>
            <p className="text-xl font-bold">{LOOK[result.status].title}</p>
            <p className="mt-1 text-sm">{result.detail}</p>
            <p className="mt-2 text-xs opacity-80">{result.scope}</p>
          </div>
        ) : null}
      </div>
    </div>
  );
}
