// Formatting of countdowns, UTC times and JSON, and the line diff of the spec YAML.
import { describe, expect, it } from 'vitest';
import { formatRemaining, formatUtc, prettyJson } from './format';
import { lineDiff } from './line-diff';

describe('formatRemaining', () => {
  it('counts down with seconds at every scale', () => {
    expect(formatRemaining(0)).toBe('expired');
    expect(formatRemaining(-5)).toBe('expired');
    expect(formatRemaining(12_400)).toBe('12s');
    expect(formatRemaining(4 * 60_000 + 5_000)).toBe('4m 05s');
    expect(formatRemaining(24 * 3600_000 - 2_000)).toBe('23h 59m 58s');
    expect(formatRemaining(26 * 3600_000 + 3 * 60_000 + 4_000)).toBe('1d 2h 03m 04s');
  });
});

describe('formatUtc / prettyJson', () => {
  it('formats RFC 3339 as UTC and leaves other text alone', () => {
    expect(formatUtc('2026-11-29T01:02:03Z')).toBe('2026-11-29 01:02:03 UTC');
    expect(formatUtc('nonsense')).toBe('nonsense');
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('not json')).toBe('not json');
  });
});

describe('lineDiff', () => {
  it('marks the changed line and keeps the rest', () => {
    const before = 'spec:\n  oauthMetadata:\n    name: ""\n  serviceAccountIssuer: ""\n  type: ""\n';
    const after = 'spec:\n  oauthMetadata:\n    name: ""\n  serviceAccountIssuer: https://x\n  type: ""\n';
    expect(lineDiff(before, after)).toEqual([
      { op: 'same', text: 'spec:' },
      { op: 'same', text: '  oauthMetadata:' },
      { op: 'same', text: '    name: ""' },
      { op: 'del', text: '  serviceAccountIssuer: ""' },
      { op: 'add', text: '  serviceAccountIssuer: https://x' },
      { op: 'same', text: '  type: ""' },
    ]);
  });
  it('handles additions at the end and identical texts', () => {
    expect(lineDiff('a\n', 'a\nb\n')).toEqual([{ op: 'same', text: 'a' }, { op: 'add', text: 'b' }]);
    expect(lineDiff('a\nb', 'a\nb').every((l) => l.op === 'same')).toBe(true);
  });
});
