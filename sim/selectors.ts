// Label and field selectors with kube's grammar and error wording, compiled once into a matcher
// function so a list over 100,000 pods evaluates only closures, never re-parses.
import { badRequest } from './errors';

export type LabelMatcher = (labels: Record<string, string> | undefined | null) => boolean;
export type ObjectMatcher = (obj: any) => boolean;

export interface LabelRequirement {
  key: string;
  op: 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';
  values: string[];
}

// ---- label selector lexer/parser (a port of k8s.io/apimachinery/pkg/labels/selector.go) ----
type Tok = 'ERR' | 'EOS' | 'CPAR' | 'COMMA' | 'NOTEXIST' | 'DEQ' | 'EQ' | 'GT' | 'ID' | 'IN' | 'LT' | 'NEQ' | 'NOTIN' | 'OPAR';

const SPECIAL: Record<string, Tok> = {
  ')': 'CPAR', ',': 'COMMA', '!': 'NOTEXIST', '==': 'DEQ', '=': 'EQ', '>': 'GT', '<': 'LT', '!=': 'NEQ', '(': 'OPAR',
};
const SPECIAL_CHARS = '=!(),><';

function lex(s: string): { tok: Tok; lit: string }[] {
  const out: { tok: Tok; lit: string }[] = [];
  let i = 0;
  const isWs = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  while (true) {
    while (i < s.length && isWs(s[i]!)) i++;
    if (i >= s.length) {
      out.push({ tok: 'EOS', lit: '' });
      return out;
    }
    const c = s[i]!;
    if (SPECIAL_CHARS.includes(c)) {
      let lit = c;
      i++;
      // Longest special token kube knows ("!=", "==").
      while (i < s.length && SPECIAL_CHARS.includes(s[i]!) && SPECIAL[lit + s[i]!]) {
        lit += s[i]!;
        i++;
      }
      const t = SPECIAL[lit];
      if (!t) {
        out.push({ tok: 'ERR', lit: `error expected: keyword found '${lit}'` });
        return out;
      }
      out.push({ tok: t, lit });
      continue;
    }
    let lit = '';
    while (i < s.length && !isWs(s[i]!) && !SPECIAL_CHARS.includes(s[i]!)) {
      lit += s[i]!;
      i++;
    }
    out.push({ tok: lit === 'in' ? 'IN' : lit === 'notin' ? 'NOTIN' : 'ID', lit });
  }
}

const QNAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUB_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const QNAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function validateKey(k: string): void {
  const slash = k.split('/');
  let name = k;
  const errs: string[] = [];
  if (slash.length > 2) {
    throw new Error(
      `key: Invalid value: "${k}": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    );
  }
  if (slash.length === 2) {
    const prefix = slash[0]!;
    name = slash[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (!DNS1123_SUB_RE.test(prefix) || prefix.length > 253)
      errs.push(
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      );
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else {
    if (name.length > 63) errs.push('name part must be no more than 63 characters');
    if (!QNAME_RE.test(name)) errs.push(QNAME_MSG);
  }
  if (errs.length) throw new Error(`key: Invalid value: "${k}": ${errs.join(', ')}`);
}

function validateValue(k: string, v: string, i: number): void {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE_RE.test(v)) errs.push(VALUE_MSG);
  if (errs.length) throw new Error(`values[${i}][${k}]: Invalid value: "${v}": ${errs.join(', ')}`);
}

class LabelParser {
  private pos = 0;
  constructor(private toks: { tok: Tok; lit: string }[]) {}

  // In "values" context keywords in/notin are plain identifiers, as kube's lookahead(Values) does.
  private peek(values: boolean): { tok: Tok; lit: string } {
    const t = this.toks[this.pos] ?? { tok: 'EOS' as Tok, lit: '' };
    if (values && (t.tok === 'IN' || t.tok === 'NOTIN')) return { tok: 'ID', lit: t.lit };
    return t;
  }
  private next(values: boolean): { tok: Tok; lit: string } {
    const t = this.peek(values);
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    while (true) {
      const { tok, lit } = this.peek(true);
      if (tok === 'ID' || tok === 'NOTEXIST') {
        let r: LabelRequirement;
        try {
          r = this.requirement();
        } catch (e) {
          throw new Error(`unable to parse requirement: ${(e as Error).message}`);
        }
        reqs.push(r);
        const t = this.next(true);
        if (t.tok === 'EOS') return reqs;
        if (t.tok === 'COMMA') {
          const t2 = this.peek(true);
          if (t2.tok !== 'ID' && t2.tok !== 'NOTEXIST') throw new Error(`found '${t2.lit}', expected: identifier after ','`);
        } else throw new Error(`found '${t.lit}', expected: ',' or 'end of string'`);
      } else if (tok === 'EOS') {
        return reqs;
      } else {
        throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private requirement(): LabelRequirement {
    let t = this.next(true);
    let notExist = false;
    if (t.tok === 'NOTEXIST') {
      notExist = true;
      t = this.next(true);
    }
    if (t.tok !== 'ID') throw new Error(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    validateKey(key);
    const la = this.peek(true).tok;
    if (la === 'EOS' || la === 'COMMA') return { key, op: notExist ? '!' : 'exists', values: [] };
    if (notExist) throw new Error(`found '${this.peek(true).lit}', expected: ',' or 'end of string'`);
    const o = this.next(false);
    let op: LabelRequirement['op'];
    switch (o.tok) {
      case 'IN': op = 'in'; break;
      case 'NOTIN': op = 'notin'; break;
      case 'EQ': op = '='; break;
      case 'DEQ': op = '=='; break;
      case 'NEQ': op = '!='; break;
      case 'GT': op = 'gt'; break;
      case 'LT': op = 'lt'; break;
      default:
        throw new Error(`found '${o.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    const values = op === 'in' || op === 'notin' ? this.values() : this.exactValue();
    values.forEach((v, i) => validateValue(key, v, i));
    if ((op === '=' || op === '==' || op === '!=') && values.length !== 1) throw new Error('values: Invalid value: for \'=\', \'==\' and \'!=\' operators, exactly one value is required');
    if (op === 'gt' || op === 'lt') {
      if (!/^-?\d+$/.test(values[0] ?? '')) throw new Error(`values[0]: Invalid value: "${values[0] ?? ''}": for 'Gt', 'Lt' operators, the value must be an integer`);
    }
    return { key, op, values: [...new Set(values)].sort() };
  }

  private values(): string[] {
    const t = this.next(true);
    if (t.tok !== 'OPAR') throw new Error(`found '${t.lit}' expected: '('`);
    const la = this.peek(true);
    if (la.tok === 'ID' || la.tok === 'COMMA') {
      const s = this.identList();
      const c = this.next(true);
      if (c.tok !== 'CPAR') throw new Error(`found '${la.lit}', expected: ')'`);
      return s;
    }
    if (la.tok === 'CPAR') {
      this.next(true);
      return [''];
    }
    throw new Error(`found '${la.lit}', expected: ',', ')' or identifier`);
  }

  private identList(): string[] {
    const s: string[] = [];
    while (true) {
      const t = this.next(true);
      if (t.tok === 'ID') {
        s.push(t.lit);
        const t2 = this.peek(true);
        if (t2.tok === 'COMMA') continue;
        if (t2.tok === 'CPAR') return s;
        throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (t.tok === 'COMMA') {
        if (s.length === 0) s.push('');
        const t2 = this.peek(true);
        if (t2.tok === 'CPAR') {
          s.push('');
          return s;
        }
        if (t2.tok === 'COMMA') {
          this.next(true);
          s.push('');
        }
      } else {
        throw new Error(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): string[] {
    const la = this.peek(true);
    if (la.tok === 'EOS' || la.tok === 'COMMA') return [''];
    const t = this.next(true);
    if (t.tok === 'ID') return [t.lit];
    throw new Error(`found '${t.lit}', expected: identifier`);
  }
}

/** Parses a label selector; throws a 400 BadRequest StatusError with kube's wording. */
export function parseLabelSelector(sel: string): LabelRequirement[] {
  try {
    const toks = lex(sel);
    const err = toks.find((t) => t.tok === 'ERR');
    if (err) throw new Error(err.lit);
    return new LabelParser(toks).parse();
  } catch (e) {
    throw badRequest((e as Error).message);
  }
}

function reqMatcher(r: LabelRequirement): LabelMatcher {
  const { key } = r;
  switch (r.op) {
    case 'exists':
      return (l) => !!l && Object.prototype.hasOwnProperty.call(l, key);
    case '!':
      return (l) => !l || !Object.prototype.hasOwnProperty.call(l, key);
    case '=':
    case '==': {
      const v = r.values[0]!;
      return (l) => !!l && Object.prototype.hasOwnProperty.call(l, key) && l[key] === v;
    }
    case '!=': {
      const v = r.values[0]!;
      return (l) => !l || !Object.prototype.hasOwnProperty.call(l, key) || l[key] !== v;
    }
    case 'in': {
      const set = new Set(r.values);
      return (l) => !!l && Object.prototype.hasOwnProperty.call(l, key) && set.has(l[key]!);
    }
    case 'notin': {
      const set = new Set(r.values);
      return (l) => !l || !Object.prototype.hasOwnProperty.call(l, key) || !set.has(l[key]!);
    }
    case 'gt':
    case 'lt': {
      const n = Number(r.values[0]);
      const gt = r.op === 'gt';
      return (l) => {
        if (!l || !Object.prototype.hasOwnProperty.call(l, key)) return false;
        const s = l[key]!;
        if (!/^-?\d+$/.test(s)) return false;
        return gt ? Number(s) > n : Number(s) < n;
      };
    }
  }
}

/** Compiles a label selector string to a matcher over a labels map. Empty selector matches all. */
export function compileLabelSelector(sel: string | undefined | null): LabelMatcher {
  if (!sel || !sel.trim()) return () => true;
  const ms = parseLabelSelector(sel).map(reqMatcher);
  if (ms.length === 0) return () => true;
  if (ms.length === 1) return ms[0]!;
  return (l) => {
    for (const m of ms) if (!m(l)) return false;
    return true;
  };
}

// ---- field selectors (k8s.io/apimachinery/pkg/fields) ----

export interface FieldRequirement {
  field: string;
  op: '=' | '==' | '!=';
  value: string;
}

function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unescapeValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\') {
      const n = v[i + 1];
      if (n === undefined || !',=\\'.includes(n)) throw new Error(`invalid field selector: invalid escape sequence: \\${n ?? ''}`);
      out += n;
      i++;
    } else if (c === '=' || c === ',') {
      throw new Error(`invalid field selector: unescaped character: ${c}`);
    } else out += c;
  }
  return out;
}

/** Parses a field selector (syntax only); throws 400 with kube's wording. */
export function parseFieldSelector(sel: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  if (!sel || !sel.trim()) return reqs;
  try {
    for (const term of splitTerms(sel)) {
      if (term === '') continue;
      let found = false;
      for (const op of ['!=', '==', '='] as const) {
        const i = term.indexOf(op);
        if (i >= 0) {
          reqs.push({ field: term.slice(0, i), op, value: unescapeValue(term.slice(i + op.length)) });
          found = true;
          break;
        }
      }
      if (!found) throw new Error(`invalid selector: '${sel}'; can't understand '${term}'`);
    }
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  return reqs;
}

/** The string value kube's *ToSelectableFields gives a field (booleans as "true"/"false", missing as ""). */
export function fieldValue(obj: any, field: string): string {
  switch (field) {
    case 'metadata.name':
      return obj?.metadata?.name ?? '';
    case 'metadata.namespace':
      return obj?.metadata?.namespace ?? '';
    case 'spec.unschedulable':
      return obj?.spec?.unschedulable ? 'true' : 'false';
    case 'spec.hostNetwork':
      return obj?.spec?.hostNetwork ? 'true' : 'false';
    case 'status.podIPs':
      return obj?.status?.podIPs?.[0]?.ip ?? obj?.status?.podIP ?? '';
    case 'source':
      return obj?.source?.component ?? '';
    case 'status.successful':
    case 'status.replicas':
      return String(field === 'status.replicas' ? (obj?.status?.replicas ?? 0) : (obj?.status?.succeeded ?? 0));
  }
  let cur: any = obj;
  for (const p of field.split('.')) {
    if (cur == null || typeof cur !== 'object') return '';
    cur = cur[p];
  }
  if (cur == null) return '';
  return typeof cur === 'string' ? cur : String(cur);
}

/**
 * Compiles a field selector for a resource that supports `supported` fields (metadata.name and
 * metadata.namespace are always supported). Unsupported field → 400 `field label not supported: x`.
 */
export function compileFieldSelector(sel: string | undefined | null, supported: string[] = []): { match: ObjectMatcher; reqs: FieldRequirement[] } {
  const reqs = parseFieldSelector(sel ?? '');
  if (reqs.length === 0) return { match: () => true, reqs };
  const ok = new Set(['metadata.name', 'metadata.namespace', ...supported]);
  for (const r of reqs) if (!ok.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  const ms: ObjectMatcher[] = reqs.map((r) => {
    const { field, value } = r;
    return r.op === '!=' ? (o) => fieldValue(o, field) !== value : (o) => fieldValue(o, field) === value;
  });
  const match: ObjectMatcher = ms.length === 1 ? ms[0]! : (o) => ms.every((m) => m(o));
  return { match, reqs };
}
