// The demo cluster CLI (`npm run demo`): flags and DEMO_* environment variables in, a running
// HTTPS Kubernetes API out; prints where the kubeconfig and tokens are (never the tokens).
import { join } from 'node:path';
import { startDemoCluster } from './index';

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out[a.slice(2)] = argv[++i]!;
    else out[a.slice(2)] = 'true';
  }
  return out;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`invalid value for ${name}: ${v}`);
    process.exit(2);
  }
  return n;
}

const USAGE = `Usage: tsx sim/main.ts [--port N] [--speed X] [--nodes N] [--namespaces N] [--pods-per-namespace N] [--data-dir DIR] [--quiet] [--bare (no behaviour modules)]
Environment: DEMO_PORT, DEMO_SPEED, DEMO_NODES, DEMO_NAMESPACES, DEMO_PODS_PER_NAMESPACE, DEMO_DATA_DIR (flags win).`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.help || args.h) {
    console.log(USAGE);
    return;
  }
  const env = process.env;
  const cluster = await startDemoCluster({
    port: num('--port', args.port ?? env.DEMO_PORT) ?? 0,
    speed: num('--speed', args.speed ?? env.DEMO_SPEED),
    nodes: num('--nodes', args.nodes ?? env.DEMO_NODES),
    namespaces: num('--namespaces', args.namespaces ?? env.DEMO_NAMESPACES),
    podsPerNamespace: num('--pods-per-namespace', args['pods-per-namespace'] ?? env.DEMO_PODS_PER_NAMESPACE),
    dataDir: args['data-dir'] ?? env.DEMO_DATA_DIR,
    quiet: args.quiet === 'true',
    bare: args.bare === 'true',
  });
  console.log(`Demo cluster listening on ${cluster.url}`);
  console.log(`  kubeconfig:   ${cluster.kubeconfigPath}`);
  console.log(`  admin token:  ${join(cluster.dataDir, 'admin.token')}`);
  console.log(`  viewer token: ${join(cluster.dataDir, 'viewer.token')}`);
  console.log(`  try:          kubectl --kubeconfig ${cluster.kubeconfigPath} get nodes`);
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${sig}: stopping the demo cluster`);
    cluster.close().then(
      () => process.exit(0),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
