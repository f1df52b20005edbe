// Chromium for Playwright: Debian's /usr/bin/chromium (no browser download), with the flags a
// headless run in a container needs.
import fs from 'node:fs';

export function chromiumPath(): string | undefined {
  const p = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return fs.existsSync(p) ? p : undefined;
}

export function chromiumArgs(): string[] {
  const args = [
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--disable-dev-shm-usage',
  ];
  // Chromium refuses to run its sandbox as root (containers, CI).
  if (process.getuid?.() === 0) args.unshift('--no-sandbox');
  return args;
}
