import { describe, expect, it } from 'vitest';
import { checkIssuer, goUrlParseError, validateKubeAPIServerStatusUpdate } from './validation';

describe('checkIssuer / Go url.Parse', () => {
  it('accepts values without ":" and parsable URLs, http included', () => {
    for (const ok of ['myissuer', 'https://test.default.svc', 'http://x.example:8080/p', 'urn:opaque:thing', 'https://[::1]:6443']) expect(checkIssuer(ok)).toBeUndefined();
  });
  it('words Go errors', () => {
    expect(goUrlParseError(':foo')).toBe('parse ":foo": missing protocol scheme');
    expect(goUrlParseError('https://exa mple.com')).toBe('parse "https://exa mple.com": invalid character " " in host name');
    expect(goUrlParseError('https://foo:bar')).toBe('parse "https://foo:bar": invalid port ":bar" after host');
    expect(goUrlParseError('http://[::1')).toBe(`parse "http://[::1": missing ']' in host`);
    expect(goUrlParseError('https://h/%zz')).toBe('parse "https://h/%zz": invalid URL escape "%zz"');
    expect(goUrlParseError('my issuer:x')).toBe('parse "my issuer:x": first path segment in URL cannot contain colon');
    expect(goUrlParseError('https://a\tb')).toBe('parse "https://a\\tb": net/url: invalid control character in URL');
    expect(checkIssuer('https://foo:bar')).toBe(`service-account issuer contained a ':' but was not a valid URL: parse "https://foo:bar": invalid port ":bar" after host`);
  });
});

describe('KubeAPIServer status CEL rules', () => {
  const old = { latestAvailableRevision: 12, nodeStatuses: [{ nodeName: 'a', currentRevision: 12 }, { nodeName: 'b', currentRevision: 11 }, { nodeName: 'c', currentRevision: 11, targetRevision: 12 }] };
  it('allows a normal step', () => {
    expect(validateKubeAPIServerStatusUpdate({ ...old, nodeStatuses: [old.nodeStatuses[0]!, old.nodeStatuses[1]!, { nodeName: 'c', currentRevision: 12, targetRevision: 0 }] }, old)).toEqual([]);
  });
  it('rejects a decreasing latestAvailableRevision', () => {
    expect(validateKubeAPIServerStatusUpdate({ ...old, latestAvailableRevision: 11 }, old)).toEqual([
      { field: 'status.latestAvailableRevision', message: 'Invalid value: "integer": must only increase', reason: 'FieldValueInvalid' },
    ]);
  });
  it('rejects two nonzero targetRevisions and a decreasing currentRevision', () => {
    const next = { ...old, nodeStatuses: [{ nodeName: 'a', currentRevision: 11 }, { nodeName: 'b', currentRevision: 11, targetRevision: 12 }, old.nodeStatuses[2]!] };
    expect(validateKubeAPIServerStatusUpdate(next, old).map((c) => `${c.field}: ${c.message}`)).toEqual([
      'status.nodeStatuses[0].currentRevision: Invalid value: "integer": must only increase',
      'status.nodeStatuses: Invalid value: "array": no more than 1 node status may have a nonzero targetRevision',
    ]);
  });
  it('rejects revisions on a new nodeStatus and unsetting currentRevision', () => {
    const next = { ...old, nodeStatuses: [{ nodeName: 'a' }, old.nodeStatuses[1]!, { nodeName: 'c' }, { nodeName: 'd', currentRevision: 1 }] };
    expect(validateKubeAPIServerStatusUpdate(next, old).map((c) => c.message)).toEqual([
      'Invalid value: "object": cannot be unset once set',
      'Invalid value: "object": cannot be unset once set',
      'Invalid value: "object": currentRevision can not be set on creation of a nodeStatus',
    ]);
  });
});
