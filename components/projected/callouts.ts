// The procedure's numbered explanations of pod-projected-svc-token.yaml (callouts 1–6, its own
// words), plus the dashboard's notes for the lines the procedure leaves unnumbered, and which YAML
// line each belongs to. Pure data, shared by the form hints and the YAML preview.
import type { FormField } from './pod-manifest';

export interface Callout {
  /** The procedure's number, or null for the dashboard's own note. */
  n: number | null;
  /** The YAML key the note explains (matched at the start of a trimmed line). */
  key: string;
  text: string;
  field?: FormField;
}

export const CALLOUTS: Callout[] = [
  { n: 1, key: 'runAsNonRoot:', text: 'Prevents containers from running as root to minimize compromise risks.', field: 'restricted' },
  { n: 2, key: 'type: RuntimeDefault', text: 'Sets the default seccomp profile, limiting to essential system calls, to reduce risks.', field: 'restricted' },
  { n: 3, key: 'serviceAccountName:', text: 'A reference to an existing service account.', field: 'serviceAccount' },
  { n: 4, key: 'path:', text: 'The path relative to the mount point of the file to project the token into.', field: 'filePath' },
  {
    n: 5,
    key: 'expirationSeconds:',
    text: 'Optionally set the expiration of the service account token, in seconds. The default value is 3600 seconds (1 hour), and this value must be at least 600 seconds (10 minutes). The kubelet starts trying to rotate the token if the token is older than 80 percent of its time to live or if the token is older than 24 hours.',
    field: 'expirationSeconds',
  },
  {
    n: 6,
    key: 'audience:',
    text: 'Optionally set the intended audience of the token. The recipient of a token should verify that the recipient identity matches the audience claim of the token, and should otherwise reject the token. The audience defaults to the identifier of the API server.',
    field: 'audience',
  },
  {
    n: null,
    key: 'allowPrivilegeEscalation:',
    text: 'Not numbered in the procedure: the process cannot gain more privileges than its parent (no setuid), as the restricted pod security profile requires.',
    field: 'restricted',
  },
  { n: null, key: 'drop:', text: 'Not numbered in the procedure: drops every Linux capability, as the restricted pod security profile requires.', field: 'restricted' },
  {
    n: null,
    key: '- mountPath:',
    text: 'Not numbered in the procedure: the directory the projected volume appears in; the token file is <mountPath>/<path>. The kubelet replaces it atomically, so the application must re-read the file rather than cache it.',
    field: 'mountPath',
  },
];

/** The note for one line of the generated YAML, if any. */
export function calloutForLine(line: string): Callout | undefined {
  const t = line.trimStart();
  return CALLOUTS.find((c) => t.startsWith(c.key));
}

/** The notes that explain one form field, procedure's numbers first. */
export function calloutsForField(field: FormField): Callout[] {
  return CALLOUTS.filter((c) => c.field === field);
}
