// Normalizes what people paste into the inspector into one compact token: an `Authorization: Bearer`
// header line, surrounding quotes, whitespace and line breaks from terminals and e-mails, a link or
// text carrying `#token=...`, and the JSON printed by `kubectl create token -o json`. Character-level
// validation is left to decode.ts so that its errors can point at a position in the token.

import { base64ToBytes } from './base64url';

export type NormalizeErrorCode = 'empty' | 'empty-fragment-token' | 'json-without-token';

export type NormalizeResult =
  | { ok: true; token: string; notes: string[] }
  | { ok: false; error: { code: NormalizeErrorCode; message: string } };

// Whitespace incl. NBSP and the zero-width characters that rich-text copies insert.
const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF]+/g;
const QUOTES = /^(["'`\u201C\u201D\u2018\u2019])([\s\S]*)(["'`\u201C\u201D\u2018\u2019])$/;
const FRAGMENT_KEYS = ['token', 'access_token', 'id_token'];

function fragmentToken(text: string): { found: boolean; value?: string; key?: string } {
  const hash = text.indexOf('#');
  if (hash < 0) return { found: false };
  // Only the fragment's own text: up to whitespace, which ends a URL in prose.
  const frag = text.slice(hash + 1).split(/\s/)[0] ?? '';
  for (const pair of frag.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq);
    if (!FRAGMENT_KEYS.includes(key)) continue;
    let value = pair.slice(eq + 1);
    try {
      value = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      // Keep the raw value: a stray '%' is reported later as a non-base64url character.
    }
    return { found: true, value: value.replace(INVISIBLE, ''), key };
  }
  return { found: false };
}

function tokenFromJson(text: string): { isJson: boolean; token?: string; where?: string } {
  if (!/^\s*\{/.test(text)) return { isJson: false };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { isJson: false };
  }
  if (!v || typeof v !== 'object') return { isJson: false };
  const o = v as Record<string, unknown>;
  const status = o.status as Record<string, unknown> | undefined;
  const spec = o.spec as Record<string, unknown> | undefined;
  if (status && typeof status.token === 'string') return { isJson: true, token: status.token, where: 'status.token of a TokenRequest' };
  if (spec && typeof spec.token === 'string') return { isJson: true, token: spec.token, where: 'spec.token of a TokenReview' };
  for (const k of ['token', 'access_token', 'id_token']) {
    if (typeof o[k] === 'string') return { isJson: true, token: o[k] as string, where: `"${k}"` };
  }
  return { isJson: true };
}

/** Pasted text → compact token string, or a precise error. Pure, never throws. */
export function normalizeTokenInput(input: string): NormalizeResult {
  const notes: string[] = [];
  let s = typeof input === 'string' ? input.trim() : '';
  if (!s) return { ok: false, error: { code: 'empty', message: 'nothing pasted: the input is empty' } };

  const json = tokenFromJson(s);
  if (json.isJson) {
    if (json.token === undefined) {
      return { ok: false, error: { code: 'json-without-token', message: 'the input is JSON but holds no token (looked for status.token, spec.token, token, access_token, id_token)' } };
    }
    notes.push(`took the token from ${json.where}`);
    s = json.token.trim();
  }

  const frag = fragmentToken(s);
  if (frag.found) {
    if (!frag.value) return { ok: false, error: { code: 'empty-fragment-token', message: `the link has "#${frag.key}=" but no token after it` } };
    notes.push(`took the token from the URL fragment (#${frag.key}=)`);
    s = frag.value;
  }

  for (let guard = 0; guard < 4; guard++) {
    const before = s;
    const header = /^authorization\s*:\s*/i.exec(s);
    if (header) {
      s = s.slice(header[0].length);
      notes.push('removed the "Authorization:" header name');
    }
    const bearer = /^bearer(\s+|$)/i.exec(s);
    if (bearer) {
      s = s.slice(bearer[0].length);
      notes.push('removed the "Bearer " prefix');
    }
    const q = QUOTES.exec(s);
    if (q) {
      s = q[2]!.trim();
      notes.push('removed surrounding quotes');
    }
    s = s.trim();
    if (s === before) break;
  }

  const squeezed = s.replace(INVISIBLE, '');
  if (squeezed !== s) notes.push('removed whitespace and line breaks inside the token');
  s = squeezed;
  if (!s) return { ok: false, error: { code: 'empty', message: 'no token left after removing the prefix, quotes and whitespace' } };

  // A legacy token read from a Secret's data.token is base64 of the JWT ("eyJ" → "ZXlK").
  if (s.startsWith('ZXlK') && !s.includes('.')) {
    const bytes = base64ToBytes(s);
    if (bytes) {
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).trim();
      if (/^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(text)) {
        notes.push("base64-decoded the input: it was the token as stored in a Secret's data.token");
        s = text;
      }
    }
  }
  return { ok: true, token: s, notes };
}
