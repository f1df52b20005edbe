import { describe, expect, it } from 'vitest';
import { StatusError } from './errors';
import { compileFieldSelector, compileLabelSelector, parseLabelSelector } from './selectors';

function err(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    return e as StatusError;
  }
  throw new Error('expected an error');
}

describe('label selectors', () => {
  const L = { app: 'web', tier: 'front', 'example.com/role': 'x' };
  const cases: [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (web, db)', true],
    ['app in (db)', false],
    ['app notin (db,cache)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['tier', true],
    ['missing', false],
    ['!missing', true],
    ['!tier', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['example.com/role=x', true],
    ['', true],
  ];
  for (const [sel, want] of cases) {
    it(`${JSON.stringify(sel)} → ${want}`, () => {
      expect(compileLabelSelector(sel)(L)).toBe(want);
    });
  }

  it('handles missing labels', () => {
    expect(compileLabelSelector('app=web')(undefined)).toBe(false);
    expect(compileLabelSelector('!app')(undefined)).toBe(true);
  });

  it('parses operators and value sets', () => {
    expect(parseLabelSelector('a in (y, x),!b')).toEqual([
      { key: 'a', op: 'in', values: ['x', 'y'] },
      { key: 'b', op: '!', values: [] },
    ]);
  });

  it('rejects bad selectors with kube wording as 400', () => {
    const e1 = err(() => compileLabelSelector('app in web'));
    expect(e1.code).toBe(400);
    expect(e1.reason).toBe('BadRequest');
    expect(e1.message).toBe("unable to parse requirement: found 'web' expected: '('");
    expect(err(() => compileLabelSelector('app=web,')).message).toBe("found '', expected: identifier after ','");
    expect(err(() => compileLabelSelector('a b')).message).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(err(() => compileLabelSelector('-bad=x')).message).toMatch(/^unable to parse requirement: key: Invalid value: "-bad": name part must consist of alphanumeric characters/);
    expect(err(() => compileLabelSelector('a=-x-')).message).toMatch(/^unable to parse requirement: values\[0\]\[a\]: Invalid value: "-x-": a valid label must be an empty string/);
  });
});

describe('field selectors', () => {
  const pod = { metadata: { name: 'p1', namespace: 'ns1' }, spec: { nodeName: 'w1' }, status: { phase: 'Running' } };
  it('matches =, == and != on supported fields', () => {
    const sup = ['spec.nodeName', 'status.phase'];
    expect(compileFieldSelector('spec.nodeName=w1', sup).match(pod)).toBe(true);
    expect(compileFieldSelector('spec.nodeName==w2', sup).match(pod)).toBe(false);
    expect(compileFieldSelector('status.phase!=Running', sup).match(pod)).toBe(false);
    expect(compileFieldSelector('metadata.name=p1,metadata.namespace=ns1', sup).match(pod)).toBe(true);
    expect(compileFieldSelector('spec.nodeName=', sup).match({ metadata: {}, spec: {} })).toBe(true);
  });
  it('renders spec.unschedulable as true/false', () => {
    const m = compileFieldSelector('spec.unschedulable=false', ['spec.unschedulable']).match;
    expect(m({ metadata: {}, spec: {} })).toBe(true);
    expect(m({ metadata: {}, spec: { unschedulable: true } })).toBe(false);
  });
  it('rejects unsupported fields and bad syntax with 400', () => {
    const e = err(() => compileFieldSelector('foo=bar', ['spec.nodeName']));
    expect(e.code).toBe(400);
    expect(e.message).toBe('field label not supported: foo');
    expect(err(() => compileFieldSelector('nonsense', [])).message).toBe("invalid selector: 'nonsense'; can't understand 'nonsense'");
  });
});
