'use client';
// Change the service account issuer, guided: the value checked as the operator checks it (with
// advice), a server-side dry run with the spec diff, the consequences in plain words, the
// procedure's IMPORTANT note, the equivalent commands, a typed confirmation, then the merge patch
// with the resourceVersion the user reviewed. A 409 keeps the input and shows the new value.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';
import { CommandBlock } from './command-block';
import { checkIssuerChange, DEFAULT_ISSUER, expectedConfirmation, IMPORTANT_NOTE, patchCommands, type Finding, type TrustedIssuerEntry } from '@/lib/issuer/rules';
import { SpecDiff } from './spec-diff';

interface Baseline {
  specIssuer: string;
  resourceVersion: string;
}

interface DryRun {
  issuer: string;
  before: string;
  after: string;
}

interface ChangeOk {
  ok: true;
  dryRun: boolean;
  before: string;
  after: string;
  resourceVersion: string;
  specIssuer: string;
}

interface ConflictBody {
  error: 'conflict';
  message: string;
  current: { specIssuer: string; resourceVersion: string; currentIssuer: string };
}

const TONE: Record<Finding['level'], string> = {
  block: 'border-red-300 bg-red-50 text-red-900',
  warn: 'border-amber-300 bg-amber-50 text-amber-950',
  info: 'border-sky-200 bg-sky-50 text-sky-950',
};
const LABEL: Record<Finding['level'], string> = { block: 'Blocked', warn: 'Warning', info: 'Note' };

export function ChangeForm(props: {
  specIssuer: string;
  resourceVersion: string;
  trusted: TrustedIssuerEntry[];
  controlPlaneNodes: number;
  canPatch: boolean;
  /** Why the change is disabled (e.g. "You (viewer) cannot patch authentications.config.openshift.io"). */
  deniedReason: string | null;
}) {
  const router = useRouter();
  const [baseline, setBaseline] = useState<Baseline>({ specIssuer: props.specIssuer, resourceVersion: props.resourceVersion });
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState(false);
  const [dry, setDry] = useState<DryRun | null>(null);
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState<'dry' | 'apply' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<ConflictBody | null>(null);
  const [applied, setApplied] = useState<ChangeOk | null>(null);

  const disabled = !props.canPatch;
  const check = useMemo(
    () => checkIssuerChange(value, { specIssuer: baseline.specIssuer, trusted: props.trusted, nowMs: Date.now() }),
    [value, baseline.specIssuer, props.trusted],
  );
  const commands = patchCommands(value);
  const expected = expectedConfirmation(value);
  const oldIssuer = baseline.specIssuer || DEFAULT_ISSUER;
  const reviewed = dry !== null && dry.issuer === value;

  function edit(v: string) {
    setValue(v);
    setTouched(true);
    setDry(null);
    setConfirm('');
    setError(null);
    setApplied(null);
  }

  function onConflict(body: ConflictBody) {
    setConflict(body);
    setBaseline({ specIssuer: body.current.specIssuer, resourceVersion: body.current.resourceVersion });
    setDry(null);
    setConfirm('');
    router.refresh();
  }

  async function runDry() {
    setBusy('dry');
    setError(null);
    setConflict(null);
    try {
      const r = await apiFetch<ChangeOk & ConflictBody & { findings?: Finding[] }>('/api/issuer/dry-run', {
        method: 'POST',
        body: { issuer: value, resourceVersion: baseline.resourceVersion },
      });
      if (r.ok) setDry({ issuer: value, before: r.data.before, after: r.data.after });
      else if (r.status === 409) onConflict(r.data as ConflictBody);
      else setError(r.data.message ?? `The dry run failed (${r.status}).`);
    } catch {
      setError('The dashboard server could not be reached.');
    } finally {
      setBusy(null);
    }
  }

  async function apply() {
    setBusy('apply');
    setError(null);
    setConflict(null);
    try {
      const r = await apiFetch<ChangeOk & ConflictBody>('/api/issuer/apply', {
        method: 'POST',
        body: { issuer: value, resourceVersion: baseline.resourceVersion, confirmation: confirm },
      });
      if (r.ok) {
        setApplied(r.data);
        setBaseline({ specIssuer: r.data.specIssuer, resourceVersion: r.data.resourceVersion });
        setDry(null);
        setConfirm('');
        setTouched(false);
        setValue('');
        router.refresh();
      } else if (r.status === 409) onConflict(r.data as ConflictBody);
      else setError(r.data.message ?? `The change failed (${r.status}).`);
    } catch {
      setError('The dashboard server could not be reached.');
    } finally {
      setBusy(null);
    }
  }

  const showFindings = touched && !applied;
  return (
    <section aria-labelledby="change-title" data-testid="issuer-change" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div>
        <h2 id="change-title" className="text-lg font-semibold">
          Change the issuer
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Sets <code>spec.serviceAccountIssuer</code> of <code>authentications.config.openshift.io/cluster</code>. The value should be a URL from which the recipient of a bound token can source the
          public keys to verify its signature. Leave it empty to go back to the default <code>{DEFAULT_ISSUER}</code>.
        </p>
      </div>

      {disabled && (
        <p role="note" data-testid="change-disabled" className="rounded-md border border-slate-300 bg-slate-50 p-3 text-sm text-slate-800">
          {props.deniedReason ?? 'You cannot change the issuer.'}
        </p>
      )}

      {applied && (
        <div role="status" data-testid="change-applied" className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-950">
          <p className="font-medium">
            Applied: <code>spec.serviceAccountIssuer</code> is now {applied.specIssuer ? <code className="break-all">{applied.specIssuer}</code> : 'empty (the default issuer)'} (resourceVersion{' '}
            {applied.resourceVersion}).
          </p>
          <p className="mt-1">
            The operator now makes a new kube-apiserver revision and rolls it to every control-plane node.{' '}
            <Link href="/rollout" className="font-medium text-sky-800 underline">
              Follow the rollout
            </Link>
            ; when every node is at the new revision, restart the workloads so they get tokens of the new issuer.
          </p>
        </div>
      )}

      {conflict && (
        <div role="alert" data-testid="change-conflict" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          <p className="font-medium">{conflict.message}</p>
          <p className="mt-1">
            Your input is kept. Review it against the new value
            {conflict.current.specIssuer ? (
              <>
                {' '}
                <code className="break-all" data-testid="conflict-current">
                  {conflict.current.specIssuer}
                </code>
              </>
            ) : (
              <span data-testid="conflict-current"> (empty: the default issuer)</span>
            )}{' '}
            and run the dry run again.
          </p>
        </div>
      )}

      <div className="space-y-2">
        <label htmlFor="new-issuer" className="block text-sm font-medium">
          New issuer
        </label>
        <input
          id="new-issuer"
          name="issuer"
          type="text"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          disabled={disabled || busy !== null}
          value={value}
          onChange={(e) => edit(e.target.value)}
          placeholder="https://issuer.example.com"
          aria-describedby="issuer-findings"
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-200 disabled:bg-slate-100 disabled:text-slate-500"
        />
        <p className="text-xs text-slate-500">
          Now: {baseline.specIssuer ? <code className="break-all">{baseline.specIssuer}</code> : <>empty, so the default <code>{DEFAULT_ISSUER}</code></>} · resourceVersion {baseline.resourceVersion}
        </p>
        <ul id="issuer-findings" data-testid="issuer-findings" className="space-y-2">
          {showFindings &&
            check.findings.map((f) => (
              <li key={f.code} data-level={f.level} data-code={f.code} className={`rounded-md border p-2 text-sm ${TONE[f.level]}`}>
                <span className="font-semibold">{LABEL[f.level]}: </span>
                {f.message}
              </li>
            ))}
        </ul>
      </div>

      <div>
        <button
          type="button"
          onClick={runDry}
          disabled={disabled || !touched || check.blocked || busy !== null}
          className="rounded-md bg-slate-800 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:cursor-not-allowed disabled:bg-slate-300"
        >
          {busy === 'dry' ? 'Asking the API server…' : 'Review the change (server-side dry run)'}
        </button>
      </div>

      {error && (
        <p role="alert" data-testid="change-error" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          {error}
        </p>
      )}

      {reviewed && dry && (
        <div data-testid="change-review" className="space-y-4 border-t border-slate-200 pt-4">
          <div>
            <h3 className="font-semibold">What changes</h3>
            <p data-testid="dry-run-result" className="mt-1 text-sm text-slate-700">
              The API server accepted the change in a dry run (<code>dryRun=All</code>): nothing was stored. This is the object’s spec before and after, as the server returned it:
            </p>
            <div className="mt-2">
              <SpecDiff before={dry.before} after={dry.after} />
            </div>
          </div>

          <div>
            <h3 className="font-semibold">What happens next</h3>
            <ul data-testid="consequences" className="mt-1 list-disc space-y-1 pl-6 text-sm text-slate-800">
              <li>
                The kube-apiserver operator makes a new kube-apiserver revision and rolls it to every control-plane node
                {props.controlPlaneNodes ? ` (${props.controlPlaneNodes})` : ''}, one node at a time. That takes minutes.
              </li>
              <li>
                Tokens of the old issuer <code className="break-all">{oldIssuer}</code> stay valid only until the expiration time the operator records in the KubeAPIServer status (24 hours from the
                change today). After that the API server rejects them.
              </li>
              <li>Every workload must get a new token: after the rollout, restart the pods (or the nodes, one at a time).</li>
              <li>External consumers of these tokens, such as Vault or a cloud provider’s IAM, must trust the new issuer {check.desired !== DEFAULT_ISSUER ? <code className="break-all">{check.desired}</code> : '(the default)'} before the old one expires.</li>
              {!check.discovery && <li className="text-amber-900">OIDC discovery will be disabled: the API server serves no /.well-known/openid-configuration for a non-https issuer.</li>}
            </ul>
          </div>

          <aside data-testid="important-note" className="rounded-md border-l-4 border-amber-500 bg-amber-50 p-3 text-sm text-amber-950">
            <p className="font-semibold">IMPORTANT (from the procedure)</p>
            {IMPORTANT_NOTE.map((p) => (
              <p key={p} className="mt-1">
                {p}
              </p>
            ))}
          </aside>

          <div className="space-y-2">
            <h3 className="font-semibold">The same change from a terminal</h3>
            <CommandBlock label="OpenShift CLI" command={commands.oc} testId="oc-command" />
            <CommandBlock label="kubectl" command={commands.kubectl} testId="kubectl-command" />
          </div>

          <div className="space-y-2">
            <label htmlFor="confirm-issuer" className="block text-sm font-medium">
              Type <code className="break-all rounded bg-slate-100 px-1">{expected}</code> to confirm
            </label>
            <input
              id="confirm-issuer"
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={confirm}
              disabled={busy !== null}
              onChange={(e) => setConfirm(e.target.value)}
              className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm focus:border-sky-500 focus:outline-none focus:ring-2 focus:ring-sky-200"
            />
            <button
              type="button"
              onClick={apply}
              disabled={confirm !== expected || busy !== null}
              className="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-600 disabled:cursor-not-allowed disabled:bg-slate-300"
            >
              {busy === 'apply' ? 'Applying…' : 'Apply the change'}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
