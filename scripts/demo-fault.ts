// `npm run demo:fault -- <command>`: injects faults into a running demo cluster through its
// admin-only /demo/v1/faults endpoint, with the URL, CA and admin token of <data-dir>/kubeconfig.
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseDurationSeconds } from '../sim/faults/state';

const FAULTS_PATH = '/demo/v1/faults';

const USAGE = `Usage: npm run demo:fault -- <command> [options] [--data-dir DIR]

Commands:
  fail [--count N] [--code 503|500|429] [--retry-after S] [--path PREFIX] [--verb VERB] [--message TEXT]
                              the next N requests (default 1, code 503) fail with kube's Status;
                              429 always carries Retry-After (default 1 s); --verb is a kube verb
                              (get, list, watch, create, update, patch, delete, deletecollection)
                              or an HTTP method in capitals (GET, POST, ...)
  latency --ms N [--jitter N] [--for DURATION]
                              adds N ms (+ up to --jitter ms) to every request, until cleared or for DURATION
  hang --for DURATION         accepts requests but answers none until DURATION has passed
  drop-watches                ends every open watch now (clients re-watch)
  node-down NODE [--reboot] / node-up NODE
                              keeps NODE from coming back after a reboot (--reboot: reboot it now
                              too) / lets it come back
  revision-fail NODE [--times N] [--message TEXT] [--reason InstallerFailed|OperandFailed]
  revision-recover NODE       makes the kube-apiserver installer fail on NODE / recover
  list                        the active faults
  clear [ID]                  clears every fault, or the one with this id (see list)

Durations are real (wall-clock) time whatever DEMO_SPEED is: 500ms, 20s, 2m, 1h30m, or seconds.
Options: --data-dir DIR (default .data/demo, or DEMO_DATA_DIR), --json (print the raw answer).`;

class UsageError extends Error {}

interface Args {
  positional: string[];
  flags: Record<string, string>;
}

const BOOLEAN_FLAGS = new Set(['json', 'help', 'reboot']);

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h') {
      flags.help = 'true';
      continue;
    }
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (eq > 0) flags[name] = a.slice(eq + 1);
    else if (BOOLEAN_FLAGS.has(name)) flags[name] = 'true';
    else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags[name] = v;
      i++;
    }
  }
  return { positional, flags };
}

function intFlag(flags: Record<string, string>, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, got "${v}"`);
  return Number(v);
}

function durationFlag(flags: Record<string, string>, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  try {
    const s = parseDurationSeconds(v);
    if (s <= 0) throw new Error(`--${name} must be longer than 0`);
    return s;
  } catch (e) {
    throw new UsageError(`--${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function allowOnly(flags: Record<string, string>, allowed: string[]) {
  for (const f of Object.keys(flags)) {
    if (!['data-dir', 'json', ...allowed].includes(f)) throw new UsageError(`unknown option --${f} for this command`);
  }
}

function oneArg(positional: string[], cmd: string, what: string): string {
  if (positional.length !== 2) throw new UsageError(`${cmd} takes exactly one ${what}, e.g. ${cmd} ${what === 'node' ? 'worker-1' : 'ID'}`);
  return positional[1]!;
}

/** Turns the command line into the HTTP call (method, query and JSON body). */
function toRequest(args: Args): { method: 'GET' | 'POST' | 'DELETE'; query?: string; body?: Record<string, unknown> } {
  const [cmd] = args.positional;
  const f = args.flags;
  switch (cmd) {
    case 'list':
      allowOnly(f, []);
      if (args.positional.length > 1) throw new UsageError('list takes no arguments');
      return { method: 'GET' };
    case 'clear':
      allowOnly(f, []);
      if (args.positional.length > 2) throw new UsageError('clear takes at most one fault id');
      return { method: 'DELETE', ...(args.positional[1] ? { query: `id=${encodeURIComponent(args.positional[1])}` } : {}) };
    case 'fail': {
      allowOnly(f, ['count', 'code', 'retry-after', 'path', 'verb', 'message']);
      if (args.positional.length > 1) throw new UsageError('fail takes options only, e.g. fail --count 5 --code 503');
      const code = intFlag(f, 'code');
      if (code !== undefined && ![500, 503, 429].includes(code)) throw new UsageError(`--code must be 500, 503 or 429, got ${code}`);
      const count = intFlag(f, 'count');
      if (count === 0) throw new UsageError('--count must be at least 1');
      return {
        method: 'POST',
        body: { type: 'fail', count: count ?? 1, code: code ?? 503, retryAfterSeconds: intFlag(f, 'retry-after'), pathPrefix: f.path, verb: f.verb, message: f.message },
      };
    }
    case 'latency': {
      allowOnly(f, ['ms', 'jitter', 'for']);
      const ms = intFlag(f, 'ms');
      if (!ms) throw new UsageError('latency needs --ms N (N > 0), e.g. latency --ms 800 --for 60s');
      return { method: 'POST', body: { type: 'latency', ms, jitterMs: intFlag(f, 'jitter'), durationSeconds: durationFlag(f, 'for') } };
    }
    case 'hang': {
      allowOnly(f, ['for']);
      const s = durationFlag(f, 'for');
      if (s === undefined) throw new UsageError('hang needs --for DURATION, e.g. hang --for 20s');
      return { method: 'POST', body: { type: 'hang', durationSeconds: s } };
    }
    case 'drop-watches':
      allowOnly(f, []);
      return { method: 'POST', body: { type: 'drop-watches' } };
    case 'node-down':
      allowOnly(f, ['reboot']);
      return { method: 'POST', body: { type: cmd, node: oneArg(args.positional, cmd, 'node'), reboot: f.reboot === 'true' ? true : undefined } };
    case 'node-up':
      allowOnly(f, []);
      return { method: 'POST', body: { type: cmd, node: oneArg(args.positional, cmd, 'node') } };
    case 'revision-fail':
      allowOnly(f, ['times', 'message', 'reason']);
      return { method: 'POST', body: { type: cmd, node: oneArg(args.positional, cmd, 'node'), times: intFlag(f, 'times'), message: f.message, reason: f.reason } };
    case 'revision-recover':
      allowOnly(f, []);
      return { method: 'POST', body: { type: cmd, node: oneArg(args.positional, cmd, 'node') } };
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

interface Target {
  server: string;
  ca: Buffer;
  token: string;
}

function readKubeconfig(dataDir: string): Target {
  const path = join(dataDir, 'kubeconfig');
  let doc: any;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${path} (is the demo cluster started with this --data-dir?): ${e instanceof Error ? e.message : String(e)}`);
  }
  const cluster = (doc?.clusters ?? []).find((c: any) => c?.name === 'demo')?.cluster;
  const user = (doc?.users ?? []).find((u: any) => u?.name === 'admin')?.user;
  if (!cluster?.server || !cluster['certificate-authority-data'] || !user?.token) {
    throw new Error(`${path} has no cluster "demo" with a CA and no user "admin" with a token: not a demo cluster kubeconfig`);
  }
  return { server: cluster.server, ca: Buffer.from(cluster['certificate-authority-data'], 'base64'), token: user.token };
}

function call(t: Target, method: string, query: string | undefined, body: unknown): Promise<{ status: number; body: any }> {
  const url = new URL(FAULTS_PATH + (query ? `?${query}` : ''), t.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolvePromise, reject) => {
    const req = request(
      url,
      {
        method,
        ca: t.ca,
        headers: { Authorization: `Bearer ${t.token}`, Accept: 'application/json', ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}) },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON: keep the text */
          }
          resolvePromise({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${t.server} within 15 s`)));
    req.on('error', (e) => reject(new Error(`cannot reach the demo cluster at ${t.server}: ${e.message}`)));
    req.end(payload);
  });
}

function describe(f: any): string {
  switch (f.type) {
    case 'fail': {
      const scope = [f.verb ? `verb ${f.verb}` : '', f.pathPrefix ? `path ${f.pathPrefix}*` : ''].filter(Boolean).join(', ');
      return `next ${f.remaining} request(s)${scope ? ` (${scope})` : ''} fail with ${f.code}${f.retryAfterSeconds !== undefined ? `, Retry-After ${f.retryAfterSeconds}s` : ''}`;
    }
    case 'latency':
      return `+${f.ms} ms${f.jitterMs ? ` (+0..${f.jitterMs} ms jitter)` : ''} on every request${f.expiresAt ? ` until ${f.expiresAt}` : ' until cleared'}`;
    case 'hang':
      return `no answers until ${f.expiresAt}`;
    case 'node-down':
      return `node ${f.node} stays down after a reboot`;
    case 'revision-fail':
      return `kube-apiserver installer fails on ${f.node}${f.remaining !== undefined ? ` (${f.remaining} more time(s))` : ''}`;
    default:
      return JSON.stringify(f);
  }
}

async function main(argv: string[]): Promise<number> {
  let args: Args;
  let req: ReturnType<typeof toRequest>;
  try {
    args = parseArgs(argv);
    if (args.flags.help) {
      console.log(USAGE);
      return 0;
    }
    req = toRequest(args);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const dataDir = resolve(args.flags['data-dir'] ?? process.env.DEMO_DATA_DIR ?? '.data/demo');
  const target = readKubeconfig(dataDir);
  const body = req.body ? Object.fromEntries(Object.entries(req.body).filter(([, v]) => v !== undefined)) : undefined;
  const res = await call(target, req.method, req.query, body);
  if (args.flags.json) console.log(JSON.stringify(res.body, null, 2));
  if (res.status >= 400) {
    const msg = typeof res.body === 'object' && res.body?.message ? res.body.message : String(res.body);
    console.error(`error (${res.status}): ${msg}`);
    return 1;
  }
  if (args.flags.json) return 0;
  const b = res.body;
  if (req.method === 'GET' || req.method === 'DELETE') {
    if (req.method === 'DELETE') console.log(`cleared ${b.cleared} fault(s)`);
    const items: any[] = b.items ?? [];
    if (items.length === 0) console.log('no active faults');
    for (const f of items) console.log(`${f.id.padEnd(24)} ${describe(f)}`);
    return 0;
  }
  if (b.type === 'drop-watches') console.log(`dropped ${b.dropped} watch(es)`);
  else if (b.type === 'node-down') console.log(`node ${b.node} stays down after ${b.rebooting ? 'this reboot (rebooting now)' : 'its next reboot'}`);
  else if (b.type === 'node-up') console.log(`node ${b.node} may come back after a reboot`);
  else if (b.type === 'revision-recover') console.log(`kube-apiserver installer on ${b.node} recovers`);
  else console.log(`${b.id ? `${b.id}: ` : ''}${describe(b)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
