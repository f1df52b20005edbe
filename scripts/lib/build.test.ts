// "Build if needed": stale when BUILD_ID is missing or a build input is newer; tests don't count.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildNeeded } from './build';

let root: string;
const past = new Date(Date.now() - 60_000);
const later = new Date(Date.now() - 30_000);

function touch(rel: string, when: Date): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  if (!fs.existsSync(p)) fs.writeFileSync(p, '');
  fs.utimesSync(p, when, when);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'btd-build-'));
  touch('app/page.tsx', past);
  touch('lib/k8s/nodes.ts', past);
  touch('package.json', past);
  for (const d of ['app', 'lib/k8s', 'lib']) fs.utimesSync(path.join(root, d), past, past);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('buildNeeded', () => {
  it('says so when there is no build', () => {
    expect(buildNeeded(root)).toMatch(/no production build/);
  });

  it('is null when the build is newer than every input', () => {
    touch('.next/BUILD_ID', later);
    expect(buildNeeded(root)).toBeNull();
  });

  it('detects a source changed after the build, deep in a folder', () => {
    touch('.next/BUILD_ID', past);
    touch('lib/k8s/nodes.ts', later);
    expect(buildNeeded(root)).toMatch(/^lib/);
  });

  it('detects a changed package.json or next.config.js', () => {
    touch('.next/BUILD_ID', past);
    touch('next.config.js', later);
    expect(buildNeeded(root)).toMatch(/next\.config\.js/);
  });

  it('ignores test files', () => {
    touch('.next/BUILD_ID', later);
    touch('lib/k8s/nodes.test.ts', new Date());
    fs.utimesSync(path.join(root, 'lib/k8s'), past, past);
    expect(buildNeeded(root)).toBeNull();
  });
});
