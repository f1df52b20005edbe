// The command lines shown beside the request form.
import { describe, expect, it } from 'vitest';
import { createTokenCommand, shellQuote } from './commands';

describe('createTokenCommand', () => {
  it('builds the minimal command', () => {
    expect(createTokenCommand('oc', { namespace: 'default', serviceAccount: 'build-robot', audiences: [], expirationSeconds: null })).toBe('oc create token build-robot -n default');
  });

  it('adds repeatable audiences, the duration and the bound object', () => {
    expect(
      createTokenCommand('kubectl', {
        namespace: 'ns1',
        serviceAccount: 'sa',
        audiences: ['vault', 'https://issuer.example.com'],
        expirationSeconds: 3600,
        boundObject: { kind: 'Pod', name: 'web-0' },
      }),
    ).toBe('kubectl create token sa -n ns1 --audience vault --audience https://issuer.example.com --duration 3600s --bound-object-kind Pod --bound-object-name web-0');
  });

  it('quotes what a shell would split, and shows placeholders for empty names', () => {
    expect(createTokenCommand('oc', { namespace: '', serviceAccount: '', audiences: ["it's mine"], expirationSeconds: 600 })).toBe(
      `oc create token <service-account> -n <namespace> --audience 'it'\\''s mine' --duration 600s`,
    );
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote('')).toBe("''");
  });
});
