// GET /api/restart/events: the workflow's progress as Server-Sent Events (`state` first, then
// `step`, `progress`, `log`, `state`), straight from the engine. Every (re)connect starts with the
// whole state, so a browser that lost the stream catches up without replaying. A `ping` event every
// 5 s keeps proxies from closing a quiet stream and lets the browser notice a dead one.
import { withStream } from '@/lib/auth/guard';
import { getWorkflowEngine } from '@/lib/workflows';

export const dynamic = 'force-dynamic';

const HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
};

export const GET = withStream(async (req) => {
  const engine = await getWorkflowEngine();
  const abort = new AbortController();
  req.signal.addEventListener('abort', () => abort.abort(), { once: true });
  const enc = new TextEncoder();
  let ping: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (s: string) => {
        if (abort.signal.aborted) return;
        try {
          controller.enqueue(enc.encode(s));
        } catch {
          abort.abort();
        }
      };
      write('retry: 2000\n\n');
      ping = setInterval(() => write('event: ping\ndata: {}\n\n'), 5_000);
      try {
        for await (const ev of engine.events(abort.signal)) write(`event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`);
      } catch (err) {
        write(`event: failure\ndata: ${JSON.stringify({ message: err instanceof Error ? err.message : String(err) })}\n\n`);
      } finally {
        clearInterval(ping);
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      }
    },
    cancel() {
      clearInterval(ping);
      abort.abort();
    },
  });
  return new Response(stream, { headers: HEADERS });
});
