// `npm start` / `npm run dev`: starts the dashboard on the configured cluster (or the demo
// cluster), prints where everything is, and stops everything on Ctrl-C.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, type Launched } from './lib/launch';
import { parseLaunchOptions, USAGE, UsageError } from './lib/options';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
}

/** The one-time sign-in link for the kubeconfig identity (local mode), if sign-in is installed. */
async function signInLink(url: string, dataDir: string): Promise<string | null> {
  try {
    const { mintSignInLink } = await import('./lib/signin-link');
    return await mintSignInLink(url, dataDir);
  } catch (err) {
    console.error(`(no sign-in link: ${(err as Error).message})`);
    return null;
  }
}

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseLaunchOptions(process.argv.slice(2), process.env, root);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }

  let launched: Launched | undefined;
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.log(`\n${sig}: stopping the dashboard${launched?.demo ? ' and the demo cluster' : ''}...`);
    void (launched?.stop() ?? Promise.resolve()).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal); // terminal closed: Next runs in its own process group and would be left behind

  try {
    launched = await launch(opts, { output: 'inherit', log: (l) => console.log(l) });
  } catch (err) {
    if (interrupted) return 0;
    console.error(`\nCould not start the dashboard: ${(err as Error).message}`);
    return 1;
  }
  if (interrupted) {
    await launched.stop();
    return 0;
  }

  const c = launched.cluster;
  const lines = [
    '',
    'Bound Token Dashboard',
    `  Dashboard:   ${launched.url}`,
    `  Cluster:     ${c.kind === 'demo' ? 'demo cluster' : c.kind === 'in-cluster' ? 'in-cluster service account' : 'kubeconfig'} (context ${c.context}, server ${c.server})`,
  ];
  if (c.kubeconfigPath) lines.push(`  Kubeconfig:  ${rel(c.kubeconfigPath)}`);
  if (c.kind === 'demo' && c.kubeconfigPath) lines.push(`  Try:         kubectl --kubeconfig ${rel(c.kubeconfigPath)} get nodes`);
  if (c.kind !== 'in-cluster') {
    const link = await signInLink(launched.url, opts.dataDir);
    if (link) lines.push(`  Sign in:     ${link}`, `               (one-time link as the kubeconfig identity, valid 10 minutes)`);
  }
  lines.push('', `ready: open ${launched.url} (Ctrl-C stops ${c.kind === 'demo' ? 'the dashboard and the demo cluster' : 'the dashboard'})`);
  console.log(lines.join('\n'));

  const code = await launched.exited;
  if (interrupted) {
    await launched.stop(); // the same promise the signal handler started: wait for the demo to close
    return 0;
  }
  console.error(`\nThe Next server exited unexpectedly (code ${code}); stopping.`);
  await launched.stop();
  return code === 0 ? 1 : code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
