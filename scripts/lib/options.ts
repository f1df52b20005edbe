// Launcher options from flags and environment variables (flags win). Kept apart from launch.ts
// so it can be unit-tested without starting anything.
import path from 'node:path';
import { parseArgs } from 'node:util';

/** Environment variables as read here (NodeJS.ProcessEnv with Next's augmentation is too strict for tests). */
export type Env = Record<string, string | undefined>;

export interface DemoSizing {
  port?: number;
  speed?: number;
  nodes?: number;
  namespaces?: number;
  podsPerNamespace?: number;
}

export interface LaunchOptions {
  /** Repository root (where package.json and .next live). */
  root: string;
  /** Force the demo cluster even when a kubeconfig or a pod environment is present. */
  demo: boolean;
  kubeconfig?: string;
  context?: string;
  port: number;
  host: string;
  /** Absolute. The demo cluster keeps its CA, certs and kubeconfig in <dataDir>/demo. */
  dataDir: string;
  dev: boolean;
  demoSizing: DemoSizing;
  /** 'auto' builds when .next is missing or older than the sources. */
  build: 'auto' | 'never' | 'always';
}

export const USAGE = `Usage: npm start -- [options]      (npm run dev -- [options] for development)

Cluster (first match wins):
  --demo                    use the embedded demo cluster (default when nothing else is configured)
  in a pod                  the in-cluster service account (KUBERNETES_SERVICE_HOST)
  --kubeconfig <path>       a real cluster (also KUBECONFIG)
  --context <name>          context in that kubeconfig (default: its current-context)

Server:
  --port <n>                dashboard port (default 3000, env PORT)
  --host <addr>             listen address (default 127.0.0.1, env HOST)
  --data-dir <dir>          local state (default .data, env BTD_DATA_DIR)
  --dev                     next dev instead of the production server
  --no-build                never build (fail if there is no build)
  --rebuild                 always build first

Demo cluster:
  --demo-port <n>           API server port (default: a free one, env DEMO_PORT)
  --speed <x>               clock speed, 60 = a minute per second (env DEMO_SPEED, default 1)
  --nodes <n>               node count (env DEMO_NODES)
  --namespaces <n>          extra namespaces (env DEMO_NAMESPACES)
  --pods-per-namespace <n>  (env DEMO_PODS_PER_NAMESPACE)
`;

export class UsageError extends Error {}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${name} must be a non-negative number, got "${v}"`);
  return n;
}

export function parseLaunchOptions(
  argv: string[],
  env: Env = process.env,
  root: string = process.cwd(),
): LaunchOptions & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      demo: { type: 'boolean' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      dev: { type: 'boolean' },
      'no-build': { type: 'boolean' },
      rebuild: { type: 'boolean' },
      'demo-port': { type: 'string' },
      speed: { type: 'string' },
      nodes: { type: 'string' },
      namespaces: { type: 'string' },
      'pods-per-namespace': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values;
  const port = num('--port', values.port ?? env.PORT) ?? 3000;
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`--port must be a port number, got ${port}`);
  const kubeconfig = values.kubeconfig ?? (env.KUBECONFIG || undefined);
  const opts: LaunchOptions & { help: boolean } = {
    root,
    demo: Boolean(values.demo) || env.BTD_FORCE_DEMO === '1',
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(root, values['data-dir'] ?? env.BTD_DATA_DIR ?? '.data'),
    dev: Boolean(values.dev),
    demoSizing: {},
    build: values['no-build'] ? 'never' : values.rebuild ? 'always' : 'auto',
    help: Boolean(values.help),
  };
  if (kubeconfig) opts.kubeconfig = kubeconfig.includes(path.delimiter) ? kubeconfig : path.resolve(root, kubeconfig);
  const context = values.context ?? env.BTD_CONTEXT;
  if (context) opts.context = context;
  const sizing: DemoSizing = {
    port: num('--demo-port', values['demo-port'] ?? env.DEMO_PORT),
    speed: num('--speed', values.speed ?? env.DEMO_SPEED),
    nodes: num('--nodes', values.nodes ?? env.DEMO_NODES),
    namespaces: num('--namespaces', values.namespaces ?? env.DEMO_NAMESPACES),
    podsPerNamespace: num('--pods-per-namespace', values['pods-per-namespace'] ?? env.DEMO_PODS_PER_NAMESPACE),
  };
  for (const [k, v] of Object.entries(sizing)) if (v !== undefined) (opts.demoSizing as Record<string, number>)[k] = v;
  return opts;
}

export type ClusterChoice = 'demo' | 'in-cluster' | 'kubeconfig';

/** The launcher's cluster decision (DESIGN.md "Choosing the cluster"), --demo forcing the demo. */
export function chooseCluster(opts: Pick<LaunchOptions, 'demo' | 'kubeconfig'>, env: Env = process.env): ClusterChoice {
  if (opts.demo) return 'demo';
  if (env.KUBERNETES_SERVICE_HOST) return 'in-cluster';
  if (opts.kubeconfig) return 'kubeconfig';
  return 'demo';
}
