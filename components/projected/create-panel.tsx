'use client';
// "Create in cluster": a server-side dry run first (the API server admits and validates the pod but
// stores nothing), then, after an explicit confirmation, the real create; then the pod's name and
// status, followed for a while. The cluster's refusals go to the form fields they concern.
import { useEffect, useRef, useState } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';
import type { CreateAccess, CreatedPod } from '@/lib/k8s/projected';
import type { FormField, ProjectedPodForm } from './pod-manifest';

type Phase = 'idle' | 'dry-running' | 'dry-ok' | 'confirm' | 'creating' | 'created';
type FieldErrors = Partial<Record<FormField, string[]>>;

interface CreateResponse {
  dryRun?: boolean;
  pod?: CreatedPod;
  warnings?: string[];
  fields?: FieldErrors;
  general?: string[];
  issues?: { path: string; message: string }[];
}

const FINAL = new Set(['Running', 'Succeeded', 'Failed']);

export function CreatePanel({
  form,
  blocked,
  access,
  onFieldErrors,
  onCreated,
}: {
  form: ProjectedPodForm;
  /** Why the form cannot be sent as it is (local validation), or null. */
  blocked: string | null;
  /** null while the permission check for this namespace runs. */
  access: CreateAccess | null;
  onFieldErrors: (e: FieldErrors) => void;
  onCreated: (pod: CreatedPod) => void;
}) {
  const [phase, setPhase] = useState<Phase>('idle');
  const [dry, setDry] = useState<CreateResponse | null>(null);
  const [created, setCreated] = useState<CreatedPod | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const formKey = JSON.stringify(form);
  const lastKey = useRef(formKey);

  // A dry run is only good for the spec it checked: any edit asks for a new one.
  useEffect(() => {
    if (lastKey.current === formKey) return;
    lastKey.current = formKey;
    setPhase((p) => (p === 'dry-ok' || p === 'confirm' ? 'idle' : p === 'created' ? 'idle' : p));
    setErrors([]);
  }, [formKey]);

  // Follow the created pod's phase for a while (every 2 s, up to a minute). Keyed by the pod's
  // identity, not its state, so each poll's answer does not restart the timer.
  const followKey = phase === 'created' && created && !FINAL.has(created.phase) ? `${created.namespace}/${created.name}` : '';
  useEffect(() => {
    if (!followKey) return;
    const [namespace = '', name = ''] = followKey.split('/');
    let n = 0;
    const timer = setInterval(async () => {
      n++;
      const r = await apiFetch<{ pod: CreatedPod | null }>(`/api/projected?${new URLSearchParams({ view: 'pod', namespace, name })}`);
      if (r.ok) setCreated((c) => (r.data.pod ? r.data.pod : c ? { ...c, phase: 'Deleted' } : c));
      if (n >= 30 || (r.ok && (!r.data.pod || FINAL.has(r.data.pod.phase)))) clearInterval(timer);
    }, 2000);
    return () => clearInterval(timer);
  }, [followKey]);

  async function send(dryRun: boolean) {
    setErrors([]);
    onFieldErrors({});
    setPhase(dryRun ? 'dry-running' : 'creating');
    const r = await apiFetch<CreateResponse>('/api/projected', { method: 'POST', body: { ...form, dryRun } });
    if (r.ok && r.data.pod) {
      if (dryRun) {
        setDry(r.data);
        setPhase('dry-ok');
      } else {
        setCreated(r.data.pod);
        setPhase('created');
        onCreated(r.data.pod);
      }
      return;
    }
    const fields: FieldErrors = { ...(r.data.fields ?? {}) };
    for (const i of r.data.issues ?? []) {
      const f = i.path as FormField;
      if (f && f in form) (fields[f] ??= []).push(i.message);
    }
    onFieldErrors(fields);
    const general = r.data.general?.length ? r.data.general : [];
    const fieldCount = Object.values(fields).reduce((a, v) => a + (v?.length ?? 0), 0);
    const headline = r.data.message ?? `The request failed (${r.status}).`;
    setErrors([
      fieldCount ? `${dryRun ? 'The dry run was refused' : 'The cluster refused the pod'}: ${fieldCount === 1 ? 'see the field marked above' : `see the ${fieldCount} fields marked above`}.` : headline,
      ...general.filter((g) => g !== headline || fieldCount > 0),
      ...(r.data.hint ? [r.data.hint] : []),
    ]);
    setPhase('idle');
  }

  const denied = access && !access.allowed;
  const busy = phase === 'dry-running' || phase === 'creating';
  const dryTokens = dry?.pod?.tokens ?? [];

  return (
    <section aria-labelledby="create-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="create-panel">
      <h3 id="create-title" className="font-semibold">
        Create in cluster
      </h3>
      {denied ? (
        <div data-testid="create-denied" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          <p className="font-medium">{access.message}.</p>
          {access.hint && <p className="mt-1 text-xs">{access.hint}</p>}
        </div>
      ) : (
        <p className="text-sm text-slate-600">
          First a server-side dry run: the API server runs admission and validation and stores nothing. Then create the pod for real.
        </p>
      )}

      <div className="flex flex-wrap items-center gap-2">
        <button
          type="button"
          data-testid="dry-run"
          onClick={() => send(true)}
          disabled={!!denied || !access || busy || !!blocked}
          title={denied ? access?.message : blocked ?? undefined}
          className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:bg-slate-300 disabled:text-slate-600"
        >
          {phase === 'dry-running' ? 'Dry run…' : 'Dry run (server side)'}
        </button>
        {(phase === 'dry-ok' || phase === 'confirm' || phase === 'creating') && (
          <button
            type="button"
            data-testid="create-start"
            onClick={() => setPhase('confirm')}
            disabled={phase !== 'dry-ok' || !!denied}
            className="rounded-md border border-sky-700 px-3 py-1.5 text-sm font-semibold text-sky-800 hover:bg-sky-50 disabled:cursor-not-allowed disabled:opacity-50"
          >
            Create pod…
          </button>
        )}
        {blocked && !denied && <span className="text-xs text-red-800">{blocked}</span>}
        {!access && <span className="text-xs text-slate-500">Checking whether you may create pods…</span>}
      </div>

      {(phase === 'dry-ok' || phase === 'confirm' || phase === 'creating') && dry?.pod && (
        <div data-testid="dry-run-result" className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-950">
          <p className="font-medium">
            Dry run accepted: the API server would create pod {dry.pod.namespace}/{dry.pod.name}. Nothing was stored.
          </p>
          {dryTokens.length > 0 && (
            <ul className="mt-1 list-disc pl-5 text-xs">
              {dryTokens.map((t) => (
                <li key={t.volume}>
                  volume <code>{t.volume}</code>: audience {t.audience}, {t.expirationSeconds} s, file <code>{t.path}</code>
                  {t.autoInjected ? ' (added by the ServiceAccount admission plugin)' : ''}
                </li>
              ))}
            </ul>
          )}
          {(dry.warnings ?? []).map((w) => (
            <p key={w} className="mt-1 text-xs text-amber-900">
              Warning from the API server: {w}
            </p>
          ))}
        </div>
      )}

      {(phase === 'confirm' || phase === 'creating') && (
        <div role="alertdialog" aria-labelledby="confirm-title" data-testid="create-confirm" className="rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm">
          <p id="confirm-title" className="font-medium text-sky-950">
            Create pod <code>{form.name}</code> in the namespace <code>{form.namespace}</code> as yourself? It will run image <code>{form.image}</code>{' '}
            with a token for service account <code>{form.serviceAccount}</code>.
          </p>
          <div className="mt-2 flex gap-2">
            <button
              type="button"
              data-testid="create-confirm-yes"
              onClick={() => send(false)}
              disabled={phase === 'creating'}
              className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 disabled:opacity-50"
            >
              {phase === 'creating' ? 'Creating…' : 'Yes, create the pod'}
            </button>
            <button type="button" onClick={() => setPhase('dry-ok')} disabled={phase === 'creating'} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm">
              Cancel
            </button>
          </div>
        </div>
      )}

      {created && (
        <div data-testid="created-pod" data-namespace={created.namespace} data-name={created.name} className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm">
          <p>
            Created pod{' '}
            <a href={`#projected-row-${created.namespace}-${created.name}-${created.tokens.find((t) => !t.autoInjected)?.volume ?? ''}`} className="font-mono font-medium text-sky-800 underline">
              {created.namespace}/{created.name}
            </a>
            : <span data-testid="created-phase">{created.phase}</span>
          </p>
          <p className="mt-1 text-xs text-slate-600">
            Check it with <code>oc get pod {created.name} -n {created.namespace}</code>; the token is at{' '}
            <code>
              {form.mountPath.replace(/\/+$/, '')}/{form.filePath}
            </code>{' '}
            inside the container.
          </p>
        </div>
      )}

      {errors.length > 0 && (
        <div role="alert" data-testid="create-errors" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900">
          {errors.map((e, i) => (
            <p key={i}>{e}</p>
          ))}
        </div>
      )}
    </section>
  );
}
