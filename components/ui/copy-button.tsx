'use client';
// Copies a text (a token, the YAML, a command) to the clipboard and says so, for a screen reader too.
import { useState } from 'react';

export function CopyButton({ text, label = 'Copy', testId, className = 'px-2.5 py-1 text-xs' }: { text: string; label?: string; testId?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 2000);
  }
  return (
    <button
      type="button"
      onClick={copy}
      data-testid={testId}
      className={`rounded-md border border-slate-300 bg-white font-medium text-slate-800 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 ${className}`}
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select and copy by hand' : label}</span>
    </button>
  );
}
