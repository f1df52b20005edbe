// /proc readers for the bench: resident memory and CPU time of a process, and the Next server's
// process among the bench's descendants (the launcher does not hand out its pid).
import fs from 'node:fs';

const CLK_TCK = 100; // Linux USER_HZ; sysconf is not reachable from Node, and 100 is what every mainstream kernel uses.

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** utime + stime of the process, in ms. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" of the command name: state is field 3; utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1000) / CLK_TCK;
}

function ppidOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

export function descendants(root: number): number[] {
  const all = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const children = new Map<number, number[]>();
  for (const p of all) {
    const pp = ppidOf(p);
    const arr = children.get(pp) ?? [];
    arr.push(p);
    children.set(pp, arr);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    for (const c of children.get(p) ?? []) {
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

/** The Next server processes started by this process (`next start` and any worker it forks). */
export function nextPids(): number[] {
  return descendants(process.pid).filter((p) => /next/.test(cmdline(p)) && !/chrom/i.test(cmdline(p)));
}

export function sumRss(pids: number[]): number {
  return pids.reduce((s, p) => s + (Number.isFinite(rssBytes(p)) ? rssBytes(p) : 0), 0);
}

export function sumCpuMs(pids: number[]): number {
  return pids.reduce((s, p) => {
    try {
      return s + cpuMs(p);
    } catch {
      return s;
    }
  }, 0);
}
