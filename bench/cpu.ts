// CPU time spent by the parts of a run, read from /proc (Linux): a process by pid, every Postgres
// process together (the postmaster's children-time keeps what exited backends used), and the bench
// process itself (the load: producers and the consumer).
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime (+ cutime + cstime with `children`) of one process, in ms; 0 when it is gone. */
export function processCpuMs(pid: number, children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is field 3, utime field 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return (utime + stime + (children ? cutime + cstime : 0)) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Every process named `postgres`, with the time of exited children (backends that closed). */
export function postgresCpuMs(): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    total += processCpuMs(Number(entry), true);
  }
  return total;
}

export interface CpuParts {
  /** The service (or the peer's relay). */
  service: number;
  postgres: number;
  /** The bench process: producers and consumer. */
  load: number;
}

/** Starts counting; the returned function gives the CPU ms each part used since. */
export function countCpu(servicePid: number): () => CpuParts {
  const service = processCpuMs(servicePid);
  const postgres = postgresCpuMs();
  const load = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(load);
    return {
      service: processCpuMs(servicePid) - service,
      postgres: postgresCpuMs() - postgres,
      load: (used.user + used.system) / 1000,
    };
  };
}

/** CPU ms per message of each part, two decimals. */
export function perMessage(parts: CpuParts, messages: number): CpuParts {
  const each = (ms: number) => (messages > 0 ? Number((ms / messages).toFixed(2)) : NaN);
  return { service: each(parts.service), postgres: each(parts.postgres), load: each(parts.load) };
}
