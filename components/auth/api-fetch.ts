// Browser-side helper for calling the dashboard's own API: sends the CSRF token (double submit,
// read from the btd_csrf cookie) on mutations and returns parsed JSON with the status.
// Import it from client components only.
export const CSRF_COOKIE_NAME = 'btd_csrf';
export const CSRF_HEADER_NAME = 'x-csrf-token';

export function readCsrfToken(): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === CSRF_COOKIE_NAME) return decodeURIComponent(v.join('='));
  }
  return null;
}

export interface ApiResult<T = unknown> {
  ok: boolean;
  status: number;
  data: T & { error?: string; message?: string; hint?: string; role?: string };
}

/**
 * fetch() with JSON in and out; mutations carry the CSRF header. Never throws on HTTP errors.
 * When the session has ended (401 "unauthenticated": idle timeout, sign-out elsewhere, or the
 * cluster no longer accepts the token) it sends the browser to sign in again and come back,
 * unless `stayOn401` is set.
 */
export async function apiFetch<T = unknown>(url: string, init: { method?: string; body?: unknown; signal?: AbortSignal; stayOn401?: boolean } = {}): Promise<ApiResult<T>> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = readCsrfToken();
    if (csrf) headers[CSRF_HEADER_NAME] = csrf;
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  let data: unknown = {};
  try {
    data = await res.json();
  } catch {
    data = { error: 'bad-response', message: `The server answered ${res.status} without JSON.` };
  }
  const result = { ok: res.ok, status: res.status, data: data as ApiResult<T>['data'] };
  if (res.status === 401 && result.data.error === 'unauthenticated' && !init.stayOn401 && typeof window !== 'undefined') {
    const here = `${window.location.pathname}${window.location.search}`;
    window.location.assign(`/login?${new URLSearchParams({ next: here, reason: 'expired' }).toString()}`);
  }
  return result;
}
