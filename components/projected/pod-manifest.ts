// The procedure's pod (pod-projected-svc-token.yaml in "Configuring bound service account tokens
// using volume projection") built from the form: one pure, isomorphic module shared by the browser
// (live YAML preview, copy, download) and the route handler (what is sent to the cluster), so the
// YAML shown is exactly what gets created. Also the form's zod schema and the mapping from the
// cluster's field paths (422 causes) back to form fields.
import { Document, isSeq } from 'yaml';
import { z } from 'zod';

export const PROCEDURE_FILE_NAME = 'pod-projected-svc-token.yaml';
export const DEFAULT_MOUNT_PATH = '/var/run/secrets/tokens';
export const DEFAULT_FILE_PATH = 'vault-token';
export const DEFAULT_EXPIRATION_SECONDS = 3600;
export const MIN_EXPIRATION_SECONDS = 600;

export interface ProjectedPodForm {
  name: string;
  namespace: string;
  image: string;
  serviceAccount: string;
  /** Empty: the token is for the API server's own audiences. */
  audience: string;
  expirationSeconds: number;
  mountPath: string;
  filePath: string;
  /** The procedure's restricted security context (pod and container). */
  restricted: boolean;
}

export type FormField = keyof ProjectedPodForm;

export const DEFAULT_FORM: ProjectedPodForm = {
  name: 'nginx',
  namespace: 'default',
  image: 'nginx',
  serviceAccount: 'default',
  audience: 'vault',
  expirationSeconds: DEFAULT_EXPIRATION_SECONDS,
  mountPath: DEFAULT_MOUNT_PATH,
  filePath: DEFAULT_FILE_PATH,
  restricted: true,
};

// apimachinery's IsDNS1123Subdomain / IsDNS1123Label, with kube's own messages.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')";

/**
 * What the form sends. expirationSeconds is only checked for being a whole number: below 600 or
 * above 2^32 is left to the cluster, so the user sees the API server's own refusal on the field.
 */
export const projectedPodSchema = z.object({
  name: z.string().trim().min(1, 'Required value').max(253, 'must be no more than 253 characters').regex(DNS1123_SUBDOMAIN, SUBDOMAIN_MSG),
  namespace: z.string().trim().min(1, 'Required value').max(63, 'must be no more than 63 characters').regex(DNS1123_LABEL, LABEL_MSG),
  image: z.string().trim().min(1, 'Required value').max(1024).regex(/^\S+$/, 'must not contain spaces'),
  serviceAccount: z.string().trim().min(1, 'Required value').max(253, 'must be no more than 253 characters').regex(DNS1123_SUBDOMAIN, SUBDOMAIN_MSG),
  audience: z.string().trim().max(1024),
  expirationSeconds: z.number({ error: 'must be a whole number of seconds' }).int('must be a whole number of seconds').min(1, 'must be a positive number of seconds').max(Number.MAX_SAFE_INTEGER),
  mountPath: z.string().trim().min(1, 'Required value').max(4096).refine((p) => p.startsWith('/'), 'must be an absolute path').refine((p) => !p.includes(':'), "must not contain ':'"),
  filePath: z
    .string()
    .trim()
    .min(1, 'Required value')
    .max(4096)
    .refine((p) => !p.startsWith('/'), 'must be a relative path')
    .refine((p) => !p.split('/').includes('..'), "must not contain '..'"),
  restricted: z.boolean(),
});

export const createRequestSchema = projectedPodSchema.extend({ dryRun: z.boolean() });
export type CreateRequest = z.infer<typeof createRequestSchema>;

/** Field errors from the schema, keyed by form field (first message per field). */
export function validateForm(form: ProjectedPodForm): Partial<Record<FormField, string>> {
  const r = projectedPodSchema.safeParse(form);
  if (r.success) return {};
  const out: Partial<Record<FormField, string>> = {};
  for (const issue of r.error.issues) {
    const f = issue.path[0] as FormField | undefined;
    if (f && !out[f]) out[f] = issue.message;
  }
  return out;
}

/** The volume's name: the procedure names it after the file (vault-token); a DNS-1123 label. */
export function volumeNameFor(filePath: string): string {
  const base = filePath.trim().toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return base || 'token';
}

/** The container's name: the image's last path element without tag or digest ("nginx"). */
export function containerNameFor(image: string): string {
  const last = image.trim().split('@')[0]!.split('/').pop() ?? '';
  const noTag = last.split(':')[0] ?? '';
  const name = noTag.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return name || 'app';
}

export interface PodManifest {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/**
 * The pod, with keys in the procedure's order. No metadata.namespace, like the procedure's file:
 * the namespace is where it is created (`oc create -f … -n <namespace>`).
 */
export function buildPodManifest(f: ProjectedPodForm): PodManifest {
  const volume = volumeNameFor(f.filePath);
  const spec: Record<string, unknown> = {};
  if (f.restricted) spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  const container: Record<string, unknown> = {
    image: f.image.trim(),
    name: containerNameFor(f.image),
    volumeMounts: [{ mountPath: f.mountPath.trim(), name: volume }],
  };
  if (f.restricted) container.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  spec.containers = [container];
  spec.serviceAccountName = f.serviceAccount.trim();
  const token: Record<string, unknown> = { path: f.filePath.trim(), expirationSeconds: f.expirationSeconds };
  if (f.audience.trim()) token.audience = f.audience.trim();
  spec.volumes = [{ name: volume, projected: { sources: [{ serviceAccountToken: token }] } }];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: f.name.trim() }, spec };
}

/** YAML in the procedure's style: sequences not indented under their key, `drop: [ALL]` in flow style. */
export function manifestYaml(manifest: PodManifest): string {
  const doc = new Document(manifest);
  const drop = doc.getIn(['spec', 'containers', 0, 'securityContext', 'capabilities', 'drop'], true);
  if (isSeq(drop)) drop.flow = true;
  return doc.toString({ indentSeq: false, lineWidth: 0, flowCollectionPadding: false });
}

/** The command the procedure runs, with the namespace the dashboard would create the pod in. */
export function ocCreateCommand(namespace: string): string {
  const ns = namespace.trim();
  return `oc create -f ${PROCEDURE_FILE_NAME}${ns ? ` -n ${ns}` : ''}`;
}

/**
 * Which form field a cluster field path is about (a 422 cause, or our own mapping of a 403/404/409),
 * or null when it concerns the pod as a whole.
 */
export function formFieldForCause(field: string | undefined): FormField | null {
  if (!field) return null;
  const f = field.replace(/^\.+/, '');
  if (f === 'metadata.name' || f === 'metadata.generateName') return 'name';
  if (f === 'metadata.namespace') return 'namespace';
  if (f === 'spec.serviceAccountName' || f === 'spec.serviceAccount') return 'serviceAccount';
  if (/^spec\.volumes\[\d+\]\.projected\.sources\[\d+\]\.serviceAccountToken\.expirationSeconds$/.test(f)) return 'expirationSeconds';
  if (/^spec\.volumes\[\d+\]\.projected\.sources\[\d+\]\.serviceAccountToken\.audience$/.test(f)) return 'audience';
  if (/^spec\.volumes\[\d+\]\.projected\.sources\[\d+\]\.serviceAccountToken\.path$/.test(f)) return 'filePath';
  if (/^spec\.volumes\[\d+\]\.name$/.test(f)) return 'filePath';
  if (/^spec\.containers\[\d+\]\.volumeMounts\[\d+\]\.mountPath$/.test(f)) return 'mountPath';
  if (/^spec\.containers\[\d+\]\.volumeMounts\[\d+\]\.name$/.test(f)) return 'filePath';
  if (/^spec\.containers\[\d+\]\.(image|name)$/.test(f)) return 'image';
  if (/securityContext/.test(f)) return 'restricted';
  return null;
}
