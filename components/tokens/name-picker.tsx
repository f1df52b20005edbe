// A name field with suggestions from the cluster (a datalist): one page of names for one kind,
// read per namespace through /api/tokens/options, with "load more" when the cluster has more.
// Typing any name stays possible — the user may know a name they cannot list.
import { useEffect, useState } from 'react';
import { apiFetch } from '@/components/auth/api-fetch';

export interface PickerItem {
  name: string;
  serviceAccount?: string;
  detail?: string;
  terminating?: boolean;
}

export interface PickerPage {
  items: PickerItem[];
  continue?: string;
  canCreateToken?: boolean;
}

export function NamePicker({
  id,
  kind,
  namespace,
  value,
  onChange,
  disabled,
  invalid,
  describedBy,
  describe,
  onPage,
  placeholder,
}: {
  id: string;
  kind: 'namespaces' | 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';
  namespace?: string;
  value: string;
  onChange: (v: string) => void;
  disabled?: boolean;
  invalid?: boolean;
  describedBy?: string;
  describe?: (item: PickerItem) => string;
  onPage?: (page: PickerPage) => void;
  placeholder?: string;
}) {
  const [items, setItems] = useState<PickerItem[]>([]);
  const [cont, setCont] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | null>(null);
  const [more, setMore] = useState<string | undefined>();
  const needsNs = kind !== 'namespaces' && kind !== 'nodes';

  useEffect(() => {
    setItems([]);
    setCont(undefined);
    setProblem(null);
    setMore(undefined);
  }, [kind, namespace]);

  useEffect(() => {
    if (needsNs && !namespace) return;
    const ac = new AbortController();
    const q = new URLSearchParams({ kind });
    if (needsNs && namespace) q.set('namespace', namespace);
    if (more) q.set('continue', more);
    apiFetch<PickerPage>(`/api/tokens/options?${q.toString()}`, { signal: ac.signal })
      .then((r) => {
        if (!r.ok) {
          setProblem(r.data.message ?? `could not list ${kind} (HTTP ${r.status})`);
          return;
        }
        setItems((prev) => (more ? [...prev, ...r.data.items] : r.data.items));
        setCont(r.data.continue);
        onPage?.(r.data);
      })
      .catch(() => undefined);
    return () => ac.abort();
    // onPage is a callback prop; re-fetching when it changes identity would loop.
  }, [kind, namespace, needsNs, more]);

  const listId = `${id}-options`;
  return (
    <div>
      <input
        id={id}
        list={listId}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value.trim())}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        autoComplete="off"
        placeholder={placeholder}
        className={`w-full rounded-md border px-2 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-sky-200 disabled:bg-slate-100 ${invalid ? 'border-red-500' : 'border-slate-300 focus:border-sky-500'}`}
      />
      <datalist id={listId} data-testid={`${id}-options`}>
        {items.map((i) => (
          <option key={i.name} value={i.name} label={describe ? describe(i) : undefined} />
        ))}
      </datalist>
      <p className="mt-0.5 text-xs text-slate-500">
        {problem ? <span className="text-amber-800">Cannot list {kind}: {problem}. Type the name.</span> : `${items.length} ${kind} suggested`}
        {cont && !problem ? (
          <button type="button" onClick={() => setMore(cont)} className="ml-2 text-sky-800 underline">
            load more
          </button>
        ) : null}
      </p>
    </div>
  );
}
