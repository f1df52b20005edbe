// Reads just enough of a kubeconfig (context name, server URL) for the launcher to say which
// cluster it is pointing the dashboard at. The dashboard itself loads kubeconfigs with client-node.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface Named<T> {
  name?: string;
  cluster?: T;
  context?: T;
}
interface KubeconfigFile {
  'current-context'?: string;
  clusters?: Named<{ server?: string }>[];
  contexts?: Named<{ cluster?: string; user?: string }>[];
}

export interface KubeconfigTarget {
  context: string;
  server: string;
}

/** Throws an Error with a readable message when the file or context is unusable. */
export function describeKubeconfig(kubeconfig: string, context?: string): KubeconfigTarget {
  const files = kubeconfig.split(path.delimiter).filter(Boolean);
  const docs: KubeconfigFile[] = [];
  for (const f of files) {
    if (!fs.existsSync(f)) continue;
    docs.push((parse(fs.readFileSync(f, 'utf8')) ?? {}) as KubeconfigFile);
  }
  if (docs.length === 0) throw new Error(`The kubeconfig ${kubeconfig} does not exist.`);
  const ctxName = context ?? docs.find((d) => d['current-context'])?.['current-context'];
  if (!ctxName) throw new Error(`The kubeconfig ${kubeconfig} has no current-context; pass --context <name>.`);
  const ctx = docs.flatMap((d) => d.contexts ?? []).find((c) => c.name === ctxName);
  if (!ctx) {
    const names = docs.flatMap((d) => d.contexts ?? []).map((c) => c.name);
    throw new Error(`The context "${ctxName}" is not in ${kubeconfig} (contexts: ${names.join(', ') || 'none'}).`);
  }
  const cluster = docs.flatMap((d) => d.clusters ?? []).find((c) => c.name === ctx.context?.cluster);
  if (!cluster?.cluster?.server) throw new Error(`The context "${ctxName}" has no cluster server in ${kubeconfig}.`);
  return { context: ctxName, server: cluster.cluster.server };
}
