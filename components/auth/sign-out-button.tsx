'use client';
// Ends the session (POST with the CSRF token) and goes to the sign-in page.
import { useState } from 'react';
import { apiFetch } from './api-fetch';

export function SignOutButton({ className }: { className?: string }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  async function signOut() {
    setBusy(true);
    setFailed(false);
    const res = await apiFetch('/api/auth/logout', { method: 'POST', stayOn401: true }).catch(() => null);
    // 401 means the session had already ended: the goal is reached either way.
    if (res && (res.ok || res.status === 401)) {
      window.location.assign('/login');
      return;
    }
    setBusy(false);
    setFailed(true);
  }
  return (
    <button type="button" onClick={signOut} disabled={busy} className={className} data-testid="sign-out">
      {busy ? 'Signing out…' : failed ? 'Sign out failed, retry' : 'Sign out'}
    </button>
  );
}
