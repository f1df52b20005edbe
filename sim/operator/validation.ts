// Validation the real system applies around the issuer change: the operator's checkIssuer (with
// Go's net/url.Parse errors, since the message quotes them) and the CEL rules of the
// kubeapiservers.operator.openshift.io CRD's status, worded as the apiextensions apiserver words them.

import type { KubeAPIServerStatus, NodeStatus } from './types';

/** strconv.Quote for the ASCII cases a URL can contain. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

const isHex = (c: string | undefined) => !!c && /^[0-9a-fA-F]$/.test(c);
const HOST_OK = /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/;

type Mode = 'host' | 'path' | 'fragment' | 'userinfo';

function unescapeCheck(s: string, mode: Mode): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      }
      if (mode === 'host' && parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== '%25') {
        return `invalid URL escape ${goQuote(s.slice(i, i + 3))}`;
      }
      i += 2;
    } else if (mode === 'host' && ch.charCodeAt(0) < 0x80 && !HOST_OK.test(ch)) {
      return `invalid character ${goQuote(ch)} in host name`;
    }
  }
  return undefined;
}

const validOptionalPort = (p: string) => p === '' || (p[0] === ':' && /^[0-9]*$/.test(p.slice(1)));

function parseHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) return "missing ']' in host";
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) return `invalid port ${goQuote(colonPort)} after host`;
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) return `invalid port ${goQuote(colonPort)} after host`;
    }
  }
  return unescapeCheck(host, 'host');
}

function parseAuthority(authority: string): string | undefined {
  const i = authority.lastIndexOf('@');
  const err = parseHost(i < 0 ? authority : authority.slice(i + 1));
  if (err) return err;
  if (i < 0) return undefined;
  const userinfo = authority.slice(0, i);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) return 'net/url: invalid userinfo';
  return unescapeCheck(userinfo, 'userinfo');
}

function getScheme(raw: string): { scheme: string; rest: string } | string {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) return 'missing protocol scheme';
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

/** Go's url.Parse: undefined when it parses, else the *url.Error text (`parse "<url>": <why>`). */
export function goUrlParseError(rawURL: string): string | undefined {
  const hashAt = rawURL.indexOf('#');
  const u = hashAt < 0 ? rawURL : rawURL.slice(0, hashAt);
  const frag = hashAt < 0 ? '' : rawURL.slice(hashAt + 1);
  const err = (() => {
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(u)) return 'net/url: invalid control character in URL';
    if (u === '*') return undefined;
    const sch = getScheme(u);
    if (typeof sch === 'string') return sch;
    let rest = sch.rest;
    if (rest.endsWith('?') && rest.split('?').length === 2) rest = rest.slice(0, -1);
    else {
      const q = rest.indexOf('?');
      if (q >= 0) rest = rest.slice(0, q);
    }
    if (!rest.startsWith('/')) {
      if (sch.scheme !== '') return undefined; // opaque
      const segment = rest.split('/')[0]!;
      if (segment.includes(':')) return 'first path segment in URL cannot contain colon';
    }
    if ((sch.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
      let authority = rest.slice(2);
      let path = '';
      const i = authority.indexOf('/');
      if (i >= 0) {
        path = authority.slice(i);
        authority = authority.slice(0, i);
      }
      const e = parseAuthority(authority);
      if (e) return e;
      rest = path;
    }
    return unescapeCheck(rest, 'path');
  })();
  if (err) return `parse ${goQuote(u)}: ${err}`;
  if (frag) {
    const fe = unescapeCheck(frag, 'fragment');
    if (fe) return `parse ${goQuote(rawURL)}: ${fe}`;
  }
  return undefined;
}

/** The operator's checkIssuer (KAS-O and auth operator alike): undefined when acceptable. */
export function checkIssuer(issuer: string): string | undefined {
  if (!issuer.includes(':')) return undefined;
  const e = goUrlParseError(issuer);
  return e ? `service-account issuer contained a ':' but was not a valid URL: ${e}` : undefined;
}

export interface CelCause {
  field: string;
  message: string;
  reason: string;
}

const celInvalid = (field: string, type: string, msg: string): CelCause => ({
  field,
  message: `Invalid value: ${goQuote(type)}: ${msg}`,
  reason: 'FieldValueInvalid',
});

/**
 * The x-kubernetes-validations of the KubeAPIServer CRD's status, on an update of /status
 * (transition rules need the old object; a status on create is dropped by the server anyway).
 */
export function validateKubeAPIServerStatusUpdate(next: KubeAPIServerStatus | undefined, old: KubeAPIServerStatus | undefined): CelCause[] {
  const causes: CelCause[] = [];
  const n = next ?? {};
  const o = old ?? {};
  if (typeof n.latestAvailableRevision === 'number' && typeof o.latestAvailableRevision === 'number' && !(n.latestAvailableRevision >= o.latestAvailableRevision)) {
    causes.push(celInvalid('status.latestAvailableRevision', 'integer', 'must only increase'));
  }
  const list: NodeStatus[] = Array.isArray(n.nodeStatuses) ? n.nodeStatuses : [];
  const oldList: NodeStatus[] = Array.isArray(o.nodeStatuses) ? o.nodeStatuses : [];
  list.forEach((item, i) => {
    const prev = oldList.find((p) => p.nodeName === item.nodeName);
    const base = `status.nodeStatuses[${i}]`;
    const has = (x: NodeStatus | undefined, k: keyof NodeStatus) => !!x && x[k] !== undefined && x[k] !== null;
    if (prev && has(prev, 'currentRevision') && has(item, 'currentRevision') && !((item.currentRevision as number) >= (prev.currentRevision as number))) {
      causes.push(celInvalid(`${base}.currentRevision`, 'integer', 'must only increase'));
    }
    if (prev && !has(item, 'currentRevision') && has(prev, 'currentRevision')) causes.push(celInvalid(`${base}.currentRevision`, 'object', 'cannot be unset once set'));
    if (!prev && has(item, 'currentRevision')) causes.push(celInvalid(`${base}.currentRevision`, 'object', 'currentRevision can not be set on creation of a nodeStatus'));
    if (!prev && has(item, 'targetRevision')) causes.push(celInvalid(`${base}.targetRevision`, 'object', 'targetRevision can not be set on creation of a nodeStatus'));
  });
  if (list.filter((s) => (s.targetRevision ?? 0) !== 0).length > 1) {
    causes.push(celInvalid('status.nodeStatuses', 'array', 'no more than 1 node status may have a nonzero targetRevision'));
  }
  return causes;
}
