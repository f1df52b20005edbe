// Decode: a token pasted into /tokens until the report is in the page, in Chromium. The paste is
// programmatic (the textarea's value set and an input event dispatched, which is what React's
// onChange hears from a real paste); the clock stops when the report ([data-testid=inspection])
// is in the DOM (MutationObserver or right after the event, whichever sees it first). The time
// to the next frame is kept too, informational: headless frames tick at 60 Hz, so it is quantised.
import type { Env } from './env';
import { requestTokens } from './kube';
import { makeRow, type Row } from './table';

export const DECODE_BUDGET_MS = 16;

interface Sample {
  dom: number;
  frame: number;
  decodeMs: number;
}

export async function decode(env: Env, opts: { iterations: number; warmup: number }, log: (s: string) => void): Promise<{ rows: Row[]; detail: unknown }> {
  const tokens = await requestTokens(env.cluster, 8);
  if (!tokens.length) throw new Error('no tokens from the demo cluster');
  const page = await env.context.newPage();
  await page.goto('/tokens', { waitUntil: 'load' });
  await page.locator('#token-input').waitFor();
  // Hydration: the textarea only reacts once React owns it.
  await page.waitForTimeout(500);
  const total = opts.warmup + opts.iterations;
  const list = Array.from({ length: total }, (_, i) => tokens[i % tokens.length]!);
  const samples = (await page.evaluate(async (toks: string[]) => {
    const ta = document.querySelector('#token-input') as HTMLTextAreaElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
    const put = (v: string) => {
      setter.call(ta, v);
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    };
    const report = () => document.querySelector('[data-testid="inspection"]') as HTMLElement | null;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const out: { dom: number; frame: number; decodeMs: number }[] = [];
    for (const tok of toks) {
      put('');
      for (let i = 0; i < 100 && report(); i++) await sleep(5);
      await sleep(20);
      let tDom = NaN;
      const obs = new MutationObserver(() => {
        if (Number.isNaN(tDom) && report()) tDom = performance.now();
      });
      obs.observe(document.body, { childList: true, subtree: true });
      const t0 = performance.now();
      put(tok);
      if (Number.isNaN(tDom) && report()) tDom = performance.now();
      for (let i = 0; i < 400 && Number.isNaN(tDom); i++) await sleep(5);
      const tFrame = await new Promise<number>((r) => requestAnimationFrame(() => r(performance.now())));
      obs.disconnect();
      out.push({ dom: tDom - t0, frame: tFrame - t0, decodeMs: Number(report()?.dataset.decodeMs ?? NaN) });
    }
    return out;
  }, list)) as Sample[];
  await page.close();
  const measured = samples.slice(opts.warmup);
  const failed = measured.filter((s) => !Number.isFinite(s.dom)).length;
  log(`decode: ${measured.length} pastes, ${failed} without a report`);
  const budget = { max: DECODE_BUDGET_MS, on: 'median' as const, label: `median ≤ ${DECODE_BUDGET_MS} ms` };
  return {
    rows: [
      makeRow({ group: 'decode', name: 'paste → report in DOM', unit: 'ms', samples: measured.map((s) => s.dom), budget, ...(failed ? { note: `${failed} pastes showed no report`, verdict: 'FAIL' as const } : {}) }),
      makeRow({ group: 'decode', name: 'paste → next frame', unit: 'ms', samples: measured.map((s) => s.frame), note: 'informational: rAF at 60 Hz quantises this' }),
      makeRow({ group: 'decode', name: 'inspectToken alone (page marker)', unit: 'ms', samples: measured.map((s) => s.decodeMs) }),
    ],
    detail: { tokens: tokens.length, samples: measured },
  };
}
