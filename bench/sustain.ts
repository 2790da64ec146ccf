// BENCH_SUSTAIN_MINUTES: the peak load held for minutes with a short retention, printing each
// minute what the high-volume tables hold (live and dead rows, bytes with indexes and TOAST), to
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
    const { rows } = await db.query<{ table: string; live: string; dead: string; bytes: string }>(
      `SELECT relname AS table, n_live_tup AS live, n_dead_tup AS dead,
              pg_total_relation_size(relid) AS bytes
         FROM pg_stat_user_tables WHERE relname = ANY ($1)`,
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
 * Whether storage levelled off: over the second half of the run, the bytes of all tables grew by
 * at most a tenth of what they grew over the first half.
 */
export function levelledOff(samples: { sizes: TableSize[] }[]): { levelled: boolean; detail: string } {
  if (samples.length < 4) return { levelled: false, detail: 'too few minutes to tell (at least 4)' };
  const total = (i: number) => samples[i].sizes.reduce((sum, s) => sum + s.megabytes, 0);
  const mid = Math.floor(samples.length / 2);
  const first = total(mid) - total(0);
  const second = total(samples.length - 1) - total(mid);
  return {
    levelled: second <= first / 10,
    detail: `total MB grew ${first.toFixed(1)} over minutes 1–${mid + 1}, ${second.toFixed(1)} over minutes ${mid + 1}–${samples.length}`,
  };
}
