// Journey: nobody uses the dashboard without signing in, and the sign-in paths work: a pasted
// token (admin and viewer), the launcher's one-time link (once), sign-out. Also walks every route
// file under app/ so that a new page or API route cannot be born unprotected, and checks the
// cookie flags, the CSRF/Origin defences and the security headers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from '@playwright/test';
import { PUBLIC_API, isPublicPage } from '../lib/auth/public-routes';
import { mintSignInLink } from '../scripts/lib/signin-link';
import { csrfToken, mutationHeaders, signInWithToken, SESSION_COOKIE } from './auth-helpers';
import { expect, test } from './fixtures';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

interface RouteFile {
  kind: 'page' | 'api';
  file: string;
  /** A concrete URL path (dynamic segments filled with sample values). */
  url: string;
  /** The template, e.g. /api/auth/login, for the public list. */
  template: string;
  methods: string[];
}

/** Every page.tsx and route.ts under app/, as URLs. */
function walkRoutes(): RouteFile[] {
  const out: RouteFile[] = [];
  const walk = (dir: string, segs: string[]) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name.startsWith('_') || e.name.startsWith('@') || e.name.startsWith('(.')) continue; // private, slots, intercepting
        walk(full, [...segs, e.name]);
        continue;
      }
      const m = /^(page|route)\.(tsx?|jsx?)$/.exec(e.name);
      if (!m) continue;
      const urlSegs = segs
        .filter((s) => !/^\(.*\)$/.test(s)) // route groups
        .flatMap((s) => (s.startsWith('[[...') ? [] : s.startsWith('[...') ? ['sample', 'path'] : s.startsWith('[') ? ['sample'] : [s]));
      const template = '/' + segs.filter((s) => !/^\(.*\)$/.test(s)).join('/');
      const url = '/' + urlSegs.join('/');
      if (m[1] === 'page') out.push({ kind: 'page', file: full, url, template, methods: ['GET'] });
      else {
        const src = fs.readFileSync(full, 'utf8');
        const methods = METHODS.filter((x) => new RegExp(`export\\s+(?:const|async\\s+function|function)\\s+${x}\\b`).test(src));
        out.push({ kind: 'api', file: full, url, template, methods });
      }
    }
  };
  walk(path.join(root, 'app'), []);
  return out;
}

const routes = walkRoutes();

async function anonymous(browser: Browser, baseURL: string) {
  return browser.newContext({ baseURL });
}

test.describe('route walk: nothing is reachable without a session', () => {
  test('the walk finds the routes it must (so it can fail)', () => {
    const urls = routes.map((r) => `${r.kind}:${r.url}`);
    expect(urls).toContain('page:/');
    expect(urls).toContain('page:/login');
    expect(urls).toContain('api:/api/auth/session');
    expect(urls).toContain('api:/api/auth/logout');
    for (const r of routes.filter((x) => x.kind === 'api')) expect(r.methods.length, `${r.file} exports no HTTP method`).toBeGreaterThan(0);
  });

  for (const r of routes.filter((x) => x.kind === 'page' && !isPublicPage(x.url))) {
    test(`page ${r.url} redirects to sign-in (no cookie, and a forged cookie)`, async ({ browser, baseURL }) => {
      const ctx = await anonymous(browser, baseURL!);
      try {
        // Without a cookie: the proxy redirects and says where to come back to.
        const res = await ctx.request.get(r.url, { maxRedirects: 0 });
        expect(res.status(), `${r.file}`).toBeGreaterThanOrEqual(300);
        expect(res.status()).toBeLessThan(400);
        const loc = new URL(res.headers()['location'] ?? '', baseURL);
        expect(loc.origin, 'redirect stays on the host the browser used').toBe(new URL(baseURL!).origin);
        expect(loc.pathname).toBe('/login');
        expect(loc.searchParams.get('next')).toBe(r.url);

        // With a cookie the proxy lets through, the page itself must refuse.
        await ctx.addCookies([{ name: SESSION_COOKIE, value: 'forged.cookie.value.not.valid', url: baseURL! }]);
        const page = await ctx.newPage();
        await page.goto(r.url);
        await expect(page).toHaveURL(/\/login\?/);
        await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
      } finally {
        await ctx.close();
      }
    });
  }

  for (const r of routes.filter((x) => x.kind === 'api')) {
    for (const method of r.methods.filter((m) => !(PUBLIC_API[r.template] ?? []).includes(m))) {
      test(`api ${method} ${r.url} answers 401 JSON (no cookie, and a forged cookie)`, async ({ browser, baseURL }) => {
        const ctx = await anonymous(browser, baseURL!);
        try {
          const origin = new URL(baseURL!).origin;
          for (const cookie of [undefined, `${SESSION_COOKIE}=forged.cookie.value.not.valid`]) {
            const res = await ctx.request.fetch(r.url, {
              method,
              headers: { origin, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
              ...(method === 'GET' ? {} : { data: {} }),
              maxRedirects: 0,
            });
            expect(res.status(), `${method} ${r.url} (${r.file}) ${cookie ? 'forged cookie' : 'no cookie'}`).toBe(401);
            expect(await res.json()).toMatchObject({ error: 'unauthenticated' });
          }
        } finally {
          await ctx.close();
        }
      });
    }
  }

  test('public routes keep their own checks', async ({ browser, baseURL }) => {
    const ctx = await anonymous(browser, baseURL!);
    try {
      const origin = new URL(baseURL!).origin;
      // sign-in without the CSRF token
      const noCsrf = await ctx.request.post('/api/auth/login', { headers: { origin }, data: { token: 'x' } });
      expect(noCsrf.status()).toBe(403);
      // a link without a token, or with a forged one
      for (const q of ['', '?t=forged']) {
        const res = await ctx.request.get(`/api/auth/link${q}`, { maxRedirects: 0 });
        expect(res.status()).toBe(303);
        expect(res.headers()['location']).toMatch(/\/login\?error=link-invalid$/);
        expect(res.headers()['set-cookie'] ?? '').not.toContain(SESSION_COOKIE);
      }
    } finally {
      await ctx.close();
    }
  });
});

test.describe('signing in', () => {
  test('the viewer signs in with a token through the form and sees who they are', async ({ browser, baseURL, demoCluster }) => {
    const ctx = await anonymous(browser, baseURL!);
    const page = await ctx.newPage();
    try {
      await page.goto('/');
      await expect(page).toHaveURL(/\/login\?next=%2F$/);
      await page.getByLabel('Bearer token').fill(demoCluster.viewerToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('signed-in-user')).toHaveText('viewer');
      await expect(page.getByTestId('signed-in-groups')).toContainText('system:authenticated');
      await expect(page.getByLabel('Bearer token')).toHaveCount(0);
      await page.getByTestId('continue').click();
      await expect(page).toHaveURL(new URL('/', baseURL).toString());
      // The header says who is signed in.
      await expect(page.getByRole('banner').getByTestId('user-name')).toHaveText('viewer');

      // The token is nowhere in the page, and the cookie does not show it either.
      const html = await page.content();
      expect(html).not.toContain(demoCluster.viewerToken);
      const session = (await ctx.cookies()).find((c) => c.name === SESSION_COOKIE)!;
      expect(session.value).not.toContain(demoCluster.viewerToken);

      // Who am I, and what may I do: the cluster decides.
      const me = await ctx.request.get('/api/auth/session');
      expect(me.status()).toBe(200);
      const body = await me.json();
      expect(body.user).toMatchObject({ username: 'viewer', kind: 'token' });
      expect(JSON.stringify(body)).not.toContain(demoCluster.viewerToken);
      const canPatch = await ctx.request.get('/api/auth/can-i?verb=patch&resource=nodes');
      expect(await canPatch.json()).toMatchObject({ allowed: false });
      const canList = await ctx.request.get('/api/auth/can-i?verb=list&resource=nodes');
      expect(await canList.json()).toMatchObject({ allowed: true });
    } finally {
      await ctx.close();
    }
  });

  test('the admin signs in with a token; the cookie is HttpOnly and SameSite=Strict', async ({ browser, baseURL, demoCluster }) => {
    const ctx = await anonymous(browser, baseURL!);
    const page = await ctx.newPage();
    try {
      const res = await signInWithToken(page, baseURL!, demoCluster.adminToken);
      const setCookie = res.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value);
      const sessionHeader = setCookie.find((v) => v.startsWith(`${SESSION_COOKIE}=`))!;
      expect(sessionHeader).toMatch(/;\s*HttpOnly/i);
      expect(sessionHeader).toMatch(/;\s*SameSite=Strict/i);
      expect(sessionHeader).toMatch(/;\s*Path=\//i);
      expect(sessionHeader).not.toMatch(/;\s*Secure/i); // plain http on loopback
      const cookie = (await ctx.cookies()).find((c) => c.name === SESSION_COOKIE)!;
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect((await res.json()).user).toMatchObject({ username: 'system:admin' });
      expect(await res.text()).not.toContain(demoCluster.adminToken);

      const me = await (await ctx.request.get('/api/auth/session')).json();
      expect(me.user.groups).toContain('system:masters');
      expect((await (await ctx.request.get('/api/auth/can-i?verb=patch&resource=nodes')).json()).allowed).toBe(true);
    } finally {
      await ctx.close();
    }
  });

  test('a token the cluster rejects gets a clear message and no session', async ({ browser, baseURL }) => {
    const ctx = await anonymous(browser, baseURL!);
    const page = await ctx.newPage();
    try {
      await page.goto('/login');
      await page.getByLabel('Bearer token').fill('sha256~not-a-token-this-cluster-knows-0123456789');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('login-error')).toContainText('This token was rejected by the cluster.');
      expect((await ctx.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
    } finally {
      await ctx.close();
    }
  });

  test('the one-time link signs in as the kubeconfig identity, once', async ({ browser, baseURL, demoCluster }) => {
    const link = await mintSignInLink(baseURL!, demoCluster.dataDir);
    const first = await anonymous(browser, baseURL!);
    const second = await anonymous(browser, baseURL!);
    try {
      const p1 = await first.newPage();
      await p1.goto(link);
      await expect(p1).toHaveURL(new URL('/', baseURL).toString());
      await expect(p1.getByRole('banner').getByTestId('user-name')).toHaveText('system:admin');
      const me = await (await first.request.get('/api/auth/session')).json();
      expect(me.user).toMatchObject({ username: 'system:admin', kind: 'kubeconfig' });

      const p2 = await second.newPage();
      await p2.goto(link);
      await expect(p2).toHaveURL(/\/login\?error=link-used$/);
      await expect(p2.getByTestId('login-notice')).toContainText('already been used');
      expect((await second.cookies()).some((c) => c.name === SESSION_COOKIE)).toBe(false);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

test.describe('mutations: same origin and CSRF token, or 403', () => {
  test('cross-origin POST → 403; missing or wrong CSRF → 403; then a proper sign-out works and sticks', async ({ browser, baseURL, demoCluster }) => {
    const ctx = await anonymous(browser, baseURL!);
    const page = await ctx.newPage();
    try {
      await signInWithToken(page, baseURL!, demoCluster.viewerToken);
      const good = await mutationHeaders(ctx, baseURL!);
      const stolen = (await ctx.cookies()).find((c) => c.name === SESSION_COOKIE)!.value;

      const cross = await ctx.request.post('/api/auth/logout', { headers: { ...good, origin: 'http://evil.example' } });
      expect(cross.status()).toBe(403);
      expect(await cross.json()).toMatchObject({ error: 'cross-origin' });

      const crossSite = await ctx.request.post('/api/auth/logout', { headers: { ...good, 'sec-fetch-site': 'cross-site' } });
      expect(crossSite.status()).toBe(403);

      const noCsrf = await ctx.request.post('/api/auth/logout', { headers: { origin: good.origin! } });
      expect(noCsrf.status()).toBe(403);
      expect(await noCsrf.json()).toMatchObject({ error: 'csrf' });

      const wrong = await ctx.request.post('/api/auth/logout', { headers: { ...good, 'x-csrf-token': 'guessed' } });
      expect(wrong.status()).toBe(403);

      // Still signed in after all that.
      expect((await ctx.request.get('/api/auth/session')).status()).toBe(200);

      const bad = await ctx.request.post('/api/auth/logout', { headers: good, data: { unexpected: true } });
      expect(bad.status()).toBe(400);
      expect((await bad.json()).issues.length).toBeGreaterThan(0);

      const out = await ctx.request.post('/api/auth/logout', { headers: good });
      expect(out.status()).toBe(200);
      expect((await ctx.request.get('/api/auth/session')).status()).toBe(401);

      // Replaying the old cookie after sign-out does not work either.
      const replay = await ctx.request.get('/api/auth/session', { headers: { cookie: `${SESSION_COOKIE}=${stolen}` } });
      expect(replay.status()).toBe(401);
      expect(await csrfToken(ctx)).toBeTruthy();
    } finally {
      await ctx.close();
    }
  });
});

test('security headers: CSP without unsafe-eval, no framing, nosniff, no referrer', async ({ request }) => {
  for (const p of ['/login', '/api/auth/session']) {
    const res = await request.get(p, { maxRedirects: 0 });
    const h = res.headers();
    expect(h['x-content-type-options'], p).toBe('nosniff');
    expect(h['referrer-policy'], p).toBe('no-referrer');
    const csp = h['content-security-policy'] ?? '';
    expect(csp, p).toContain("frame-ancestors 'none'");
    expect(csp, p).not.toContain('unsafe-eval');
    expect(csp, p).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  }
});
