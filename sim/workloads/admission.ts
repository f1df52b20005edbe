// Pod admission as kube-apiserver applies it on create: the ServiceAccount admission plugin
// (plugin/pkg/admission/serviceaccount/admission.go: the service account must exist, and the
// `kube-api-access-<5>` projected volume is injected and mounted read-only at
// /var/run/secrets/kubernetes.io/serviceaccount unless automount is off), the projection defaults
// and validation of pkg/apis/core (expirationSeconds 3600 by default, at least 10 minutes), and
// the Job selector the batch strategy generates.
import { forbidden, invalid } from '../errors';
import type { K8sObject, Store } from '../store';
import { randSuffix } from './util';

export const SA_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const API_ACCESS_PREFIX = 'kube-api-access-';
export const INJECTED_EXPIRATION_SECONDS = 3607;

/** admission.go TokenVolumeSource(), plus the service CA bundle OpenShift adds to every pod. */
export function apiAccessVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: INJECTED_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        { configMap: { name: 'openshift-service-ca.crt', items: [{ key: 'service-ca.crt', path: 'service-ca.crt' }] } },
      ],
      defaultMode: 420,
    },
  };
}

type AnyObj = Record<string, any>;

function containersOf(spec: AnyObj): AnyObj[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].filter((c) => c && typeof c === 'object');
}

/** Defaults and validates projected serviceAccountToken sources; returns field causes. */
export function defaultAndValidateProjections(spec: AnyObj): { field: string; message: string; reason: string }[] {
  const causes: { field: string; message: string; reason: string }[] = [];
  (spec.volumes ?? []).forEach((v: AnyObj, i: number) => {
    (v?.projected?.sources ?? []).forEach((s: AnyObj, j: number) => {
      const t = s?.serviceAccountToken;
      if (!t) return;
      t.expirationSeconds ??= 3600;
      const f = `spec.volumes[${i}].projected.sources[${j}].serviceAccountToken`;
      if (t.expirationSeconds < 600) causes.push({ field: `${f}.expirationSeconds`, message: `Invalid value: ${t.expirationSeconds}: may not specify a duration less than 10 minutes`, reason: 'FieldValueInvalid' });
      if (t.expirationSeconds > 2 ** 32) causes.push({ field: `${f}.expirationSeconds`, message: `Invalid value: ${t.expirationSeconds}: may not specify a duration larger than 2^32 seconds`, reason: 'FieldValueInvalid' });
      if (!t.path) causes.push({ field: `${f}.path`, message: 'Required value', reason: 'FieldValueRequired' });
    });
  });
  return causes;
}

export function installAdmission(store: Store): void {
  store.addAdmission('pods', (op, obj, _old, ctx) => {
    if (op !== 'CREATE') return;
    const pod = obj as K8sObject & { spec: AnyObj };
    const spec = (pod.spec ??= {});
    const name = pod.metadata.name ?? '';
    const ns = pod.metadata.namespace ?? 'default';
    const saName: string = spec.serviceAccountName || 'default';
    const sa = store.peek('serviceaccounts', ns, saName) as (K8sObject & { automountServiceAccountToken?: boolean }) | undefined;
    // The plugin looks the service account up for every pod a client creates; the demo cluster's
    // own components (seed, operator) create pods without a user and are trusted.
    if (!sa && ctx.user) {
      const msg = `error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`;
      throw forbidden(`pods "${name}" is forbidden: ${msg}`, { name, kind: 'pods' });
    }
    const causes = defaultAndValidateProjections(spec);
    if (causes.length) throw invalid('Pod', name, causes);
    // Mirror pods (static pods) are never given a token volume.
    if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
    const automount = spec.automountServiceAccountToken ?? sa?.automountServiceAccountToken ?? true;
    if (automount === false) return;
    const cs = containersOf(spec);
    const mounted = (c: AnyObj) => (c.volumeMounts ?? []).some((m: AnyObj) => m?.mountPath === SA_MOUNT_PATH);
    if (cs.length > 0 && cs.every(mounted)) return;
    const volumes: AnyObj[] = (spec.volumes ??= []);
    let volName = volumes.find((v) => typeof v?.name === 'string' && v.name.startsWith(API_ACCESS_PREFIX) && v.projected)?.name as string | undefined;
    if (!volName) {
      do volName = API_ACCESS_PREFIX + randSuffix(5);
      while (volumes.some((v) => v?.name === volName));
      volumes.push(apiAccessVolume(volName));
    }
    for (const c of cs) {
      if (mounted(c)) continue;
      (c.volumeMounts ??= []).push({ name: volName, readOnly: true, mountPath: SA_MOUNT_PATH });
    }
  });

  // batch/v1 Job strategy PrepareForCreate + generateSelector (manualSelector unset).
  store.addAdmission('jobs.batch', (op, obj) => {
    if (op !== 'CREATE') return;
    const spec = ((obj as AnyObj).spec ??= {});
    if (spec.manualSelector === true) return;
    const uid = obj.metadata.uid ?? '';
    const name = obj.metadata.name ?? '';
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    const tm = ((spec.template ??= {}).metadata ??= {});
    tm.labels = { ...(tm.labels ?? {}), 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
  });
}
