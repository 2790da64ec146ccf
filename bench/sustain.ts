// BENCH_SUSTAIN_MINUTES: the peak load held for minutes with a short retention and short storage
// windows (BENCH_PARTITION_MINUTES), printing each minute what the high-volume tables hold (live and dead rows, bytes with indexes and TOAST), to
// see whether storage levels off or grows.
import { Client } from 'pg';

const TABLES = [
  'messages',
  'deliveries',
  'delivery_attempts',
  'trace_events',
  'transactions',
  'check_attempts',
];

export interface TableSize {
  table: string;
  liveRows: number;
  deadRows: number;
  megabytes: number;
}

export async function tableSizes(url: string): Promise<TableSize[]> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    // Summed over each table's partitions (a plain table is its own only leaf).
    const { rows } = await db.query<{ table: string; live: string; dead: string; bytes: string }>(
      `SELECT t.name AS table, sum(s.n_live_tup) AS live, sum(s.n_dead_tup) AS dead,
              sum(pg_total_relation_size(p.relid)) AS bytes
         FROM unnest($1::text[]) AS t (name)
         CROSS JOIN LATERAL pg_partition_tree(t.name::regclass) AS p
         LEFT JOIN pg_stat_user_tables s ON s.relid = p.relid
        WHERE p.isleaf
        GROUP BY t.name`,
      [TABLES],
    );
    return TABLES.map((table) => {
      const row = rows.find((r) => r.table === table);
      return {
        table,
        liveRows: Number(row?.live ?? 0),
        deadRows: Number(row?.dead ?? 0),
        megabytes: Number((Number(row?.bytes ?? 0) / 1024 / 1024).toFixed(1)),
      };
    });
  } finally {
    await db.end();
  }
}

/** Samples the tables every minute until `done` settles; returns the samples. */
export async function sampleEachMinute(
  url: string,
  done: Promise<unknown>,
  print: (line: string) => void,
): Promise<{ minute: number; sizes: TableSize[] }[]> {
  const samples: { minute: number; sizes: TableSize[] }[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  print(`minute  ${TABLES.map((t) => `${t} (live/dead rows, MB)`).join('  ')}`);
  for (let minute = 1; !finished; minute++) {
    const deadline = Date.now() + 60_000;
    while (!finished && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    if (finished) break;
    const sizes = await tableSizes(url);
    samples.push({ minute, sizes });
    print(
      `${String(minute).padStart(6)}  ${sizes.map((s) => `${s.liveRows}/${s.deadRows}, ${s.megabytes}`).join('  ')}`,
    );
  }
  return samples;
}

/**
 * Whether storage levelled off: the largest size over the second half of the run is at most a
 * tenth above the largest over the first half. (Retention drops whole windows, so sizes go up and
 * down in a saw-tooth: the peaks are what must stop rising.)
 */
export function levelledOff(samples: { sizes: TableSize[] }[]): { levelled: boolean; detail: string } {
  if (samples.length < 4) return { levelled: false, detail: 'too few minutes to tell (at least 4)' };
  const totals = samples.map((sample) => sample.sizes.reduce((sum, s) => sum + s.megabytes, 0));
  const mid = Math.floor(totals.length / 2);
  const first = Math.max(...totals.slice(0, mid));
  const second = Math.max(...totals.slice(mid));
  return {
    levelled: second <= first * 1.1,
    detail: `largest total ${first.toFixed(1)} MB over minutes 1–${mid}, ${second.toFixed(1)} MB over minutes ${mid + 1}–${totals.length}`,
  };
}

/** What the storage job did, from the service's log lines: windows by action, and the longest lock. */
export function storageActions(lines: string[]): {
  actions: Record<string, number>;
  longestLockMs: number | null;
} {
  const actions: Record<string, number> = {};
  let longestLockMs: number | null = null;
  for (const line of lines) {
    const entry = JSON.parse(line) as { msg: string; lockedMs?: number };
    const action = entry.msg.replace('storage window ', '');
    actions[action] = (actions[action] ?? 0) + 1;
    if (entry.lockedMs !== undefined) longestLockMs = Math.max(longestLockMs ?? 0, entry.lockedMs);
  }
  return { actions, longestLockMs };
}
