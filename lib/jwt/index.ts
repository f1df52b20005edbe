// lib/jwt: pure, isomorphic logic for Kubernetes service account tokens (browser and server alike):
// normalize pasted input, decode without verifying, explain and classify claims, times and the kubelet
// refresh point, warnings, and signature verification with jose. No I/O, no React, no node: imports.

import { decodeJwt, type DecodeResult, type DecodeSuccess, type DecodeError } from './decode';
import { normalizeTokenInput } from './input';
import { classifyToken, explainClaims, explainHeader, type Classification, type ExplainedClaim } from './claims';
import { timeline, tokenTimes, type Now, type Timeline, type TokenTimes } from './times';
import { tokenWarnings, type TokenWarning, type WarningContext } from './warnings';

export * from './base64url';
export * from './decode';
export * from './input';
export * from './claims';
export * from './times';
export * from './warnings';
export * from './keys';
export * from './verify';

export interface Inspection {
  /** The compact token after normalization (absent when the input was unusable). */
  token?: string;
  /** What normalization did ("removed the Bearer prefix", …). */
  notes: string[];
  decoded?: DecodeResult;
  /** Set when the input could not be read or decoded. */
  error?: DecodeError | { code: string; part: 'token'; message: string };
  header?: ExplainedClaim[];
  claims?: ExplainedClaim[];
  classification?: Classification;
  times?: TokenTimes;
  timeline?: Timeline | null;
  warnings: TokenWarning[];
}

/** Everything the inspector shows except signature verification (async, see verifyToken). */
export function inspectToken(input: string, opts: { now: Now } & WarningContext): Inspection {
  const n = normalizeTokenInput(input);
  if (!n.ok) return { notes: [], error: { code: n.error.code, part: 'token', message: n.error.message }, warnings: [] };
  const decoded = decodeJwt(n.token);
  if (!decoded.ok) return { token: n.token, notes: n.notes, decoded, error: decoded.error, warnings: [] };
  const d: DecodeSuccess = decoded;
  const { now, ...ctx } = opts;
  return {
    token: n.token,
    notes: n.notes,
    decoded: d,
    header: explainHeader(d.header),
    claims: explainClaims(d.payload),
    classification: classifyToken(d.payload),
    times: tokenTimes(d.payload),
    timeline: timeline(d.payload, now),
    warnings: [
      ...(d.signature.error ? [{ code: 'signature-malformed' as const, severity: 'error' as const, message: d.signature.error.message }] : []),
      ...tokenWarnings(d.header, d.payload, now, ctx),
    ],
  };
}
