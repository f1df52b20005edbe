// The builder against the procedure itself: its pod-projected-svc-token.yaml (callout numbers
// removed) is what the builder prints for the procedure's values, byte for byte.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FORM,
  buildPodManifest,
  containerNameFor,
  formFieldForCause,
  manifestYaml,
  ocCreateCommand,
  validateForm,
  volumeNameFor,
  type ProjectedPodForm,
} from './pod-manifest';

const PROCEDURE = '/work/shared/reference/bound-service-account-tokens.md';

/** The YAML block after "pod-projected-svc-token.yaml" in the procedure, callout numbers stripped. */
export function procedurePodYaml(markdown: string): string {
  const at = markdown.indexOf('pod-projected-svc-token.yaml with the following contents');
  const block = /```yaml\n([\s\S]*?)```/.exec(markdown.slice(at));
  if (at < 0 || !block) throw new Error('procedure pod not found');
  return block[1]!.split('\n').map((l) => l.replace(/ \d$/, '')).join('\n');
}

const procedureForm: ProjectedPodForm = {
  ...DEFAULT_FORM,
  name: 'nginx',
  image: 'nginx',
  serviceAccount: 'build-robot',
  audience: 'vault',
  expirationSeconds: 7200,
  mountPath: '/var/run/secrets/tokens',
  filePath: 'vault-token',
  restricted: true,
};

describe('the procedure pod', () => {
  it('prints exactly the procedure\'s YAML for its values', () => {
    const expected = procedurePodYaml(readFileSync(PROCEDURE, 'utf8'));
    expect(expected).toContain('serviceAccountName: build-robot');
    expect(manifestYaml(buildPodManifest(procedureForm))).toBe(expected);
  });

  it('leaves the audience out when empty (API audiences) and the security context when not restricted', () => {
    const y = manifestYaml(buildPodManifest({ ...procedureForm, audience: '  ', restricted: false }));
    const obj = parse(y);
    expect(obj.spec.volumes[0].projected.sources[0].serviceAccountToken).toEqual({ path: 'vault-token', expirationSeconds: 7200 });
    expect(obj.spec.securityContext).toBeUndefined();
    expect(obj.spec.containers[0].securityContext).toBeUndefined();
    expect(y).not.toContain('audience');
  });

  it('quotes values YAML would otherwise read as numbers or booleans', () => {
    const obj = parse(manifestYaml(buildPodManifest({ ...procedureForm, audience: '123', filePath: 'true' })));
    expect(obj.spec.volumes[0].projected.sources[0].serviceAccountToken.audience).toBe('123');
    expect(obj.spec.volumes[0].projected.sources[0].serviceAccountToken.path).toBe('true');
  });

  it('derives volume and container names as DNS-1123 labels', () => {
    expect(volumeNameFor('vault-token')).toBe('vault-token');
    expect(volumeNameFor('a/B.jwt')).toBe('a-b-jwt');
    expect(volumeNameFor('///')).toBe('token');
    expect(containerNameFor('nginx')).toBe('nginx');
    expect(containerNameFor('registry.example.com:5000/ubi9/nginx-122:latest')).toBe('nginx-122');
    expect(containerNameFor('quay.io/x/y@sha256:abc')).toBe('y');
  });

  it('shows the oc command with the namespace', () => {
    expect(ocCreateCommand('default')).toBe('oc create -f pod-projected-svc-token.yaml -n default');
  });
});

describe('form validation and cause mapping', () => {
  it('accepts the defaults and leaves lifetimes below 600 s to the cluster', () => {
    expect(validateForm(DEFAULT_FORM)).toEqual({});
    expect(validateForm({ ...DEFAULT_FORM, expirationSeconds: 300 })).toEqual({});
  });

  it('names the fields that are wrong', () => {
    const errs = validateForm({ ...DEFAULT_FORM, name: 'Bad_Name', mountPath: 'relative', filePath: '../x', expirationSeconds: 1.5 });
    expect(Object.keys(errs).sort()).toEqual(['expirationSeconds', 'filePath', 'mountPath', 'name']);
    expect(errs.name).toMatch(/RFC 1123 subdomain/);
  });

  it('maps the cluster\'s field paths to form fields', () => {
    expect(formFieldForCause('spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds')).toBe('expirationSeconds');
    expect(formFieldForCause('spec.volumes[0].projected.sources[0].serviceAccountToken.path')).toBe('filePath');
    expect(formFieldForCause('spec.volumes[0].projected.sources[0].serviceAccountToken.audience')).toBe('audience');
    expect(formFieldForCause('spec.containers[0].volumeMounts[0].mountPath')).toBe('mountPath');
    expect(formFieldForCause('metadata.name')).toBe('name');
    expect(formFieldForCause('spec.serviceAccountName')).toBe('serviceAccount');
    expect(formFieldForCause('spec.containers[0].securityContext.runAsNonRoot')).toBe('restricted');
    expect(formFieldForCause('spec.nodeName')).toBeNull();
    expect(formFieldForCause(undefined)).toBeNull();
  });
});
