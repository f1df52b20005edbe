// Test-only helpers for lib/live (never imported by app code): a TCP proxy in front of the demo
// cluster that a test can cut and restore (the upstream "going away" for real, TLS passes through),
// polling waits, and an SSE parser over a Response body.
import * as net from 'node:net';

export async function waitFor<T>(fn: () => T | undefined | null | false, what: string, timeoutMs = 10_000, stepMs = 20): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export interface CutProxy {
  port: number;
  /** Connections currently piped. */
  readonly open: number;
  /** Stops accepting and destroys every open connection. */
  cut(): Promise<void>;
  /** Accepts again on the same port. */
  restore(): Promise<void>;
  /** Open connections stop passing bytes but stay open (a half-open TCP connection); new ones work. */
  freeze(): void;
  close(): Promise<void>;
}

export async function startCutProxy(targetPort: number): Promise<CutProxy> {
  const sockets = new Set<net.Socket>();
  const pairs = new Set<[net.Socket, net.Socket]>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        const up = net.connect(targetPort, '127.0.0.1');
        for (const x of [client, up]) {
          sockets.add(x);
          x.on('close', () => sockets.delete(x));
          x.on('error', () => {
            client.destroy();
            up.destroy();
          });
        }
        client.pipe(up);
        up.pipe(client);
        const pair: [net.Socket, net.Socket] = [client, up];
        pairs.add(pair);
        client.on('close', () => pairs.delete(pair));
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const x of [...sockets]) x.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  return {
    get port() {
      return port;
    },
    get open() {
      return sockets.size;
    },
    cut,
    restore: listen,
    freeze() {
      for (const [client, up] of pairs) {
        client.unpipe(up);
        up.unpipe(client);
        client.pause();
        up.pause();
      }
      pairs.clear();
    },
    close: cut,
  };
}

export interface SseMessage {
  event: string;
  id?: string;
  data: string;
  comment?: string;
}

/** Reads SSE messages (and `:` comments) from a Response body as they arrive. */
export class SseReader {
  readonly messages: SseMessage[] = [];
  private buf = '';
  private done = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly dec = new TextDecoder();
  readonly finished: Promise<void>;

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
    this.finished = this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) break;
        this.buf += this.dec.decode(value, { stream: true });
        let i: number;
        while ((i = this.buf.indexOf('\n\n')) >= 0) {
          const block = this.buf.slice(0, i);
          this.buf = this.buf.slice(i + 2);
          const m: SseMessage = { event: 'message', data: '' };
          const data: string[] = [];
          let any = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              m.comment = line.slice(1).trim();
              any = true;
              continue;
            }
            const c = line.indexOf(':');
            const field = c < 0 ? line : line.slice(0, c);
            const val = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
            any = true;
            if (field === 'event') m.event = val;
            else if (field === 'id') m.id = val;
            else if (field === 'data') data.push(val);
            else if (field === 'retry') m.event = 'retry';
          }
          m.data = data.join('\n');
          if (any) this.messages.push(m);
        }
      }
    } catch {
      // cancelled
    }
    this.done = true;
  }

  get ended(): boolean {
    return this.done;
  }

  events(name: string): SseMessage[] {
    return this.messages.filter((m) => m.event === name);
  }

  json<T>(name: string): T[] {
    return this.events(name).map((m) => JSON.parse(m.data) as T);
  }

  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}

type EsListener = (ev: { data: string; lastEventId?: string }) => void;

/**
 * A minimal WHATWG EventSource over fetch, for tests of client.ts in Node 20 (which has none):
 * reconnects with Last-Event-ID after the stream ends, honours `retry:`, and fails for good
 * (readyState CLOSED) on a non-200 answer, as browsers do.
 */
export class FetchEventSource {
  static instances: FetchEventSource[] = [];
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  lastEventId = '';
  private retryMs = 3_000;
  private readonly listeners = new Map<string, EsListener[]>();
  private ac: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly url: string) {
    FetchEventSource.instances.push(this);
    void this.connect();
  }

  addEventListener(type: string, fn: EsListener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }

  close(): void {
    this.readyState = 2;
    clearTimeout(this.timer);
    this.ac?.abort();
  }

  private async connect(): Promise<void> {
    if (this.readyState === 2) return;
    const ac = new AbortController();
    this.ac = ac;
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
    let res: Response;
    try {
      res = await fetch(this.url, { headers, signal: ac.signal });
    } catch {
      return this.lost();
    }
    if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
      void res.body?.cancel();
      this.readyState = 2;
      this.onerror?.({});
      return;
    }
    this.readyState = 1;
    this.onopen?.({});
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const c = line.indexOf(':');
            const f = c < 0 ? line : line.slice(0, c);
            const v = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
            if (f === 'event') event = v;
            else if (f === 'data') data.push(v);
            else if (f === 'id') this.lastEventId = v;
            else if (f === 'retry' && /^\d+$/.test(v)) this.retryMs = Number(v);
          }
          if (data.length === 0) continue;
          for (const fn of this.listeners.get(event) ?? []) fn({ data: data.join('\n'), lastEventId: this.lastEventId });
        }
      }
    } catch {
      // connection broke
    }
    this.lost();
  }

  private lost(): void {
    if (this.readyState === 2) return;
    this.readyState = 0;
    this.onerror?.({});
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
  }
}
