// Extra SSE subscribers for the live-latency and fan-out measurements, in their own process (forked
// by scripts/bench/children.ts), so hundreds of streams do not load the measuring process. Each
// client is a plain fetch of the events URL with the bench's session cookie; the child records when
// each client first saw a marker string, and reports receipt latencies relative to times the parent sends.
import { performance } from 'node:perf_hooks';

const now = () => performance.timeOrigin + performance.now();

interface Client {
  ctrl: AbortController;
  connected: boolean;
  bytes: number;
  tail: string;
}

const clients: Client[] = [];
/** marker → receipt times (wall ms) of clients that saw it. */
const seen = new Map<string, number[]>();
let watching: string[] = [];

function scan(c: Client, chunk: string) {
  const text = c.tail + chunk;
  for (const m of watching) {
    if (text.includes(m)) {
      const arr = seen.get(m) ?? [];
      arr.push(now());
      seen.set(m, arr);
    }
  }
  // Keep enough to match a marker split across two chunks.
  c.tail = text.slice(-64);
}

async function open(url: string, cookie: string): Promise<Client> {
  const c: Client = { ctrl: new AbortController(), connected: false, bytes: 0, tail: '' };
  clients.push(c);
  const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal: c.ctrl.signal });
  if (res.status !== 200 || !res.body) throw new Error(`SSE ${url}: HTTP ${res.status}`);
  c.connected = true;
  void (async () => {
    const dec = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        c.bytes += chunk.byteLength;
        const s = dec.decode(chunk, { stream: true });
        // Only scan once a marker is pending: the snapshot can be large.
        if (watching.length) scan(c, s);
      }
    } catch {
      /* aborted */
    }
    c.connected = false;
  })();
  return c;
}

process.on('message', async (m: { t: string; id: number; url?: string; cookie?: string; count?: number; marker?: string; concurrency?: number }) => {
  try {
    if (m.t === 'open') {
      const count = m.count ?? 0;
      const conc = Math.max(1, m.concurrency ?? 20);
      const t0 = now();
      let failed = 0;
      for (let i = 0; i < count; i += conc) {
        const batch = Array.from({ length: Math.min(conc, count - i) }, () => open(m.url!, m.cookie!).catch(() => void failed++));
        await Promise.all(batch);
      }
      process.send!({ t: 'opened', id: m.id, connected: clients.filter((c) => c.connected).length, failed, ms: now() - t0 });
    } else if (m.t === 'expect') {
      watching.push(m.marker!);
      process.send!({ t: 'ok', id: m.id });
    } else if (m.t === 'collect') {
      const times = seen.get(m.marker!) ?? [];
      process.send!({ t: 'collected', id: m.id, times, connected: clients.filter((c) => c.connected).length });
    } else if (m.t === 'forget') {
      seen.delete(m.marker!);
      watching = watching.filter((x) => x !== m.marker);
      process.send!({ t: 'ok', id: m.id });
    } else if (m.t === 'close') {
      for (const c of clients) c.ctrl.abort();
      clients.length = 0;
      process.send!({ t: 'closed', id: m.id });
    }
  } catch (err) {
    process.send!({ t: 'error', id: m.id, message: (err as Error).message });
  }
});
process.on('disconnect', () => process.exit(0));
process.send!({ t: 'ready' });
