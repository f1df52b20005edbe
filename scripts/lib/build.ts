// "Build if needed": a production build is stale when .next/BUILD_ID is missing or any source
// that goes into the build is newer than it. Test files do not count.
import fs from 'node:fs';
import path from 'node:path';

export const BUILD_INPUTS = ['app', 'components', 'lib', 'public', 'package.json', 'package-lock.json', 'next.config.js', 'postcss.config.mjs', 'tsconfig.json', 'proxy.ts', 'instrumentation.ts'];

function newestMtime(p: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its directory's mtime
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** The production build folder (next.config.js reads the same variable). */
export function distDir(root: string): string {
  return path.join(root, process.env.BTD_DIST_DIR || '.next');
}

/** Why a build is needed, or null when the build folder is up to date. */
export function buildNeeded(root: string): string | null {
  const idFile = path.join(distDir(root), 'BUILD_ID');
  let built: number;
  try {
    built = fs.statSync(idFile).mtimeMs;
  } catch {
    return 'no production build yet';
  }
  for (const input of BUILD_INPUTS) {
    if (newestMtime(path.join(root, input)) > built) return `${input} changed since the last build`;
  }
  return null;
}
