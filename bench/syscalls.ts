// System calls a process (and its threads) makes while it is watched: `strace -f -c` attached to
// it by pid, stopped with SIGINT, its summary table parsed. Tracing slows the process, so the
// bench counts in a window of its own, after the rates are measured.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SyscallCounts {
  total: number;
  /** write, writev, sendto, sendmsg: how many times the process handed bytes to a socket. */
  writes: number;
  /** read, readv, recvfrom, recvmsg. */
  reads: number;
  /** epoll_wait, epoll_pwait(2), futex. */
  waits: number;
  byName: Record<string, number>;
}

const WRITES = new Set(['write', 'writev', 'sendto', 'sendmsg', 'sendmmsg']);
const READS = new Set(['read', 'readv', 'recvfrom', 'recvmsg']);
const WAITS = new Set(['epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'futex']);

export function straceAvailable(): boolean {
  return spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** Starts tracing `pid`; the returned function stops it and gives the counts. */
export async function countSyscalls(pid: number): Promise<() => Promise<SyscallCounts>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-strace-'));
  const output = join(dir, 'summary');
  const strace = spawn('strace', ['-f', '-c', '-q', '-o', output, '-p', String(pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  strace.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => strace.once('exit', resolve));
  // Attaching to every thread takes a moment; strace says nothing when it is done (-q).
  await new Promise((resolve) => setTimeout(resolve, 500));
  return async () => {
    strace.kill('SIGINT');
    const code = await exited;
    try {
      return parseSummary(readFileSync(output, 'utf8'));
    } catch (error) {
      throw new Error(`strace exited ${code}: ${stderr.trim() || String(error)}`, { cause: error });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** strace -c's table: `% time  seconds  usecs/call  calls  errors  syscall`, then a total row. */
export function parseSummary(text: string): SyscallCounts {
  const byName: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 5 || !/^\d+(\.\d+)?$/.test(columns[0])) continue;
    const name = columns[columns.length - 1];
    if (name === 'total') continue;
    // The errors column is empty for most calls, so count from the left: calls is the 4th.
    byName[name] = Number(columns[3]);
  }
  const sum = (names: Set<string> | null) =>
    Object.entries(byName).reduce((n, [name, calls]) => (names && !names.has(name) ? n : n + calls), 0);
  return { total: sum(null), writes: sum(WRITES), reads: sum(READS), waits: sum(WAITS), byName };
}

/** Calls per message, two decimals, with the five most frequent. */
export function syscallsPerMessage(counts: SyscallCounts, messages: number) {
  const per = (n: number) => Number((n / Math.max(1, messages)).toFixed(2));
  return {
    total: per(counts.total),
    writes: per(counts.writes),
    reads: per(counts.reads),
    waits: per(counts.waits),
    top: Object.entries(counts.byName)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([name, calls]) => `${name} ${per(calls)}`),
  };
}
