'use client';
// The token inspector: paste (or arrive with #token= in the link), and everything is decoded,
// explained and checked here in the browser with lib/jwt — nothing is sent anywhere, except by
// the explicit "Ask the cluster" button. The URL fragment never reaches the server and is cleared
// from the address bar once read, so the token does not linger in history.
import { useEffect, useMemo, useState } from 'react';
import { CLAIM_EXPLANATIONS, HEADER_EXPLANATIONS, inspectToken, type TrustedIssuer } from '@/lib/jwt';
import { ClaimsJson } from './claims-json';
import { InspectorSection as Section } from './inspector-section';
import { DecodeProblem } from './decode-problem';
import { LifetimeNote } from './lifetime-note';
import { ReviewPanel } from './review-panel';
import { TokenSummary } from './token-summary';
import { TokenTimeline } from './token-timeline';
import { TokenTimes } from './token-times';
import { TokenWarnings } from './token-warnings';
import { VerifyPanel } from './verify-panel';

export interface IssuerContext {
  currentIssuer?: string;
  trustedIssuers?: TrustedIssuer[];
  apiAudiences?: string[];
  /** Why the cluster's issuer settings are unknown, when they are. */
  unavailable?: string;
}

const FRAGMENT_KEYS = ['token', 'access_token', 'id_token'];

export function TokenInspector({ issuer }: { issuer: IssuerContext }) {
  const [input, setInput] = useState('');
  const [audience, setAudience] = useState('');
  const [nowMs, setNowMs] = useState(() => Date.now());

  // Read #token=… once on load (and when the fragment changes), then remove it from the address bar.
  useEffect(() => {
    const take = () => {
      const hash = window.location.hash.slice(1);
      if (!hash) return;
      const params = new URLSearchParams(hash);
      const key = FRAGMENT_KEYS.find((k) => params.get(k));
      if (!key) return;
      setInput(params.get(key) ?? '');
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
    };
    take();
    window.addEventListener('hashchange', take);
    return () => window.removeEventListener('hashchange', take);
  }, []);

  // Relative times ("expires in 42 min") follow the clock.
  useEffect(() => {
    const t = setInterval(() => setNowMs(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);

  const { currentIssuer, trustedIssuers, apiAudiences } = issuer;
  const expected = audience.trim();
  const { inspection, ms } = useMemo(() => {
    if (!input.trim()) return { inspection: null, ms: 0 };
    const t0 = performance.now();
    const inspection = inspectToken(input, {
      now: nowMs,
      ...(currentIssuer ? { currentIssuer } : {}),
      ...(trustedIssuers ? { trustedIssuers } : {}),
      ...(apiAudiences ? { apiAudiences } : {}),
      ...(expected ? { expectedAudience: expected } : {}),
    });
    return { inspection, ms: performance.now() - t0 };
  }, [input, nowMs, currentIssuer, trustedIssuers, apiAudiences, expected]);

  const decoded = inspection?.decoded?.ok ? inspection.decoded : undefined;

  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <label htmlFor="token-input" className="block text-sm font-medium text-slate-800">
          Token
        </label>
        <textarea
          id="token-input"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          rows={5}
          spellCheck={false}
          autoComplete="off"
          autoCorrect="off"
          autoCapitalize="off"
          placeholder="Paste a service account token: eyJhbGciOi…  (a Bearer prefix, quotes, line breaks or a link with #token= are fine)"
          aria-describedby="token-privacy"
          className="w-full rounded-md border border-slate-300 bg-white p-3 font-mono text-xs leading-5 focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-200"
        />
        <p id="token-privacy" className="text-sm text-emerald-800" data-testid="privacy-note">
          Decoded in your browser; nothing is sent. Only the &ldquo;Ask the cluster&rdquo; button below sends the token anywhere.
        </p>
        {inspection?.notes.length ? (
          <p className="text-xs text-slate-600" data-testid="input-notes">
            Read the input: {inspection.notes.join('; ')}.
          </p>
        ) : null}
        <div className="flex flex-wrap items-center gap-2 pt-1">
          <label htmlFor="expected-audience" className="text-sm text-slate-700">
            Audience your service expects (optional)
          </label>
          <input
            id="expected-audience"
            value={audience}
            onChange={(e) => setAudience(e.target.value)}
            placeholder="e.g. vault"
            className="w-64 rounded-md border border-slate-300 px-2 py-1 text-sm focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-200"
          />
          {issuer.unavailable ? <span className="text-xs text-amber-800">Issuer checks are off: {issuer.unavailable}</span> : null}
        </div>
      </div>

      {inspection?.error ? (
        <DecodeProblem
          error={inspection.error}
          token={inspection.token}
          partial={inspection.decoded && !inspection.decoded.ok ? inspection.decoded.partial : undefined}
        />
      ) : null}

      {/* An opaque OpenShift OAuth token (sha256~…) cannot be decoded: only the cluster can say whose it is. */}
      {inspection?.error?.code === 'opaque-token' && inspection.token ? (
        <Section title="Ask the cluster" id="token-review">
          <ReviewPanel token={inspection.token} />
        </Section>
      ) : null}

      {inspection && decoded ? (
        <div className="space-y-6" data-testid="inspection" data-decode-ms={ms.toFixed(2)}>
          <Section title="What it is" id="token-what">
            {inspection.classification ? <TokenSummary c={inspection.classification} /> : null}
          </Section>

          <Section title="Findings" id="token-findings">
            <TokenWarnings warnings={inspection.warnings} />
          </Section>

          <Section title="Lifetime" id="token-lifetime">
            {inspection.times ? <TokenTimes times={inspection.times} now={nowMs} /> : null}
            {inspection.timeline ? (
              <TokenTimeline timeline={inspection.timeline} />
            ) : (
              <p className="text-sm text-slate-600">No timeline: the token lacks iat or exp{inspection.classification?.kind === 'legacy' ? ' (legacy tokens never expire)' : ''}.</p>
            )}
            <LifetimeNote extended={Boolean(inspection.times?.extended)} />
          </Section>

          <div className="grid gap-4 xl:grid-cols-2">
            <section aria-labelledby="token-header-title" className="space-y-2">
              <h2 id="token-header-title" className="text-lg font-semibold">
                Header
              </h2>
              <ClaimsJson value={decoded.header} explanations={HEADER_EXPLANATIONS} now={nowMs} label="Header JSON" />
            </section>
            <section aria-labelledby="token-claims-title" className="space-y-2">
              <h2 id="token-claims-title" className="text-lg font-semibold">
                Claims
              </h2>
              <ClaimsJson value={decoded.payload} explanations={CLAIM_EXPLANATIONS} now={nowMs} label="Claims JSON" />
              <p className="text-xs text-slate-500">Hover or focus (Tab) an underlined name for what it means.</p>
            </section>
          </div>

          <Section title="Signature" id="token-signature">
            <VerifyPanel token={inspection.token ?? ''} />
          </Section>

          <Section title="Ask the cluster" id="token-review">
            <ReviewPanel token={inspection.token ?? ''} />
          </Section>
        </div>
      ) : null}
    </div>
  );
}
