'use client';
// The TokenRequest form (like `oc create token`): namespace and service account from the cluster,
// audiences, lifetime, an optional bound object; the equivalent commands update as you type. The
// cluster's own errors land on the fields they concern. The issued token is kept only in this
// component's state and dropped when the page is left (pagehide covers the back/forward cache).
import { useEffect, useState, type FormEvent } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';
import { formatDuration } from '@/lib/jwt';
import { AudienceChips } from './audience-chips';
import { IssuedToken, type Issued } from './issued-token';
import { NamePicker, type PickerItem } from './name-picker';
import { TokenCommands } from './token-commands';

type Field = 'namespace' | 'serviceAccount' | 'audiences' | 'expirationSeconds' | 'boundObject';
type BoundKind = '' | 'Pod' | 'Secret' | 'Node';

const PRESETS = [
  { label: '10 min', seconds: 600 },
  { label: '1 h', seconds: 3600 },
  { label: '24 h', seconds: 86400 },
];

export interface RequestFormProps {
  username: string;
  initialNamespace: string;
  initialServiceAccount: string;
  /** May the user create tokens in the initial namespace (SelfSubjectAccessReview)? */
  initialCanCreate: boolean;
  apiAudiences: string[];
}

interface ErrorBody {
  error?: string;
  message?: string;
  hint?: string;
  fieldErrors?: Partial<Record<Field, string>>;
  issues?: { path: string; message: string }[];
}

function fieldOfIssue(path: string): Field | undefined {
  const head = path.split('.')[0];
  if (head === 'namespace' || head === 'serviceAccount' || head === 'audiences' || head === 'expirationSeconds' || head === 'boundObject') return head;
  return undefined;
}

export function TokenRequestForm(props: RequestFormProps) {
  const [namespace, setNamespace] = useState(props.initialNamespace);
  const [serviceAccount, setServiceAccount] = useState(props.initialServiceAccount);
  const [audiences, setAudiences] = useState<string[]>([]);
  const [durationText, setDurationText] = useState('3600');
  const [boundKind, setBoundKind] = useState<BoundKind>('');
  const [boundName, setBoundName] = useState('');
  const [canCreate, setCanCreate] = useState<{ namespace: string; allowed: boolean }>({ namespace: props.initialNamespace, allowed: props.initialCanCreate });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [topError, setTopError] = useState<{ message: string; hint?: string | undefined } | null>(null);
  const [busy, setBusy] = useState(false);
  const [issued, setIssued] = useState<Issued | null>(null);

  // Never keep a token around when the page goes away (including into the back/forward cache).
  useEffect(() => {
    const forget = () => setIssued(null);
    window.addEventListener('pagehide', forget);
    return () => window.removeEventListener('pagehide', forget);
  }, []);

  const seconds = /^\d+$/.test(durationText.trim()) ? Number(durationText.trim()) : NaN;
  const durationProblem = !Number.isFinite(seconds)
    ? 'enter a whole number of seconds'
    : seconds < 600
      ? 'may not specify a duration less than 10 minutes (600 s minimum)'
      : seconds > 2 ** 32
        ? 'may not specify a duration larger than 2^32 seconds'
        : null;
  const allowed = canCreate.namespace === namespace ? canCreate.allowed : true;
  const disabledReason = canCreate.namespace === namespace && !canCreate.allowed
    ? `You (${props.username}) cannot create serviceaccounts/token in the namespace "${namespace}". The "edit" role allows it: ask an administrator for a RoleBinding (oc adm policy add-role-to-user edit ${props.username} -n ${namespace}).`
    : null;
  const disabled = !allowed || busy;

  const clearError = (f: Field) => setErrors((e) => {
    if (!e[f]) return e;
    const next = { ...e };
    delete next[f];
    return next;
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTopError(null);
    const local: Partial<Record<Field, string>> = {};
    if (!namespace) local.namespace = 'choose a namespace';
    if (!serviceAccount) local.serviceAccount = 'choose a service account';
    if (durationProblem) local.expirationSeconds = durationProblem;
    if (boundKind && !boundName) local.boundObject = `choose the ${boundKind.toLowerCase()} to bind the token to`;
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    setIssued(null);
    const body = {
      namespace,
      serviceAccount,
      audiences,
      expirationSeconds: seconds,
      ...(boundKind ? { boundObject: { kind: boundKind, name: boundName } } : {}),
    };
    try {
      const r = await apiFetch<Issued & ErrorBody>('/api/tokens/request', { method: 'POST', body });
      if (r.ok) {
        setIssued({ token: r.data.token, expirationTimestamp: r.data.expirationTimestamp, audiences: r.data.audiences, expirationSeconds: r.data.expirationSeconds, warnings: r.data.warnings ?? [] });
        return;
      }
      const fe: Partial<Record<Field, string>> = { ...(r.data.fieldErrors ?? {}) };
      for (const i of r.data.issues ?? []) {
        const f = fieldOfIssue(i.path);
        if (f && !fe[f]) fe[f] = i.message;
      }
      setErrors(fe);
      if (r.status === 403) setCanCreate({ namespace, allowed: false });
      setTopError({ message: r.data.message ?? `The request failed (HTTP ${r.status}).`, hint: r.data.hint });
    } catch (err) {
      setTopError({ message: `The dashboard could not be reached: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      setBusy(false);
    }
  }

  const describePod = (p: PickerItem) =>
    `${p.serviceAccount === serviceAccount ? 'runs as this service account' : `runs as ${p.serviceAccount}: the cluster refuses to bind`}${p.detail ? `, on ${p.detail}` : ''}${p.terminating ? ', terminating' : ''}`;

  const fieldCls = 'space-y-1';
  const errorText = (f: Field) =>
    errors[f] ? (
      <p id={`${f}-error`} data-testid={`error-${f}`} className="text-sm text-red-700">
        {errors[f]}
      </p>
    ) : null;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]">
      <form onSubmit={submit} noValidate aria-describedby={disabledReason ? 'form-disabled' : undefined} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4" data-testid="token-request-form">
        {disabledReason ? (
          <p id="form-disabled" role="status" data-testid="form-disabled" className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950">
            {disabledReason}
          </p>
        ) : null}
        {/* The namespace stays editable: the user may be allowed in another one. */}
        <div className={fieldCls}>
          <label htmlFor="namespace" className="block text-sm font-medium">Namespace</label>
          <NamePicker
            id="namespace"
            kind="namespaces"
            value={namespace}
            onChange={(v) => { setNamespace(v); clearError('namespace'); }}
            invalid={!!errors.namespace}
            {...(errors.namespace ? { describedBy: 'namespace-error' } : {})}
          />
          {errorText('namespace')}
        </div>
        <fieldset disabled={!allowed} className="space-y-4">
          <div className={fieldCls}>
            <label htmlFor="serviceAccount" className="block text-sm font-medium">Service account</label>
            <NamePicker
              id="serviceAccount"
              kind="serviceaccounts"
              namespace={namespace}
              value={serviceAccount}
              onChange={(v) => { setServiceAccount(v); clearError('serviceAccount'); }}
              onPage={(p) => { if (typeof p.canCreateToken === 'boolean') setCanCreate({ namespace, allowed: p.canCreateToken }); }}
              invalid={!!errors.serviceAccount}
              {...(errors.serviceAccount ? { describedBy: 'serviceAccount-error' } : {})}
            />
            {errorText('serviceAccount')}
          </div>
          <div className={fieldCls}>
            <label htmlFor="audiences" className="block text-sm font-medium">Audiences</label>
            <AudienceChips id="audiences" value={audiences} onChange={(v) => { setAudiences(v); clearError('audiences'); }} invalid={!!errors.audiences} describedBy="audiences-help" />
            <p id="audiences-help" className="text-xs text-slate-500">
              Empty: the cluster&apos;s API audiences{props.apiAudiences.length ? ` (${props.apiAudiences.join(', ')})` : ''}, i.e. a token for the API server itself.
            </p>
            {errorText('audiences')}
          </div>
          <div className={fieldCls}>
            <label htmlFor="expirationSeconds" className="block text-sm font-medium">Lifetime (seconds)</label>
            <div className="flex flex-wrap items-center gap-2">
              <input
                id="expirationSeconds"
                inputMode="numeric"
                value={durationText}
                onChange={(e) => { setDurationText(e.target.value); clearError('expirationSeconds'); }}
                aria-invalid={!!errors.expirationSeconds || undefined}
                aria-describedby={errors.expirationSeconds ? 'expirationSeconds-error duration-help' : 'duration-help'}
                className={`w-32 rounded-md border px-2 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-sky-200 ${errors.expirationSeconds ? 'border-red-500' : 'border-slate-300'}`}
              />
              {PRESETS.map((p) => (
                <button
                  key={p.seconds}
                  type="button"
                  onClick={() => { setDurationText(String(p.seconds)); clearError('expirationSeconds'); }}
                  aria-pressed={seconds === p.seconds}
                  className={`rounded-md border px-2 py-1 text-xs ${seconds === p.seconds ? 'border-sky-500 bg-sky-50 text-sky-900' : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'}`}
                >
                  {p.label}
                </button>
              ))}
              <span className="text-xs text-slate-600">{Number.isFinite(seconds) && seconds > 0 ? `= ${formatDuration(seconds)}` : ''}</span>
            </div>
            <p id="duration-help" className="text-xs text-slate-500">
              600 s (10 min) minimum. The cluster may shorten it to its maximum (--service-account-max-token-expiration); it says so in a warning shown with the token.
            </p>
            {errorText('expirationSeconds')}
          </div>
          <fieldset className="space-y-1">
            <legend className="text-sm font-medium">Bind to an object (optional)</legend>
            <div className="flex flex-wrap gap-2">
              <label htmlFor="boundKind" className="sr-only">Bound object kind</label>
              <select
                id="boundKind"
                value={boundKind}
                onChange={(e) => { setBoundKind(e.target.value as BoundKind); setBoundName(''); clearError('boundObject'); }}
                className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
              >
                <option value="">None</option>
                <option value="Pod">Pod</option>
                <option value="Secret">Secret</option>
                <option value="Node">Node</option>
              </select>
              {boundKind ? (
                <div className="min-w-56 flex-1">
                  <label htmlFor="boundName" className="sr-only">{boundKind} name</label>
                  <NamePicker
                    id="boundName"
                    kind={boundKind === 'Pod' ? 'pods' : boundKind === 'Secret' ? 'secrets' : 'nodes'}
                    {...(boundKind !== 'Node' ? { namespace } : {})}
                    value={boundName}
                    onChange={(v) => { setBoundName(v); clearError('boundObject'); }}
                    placeholder={`${boundKind} name`}
                    invalid={!!errors.boundObject}
                    {...(errors.boundObject ? { describedBy: 'boundObject-error' } : {})}
                    {...(boundKind === 'Pod' ? { describe: describePod } : {})}
                  />
                </div>
              ) : null}
            </div>
            <p className="text-xs text-slate-500">
              A bound token stops working as soon as its object is deleted. Pods must run as the chosen service account.
            </p>
            {errorText('boundObject')}
          </fieldset>
        </fieldset>
        {topError ? (
          <div role="alert" data-testid="request-error" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
            <p className="font-semibold">{topError.message}</p>
            {topError.hint ? <p className="mt-1 text-xs">{topError.hint}</p> : null}
          </div>
        ) : null}
        <button type="submit" disabled={disabled} className="rounded-md bg-sky-700 px-4 py-2 text-sm font-semibold text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:bg-slate-400">
          {busy ? 'Requesting…' : 'Create token'}
        </button>
      </form>

      <div className="space-y-4">
        <section aria-labelledby="commands-title" className="space-y-2">
          <h2 id="commands-title" className="text-lg font-semibold">The same from a terminal</h2>
          <TokenCommands
            input={{ namespace, serviceAccount, audiences, expirationSeconds: Number.isFinite(seconds) ? seconds : null, boundObject: boundKind ? { kind: boundKind, name: boundName } : undefined }}
          />
        </section>
        {issued ? <IssuedToken issued={issued} onForget={() => setIssued(null)} /> : null}
      </div>
    </div>
  );
}
