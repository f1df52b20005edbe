'use client';
// The sign-in form: paste a cluster bearer token, the server checks it with the cluster, and on
// success the page says who you are before you continue. The token only lives in this input
// until it is sent, and the input is cleared straight after.
import { useState, type FormEvent } from 'react';
import { apiFetch } from './api-fetch';

interface SignedIn {
  username: string;
  groups: string[];
}

const MESSAGES: Record<string, string> = {
  'token-rejected': 'This token was rejected by the cluster.',
  csrf: 'The page is out of date. Reload it and try again.',
  'cross-origin': 'Sign-in is only accepted from this dashboard’s own page.',
};

export function LoginForm({ next }: { next: string }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; hint?: string } | null>(null);
  const [user, setUser] = useState<SignedIn | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await apiFetch<{ user: SignedIn }>('/api/auth/login', { method: 'POST', body: { token } });
      if (res.ok) {
        setUser(res.data.user);
        setToken('');
      } else {
        const code = res.data.error ?? '';
        setError({ message: MESSAGES[code] ?? res.data.message ?? `Sign-in failed (${res.status}).`, ...(res.data.hint ? { hint: res.data.hint } : {}) });
      }
    } catch {
      setError({ message: 'The dashboard server could not be reached.' });
    } finally {
      setBusy(false);
    }
  }

  if (user) {
    return (
      <div data-testid="signed-in" className="space-y-4">
        <p className="text-slate-800">
          Signed in as <strong data-testid="signed-in-user">{user.username}</strong>
        </p>
        {user.groups.length > 0 && (
          <p className="text-sm text-slate-600">
            Groups: <span data-testid="signed-in-groups">{user.groups.join(', ')}</span>
          </p>
        )}
        {/* A full navigation, so the layout re-renders with the new session. */}
        <a href={next} className="inline-block rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 focus:outline-none focus:ring-2 focus:ring-sky-500" data-testid="continue">
          Continue
        </a>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-describedby={error ? 'login-error' : undefined}>
      <div>
        <label htmlFor="token" className="block text-sm font-medium text-slate-800">
          Bearer token
        </label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
          className="mt-1 block w-full rounded border border-slate-300 px-3 py-2 font-mono text-sm focus:border-sky-600 focus:outline-none focus:ring-2 focus:ring-sky-500"
          placeholder="sha256~… or eyJ…"
        />
        <p className="mt-1 text-xs text-slate-500">
          For example the output of <code>oc whoami -t</code> or <code>kubectl create token &lt;service-account&gt;</code>. It is checked
          with the cluster and kept only in an encrypted, HttpOnly session cookie.
        </p>
      </div>
      {error && (
        <div id="login-error" role="alert" data-testid="login-error" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <p className="font-medium">{error.message}</p>
          {error.hint && <p className="mt-1 text-red-700">{error.hint}</p>}
        </div>
      )}
      <button
        type="submit"
        disabled={busy || !token.trim()}
        className="rounded bg-sky-700 px-4 py-2 font-medium text-white hover:bg-sky-800 focus:outline-none focus:ring-2 focus:ring-sky-500 disabled:cursor-not-allowed disabled:opacity-50"
      >
        {busy ? 'Checking…' : 'Sign in'}
      </button>
    </form>
  );
}
