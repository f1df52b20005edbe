// Shared e2e fixtures: the running dashboard (baseURL) and the demo cluster behind it (URL,
// kubeconfig, tokens, CA) plus a tiny authenticated HTTPS client to read the truth from the API.
import https from 'node:https';
import { test as base, expect } from '@playwright/test';

export interface DemoClusterInfo {
  /** https://127.0.0.1:PORT */
  url: string;
  context: string;
  kubeconfigPath: string;
  adminToken: string;
  viewerToken: string;
  caPem: string;
  dataDir: string;
  /** GET a path on the demo API server (TLS verified against its CA), parsed JSON. */
  api<T = unknown>(path: string, token?: string): Promise<T>;
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: e2e/global-setup.ts did not run`);
  return v;
}

function get<T>(url: string, token: string, ca: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 400) reject(new Error(`GET ${url}: ${res.statusCode} ${body.slice(0, 300)}`));
        else resolve(JSON.parse(body) as T);
      });
    });
    req.on('error', reject);
  });
}

export const test = base.extend<{ demoCluster: DemoClusterInfo }>({
  baseURL: async ({}, use) => {
    await use(required('BTD_E2E_URL'));
  },
  demoCluster: async ({}, use) => {
    const info: DemoClusterInfo = {
      url: required('BTD_E2E_SERVER'),
      context: required('BTD_E2E_CONTEXT'),
      kubeconfigPath: required('BTD_E2E_KUBECONFIG'),
      adminToken: required('BTD_E2E_ADMIN_TOKEN'),
      viewerToken: required('BTD_E2E_VIEWER_TOKEN'),
      caPem: required('BTD_E2E_CA_PEM'),
      dataDir: required('BTD_E2E_DATA_DIR'),
      api: (p, token) => get(new URL(p, info.url).toString(), token ?? info.adminToken, info.caPem),
    };
    await use(info);
  },
});

export { expect };
