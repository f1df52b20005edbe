'use client';
// The procedure's pod, built: the form (pod, namespace, image, service account from the namespace,
// audience, expirationSeconds, mount path, file path, restricted security context), the live YAML
// beside it with copy and download, the `oc create -f` command, and "create in cluster".
import { useEffect, useMemo, useState } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';
import type { CreateAccess, CreatedPod } from '@/lib/k8s/projected';
import { CopyButton } from '@/components/ui/copy-button';
import { CreatePanel } from './create-panel';
import { DownloadButton } from './download-button';
import { PROJECTED_CREATED_EVENT } from './events';
import { ExpirationAdvice } from './expiration-advice';
import { FieldRow } from './field-row';
import {
  DEFAULT_FORM,
  MIN_EXPIRATION_SECONDS,
  PROCEDURE_FILE_NAME,
  buildPodManifest,
  manifestYaml,
  ocCreateCommand,
  validateForm,
  volumeNameFor,
  type FormField,
  type ProjectedPodForm,
} from './pod-manifest';
import { YamlPreview } from './yaml-preview';

type FieldErrors = Partial<Record<FormField, string[]>>;

const INPUT =
  'block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-900 shadow-sm focus:border-sky-500 aria-[invalid=true]:border-red-500';

export function ProjectedBuilder({
  namespaces,
  initialNamespace,
  initialServiceAccounts,
  initialAccess,
}: {
  namespaces: string[];
  initialNamespace: string;
  initialServiceAccounts: string[];
  initialAccess: CreateAccess | null;
}) {
  const [form, setForm] = useState<ProjectedPodForm>({ ...DEFAULT_FORM, namespace: initialNamespace });
  const [expirationText, setExpirationText] = useState(String(DEFAULT_FORM.expirationSeconds));
  const [serviceAccounts, setServiceAccounts] = useState<{ namespace: string; names: string[] }>({ namespace: initialNamespace, names: initialServiceAccounts });
  const [access, setAccess] = useState<CreateAccess | null>(initialAccess);
  const [saProblem, setSaProblem] = useState<string | null>(null);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});

  const set = <K extends FormField>(k: K, v: ProjectedPodForm[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setServerErrors((e) => (e[k] ? { ...e, [k]: undefined } : e));
  };

  // The service account picker and the create permission follow the namespace.
  useEffect(() => {
    const ns = form.namespace.trim();
    if (ns === serviceAccounts.namespace) return;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns)) return;
    setAccess(null);
    const ctl = new AbortController();
    const t = setTimeout(async () => {
      try {
        const r = await apiFetch<{ serviceAccounts: string[]; access: CreateAccess }>(`/api/projected?${new URLSearchParams({ view: 'serviceaccounts', namespace: ns })}`, { signal: ctl.signal });
        if (!r.ok) {
          setSaProblem(r.data.message ?? `Could not list service accounts (${r.status}).`);
          setServiceAccounts({ namespace: ns, names: [] });
          setAccess({ allowed: false, message: r.data.message ?? 'Could not check your permissions' });
          return;
        }
        setSaProblem(r.data.serviceAccounts.length ? null : `The namespace "${ns}" has no service accounts (does it exist?).`);
        setServiceAccounts({ namespace: ns, names: r.data.serviceAccounts });
        setAccess(r.data.access);
        setForm((f) => (r.data.serviceAccounts.includes(f.serviceAccount) ? f : { ...f, serviceAccount: r.data.serviceAccounts.includes('default') ? 'default' : (r.data.serviceAccounts[0] ?? '') }));
      } catch {
        /* aborted by a newer namespace */
      }
    }, 300);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [form.namespace, serviceAccounts.namespace]);

  const localErrors = useMemo(() => validateForm(form), [form]);
  const yaml = useMemo(() => manifestYaml(buildPodManifest(form)), [form]);
  const errorsOf = (f: FormField) => [...(localErrors[f] ? [localErrors[f]!] : []), ...(serverErrors[f] ?? [])];
  const invalid = (f: FormField) => (errorsOf(f).length ? true : undefined);
  const blocked = Object.keys(localErrors).length ? `Fix ${Object.keys(localErrors).join(', ')} first.` : null;
  const saOptions = serviceAccounts.names.includes(form.serviceAccount) || !form.serviceAccount ? serviceAccounts.names : [form.serviceAccount, ...serviceAccounts.names];

  const onCreated = (pod: CreatedPod) => {
    window.dispatchEvent(new CustomEvent(PROJECTED_CREATED_EVENT, { detail: { namespace: pod.namespace, name: pod.name } }));
  };

  const text = (field: FormField, extra: Record<string, unknown> = {}) => ({
    id: `f-${field}`,
    'aria-describedby': `f-${field}-desc`,
    'aria-invalid': invalid(field),
    className: INPUT,
    ...extra,
  });

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <form className="space-y-4" onSubmit={(e) => e.preventDefault()} aria-label="Pod with a projected service account token" data-testid="projected-form">
        <div className="grid gap-4 sm:grid-cols-2">
          <FieldRow field="name" label="Pod name" errors={errorsOf('name')}>
            <input {...text('name')} value={form.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" spellCheck={false} />
          </FieldRow>
          <FieldRow field="namespace" label="Namespace" errors={errorsOf('namespace')}>
            <input {...text('namespace')} list="projected-namespaces" value={form.namespace} onChange={(e) => set('namespace', e.target.value)} autoComplete="off" spellCheck={false} />
            <datalist id="projected-namespaces">
              {namespaces.map((n) => (
                <option key={n} value={n} />
              ))}
            </datalist>
          </FieldRow>
          <FieldRow field="image" label="Image" errors={errorsOf('image')} help="The procedure uses nginx.">
            <input {...text('image')} value={form.image} onChange={(e) => set('image', e.target.value)} autoComplete="off" spellCheck={false} />
          </FieldRow>
          <FieldRow
            field="serviceAccount"
            label="Service account"
            errors={[...errorsOf('serviceAccount'), ...(saProblem ? [saProblem] : [])]}
            help={`From the namespace "${serviceAccounts.namespace}". The procedure uses build-robot.`}
          >
            <select {...text('serviceAccount')} value={form.serviceAccount} onChange={(e) => set('serviceAccount', e.target.value)}>
              {saOptions.length === 0 && <option value="">(none)</option>}
              {saOptions.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </FieldRow>
          <FieldRow field="audience" label="Audience" errors={errorsOf('audience')} help="Empty: the API server's own audiences (the issuer URL). The procedure uses vault.">
            <input {...text('audience')} value={form.audience} onChange={(e) => set('audience', e.target.value)} placeholder="API audiences" autoComplete="off" spellCheck={false} />
          </FieldRow>
          <FieldRow field="expirationSeconds" label="expirationSeconds" errors={errorsOf('expirationSeconds')} help={`At least ${MIN_EXPIRATION_SECONDS}; default 3600. The procedure uses 7200.`}>
            <input
              {...text('expirationSeconds')}
              type="number"
              inputMode="numeric"
              min={MIN_EXPIRATION_SECONDS}
              step={1}
              value={expirationText}
              onChange={(e) => {
                setExpirationText(e.target.value);
                set('expirationSeconds', e.target.value.trim() === '' ? Number.NaN : Number(e.target.value));
              }}
            />
          </FieldRow>
          <FieldRow field="mountPath" label="Mount path" errors={errorsOf('mountPath')} help="Where the volume appears in the container.">
            <input {...text('mountPath')} value={form.mountPath} onChange={(e) => set('mountPath', e.target.value)} autoComplete="off" spellCheck={false} />
          </FieldRow>
          <FieldRow field="filePath" label="File path" errors={errorsOf('filePath')} help={`Relative to the mount path; the volume is named "${volumeNameFor(form.filePath)}".`}>
            <input {...text('filePath')} value={form.filePath} onChange={(e) => set('filePath', e.target.value)} autoComplete="off" spellCheck={false} />
          </FieldRow>
        </div>
        <ExpirationAdvice expirationSeconds={form.expirationSeconds} audience={form.audience} />
        <FieldRow field="restricted" label="Restricted security context (as the procedure)" errors={errorsOf('restricted')}>
          <label className="flex items-start gap-2 text-sm text-slate-700">
            <input
              id="f-restricted"
              type="checkbox"
              aria-describedby="f-restricted-desc"
              checked={form.restricted}
              onChange={(e) => set('restricted', e.target.checked)}
              className="mt-0.5 h-4 w-4"
            />
            <span>
              runAsNonRoot, seccompProfile RuntimeDefault, allowPrivilegeEscalation false, capabilities drop ALL: what the restricted pod
              security profile (and OpenShift&apos;s restricted-v2 SCC) expects.
            </span>
          </label>
        </FieldRow>
      </form>

      <div className="min-w-0 space-y-4">
        <div className="space-y-2">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <h3 className="font-semibold">
              <code>{PROCEDURE_FILE_NAME}</code>
            </h3>
            <div className="flex flex-wrap gap-2">
              <CopyButton text={yaml} label="Copy YAML" testId="copy-yaml" className="px-3 py-1.5 text-sm" />
              <DownloadButton text={yaml} />
            </div>
          </div>
          <YamlPreview yaml={yaml} />
          <p className="text-xs text-slate-500">Hover or focus a number for the procedure&apos;s explanation of that line.</p>
        </div>
        <div className="space-y-1">
          <p className="text-sm font-medium text-slate-800">Create it yourself</p>
          <div className="flex flex-wrap items-center gap-2">
            <code data-testid="oc-command" className="rounded bg-slate-100 px-2 py-1 text-sm text-slate-900">
              $ {ocCreateCommand(form.namespace)}
            </code>
            <CopyButton text={ocCreateCommand(form.namespace)} label="Copy command" testId="copy-command" className="px-3 py-1.5 text-sm" />
          </div>
        </div>
        <CreatePanel form={form} blocked={blocked} access={access} onFieldErrors={setServerErrors} onCreated={onCreated} />
      </div>
    </div>
  );
}
