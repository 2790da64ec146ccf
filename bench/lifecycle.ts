// `npm run bench:lifecycle`: the floor (what Postgres does for a minimal outbox, by pgbench), then txmsg
// end to end — REST prepare → commit → push to one group → 200 ack — at full and at half load,
// for each transaction size, with the database's statements per message and the service's peak
// memory. Prints a table, the ratio to the floor, and JSON.
import { measureFloor, type Floor } from './floor';
import { client, overviewAnswerMs, phase, setUp, startConsumer } from './load';
import { preloadHistory } from './preload';
import { tableLines } from './table';
import { startStack } from './stack';
import { levelledOff, sampleEachMinute, storageActions } from './sustain';
import { resetStatements, statementCosts, type StatementCosts } from './statements';

const env = process.env;
const options = {
  producers: Number(env.BENCH_PRODUCERS ?? 32),
  seconds: Number(env.BENCH_SECONDS ?? 15),
  messagesPerTransaction: (env.BENCH_MESSAGES_PER_TX ?? '1,50').split(',').map(Number),
  warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 3),
  drainSeconds: Number(env.BENCH_DRAIN_SECONDS ?? 120),
  /** Prepares carry an Idempotency-Key, as `@txmsg/client` sends them. */
  idempotencyKeys: env.BENCH_IDEMPOTENCY_KEYS === '1',
  /** Committed and delivered messages put in the tables before the run. */
  preload: Number(env.BENCH_PRELOAD ?? 0),
  floorClients: Number(env.BENCH_FLOOR_CLIENTS ?? 16),
  floorSeconds: Number(env.BENCH_FLOOR_SECONDS ?? 12),
  /** Writes a V8 CPU profile of the service (`.txmsg-bench/profiles/`). */
  cpuProfile: env.BENCH_CPU_PROFILE === '1',
  /** Holds the peak load this long with a short retention instead of the phases above. */
  sustainMinutes: Number(env.BENCH_SUSTAIN_MINUTES ?? 0),
  retentionMinutes: Number(env.BENCH_RETENTION_MINUTES ?? 2),
  retentionIntervalMs: Number(env.BENCH_RETENTION_INTERVAL_MS ?? 10_000),
  partitionMinutes: Number(env.BENCH_PARTITION_MINUTES ?? 1),
  /** msg/s for the sustained mode; 0 measures the peak first. */
  sustainRate: Number(env.BENCH_SUSTAIN_RATE ?? 0),
};

const print = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const consumer = await startConsumer();
  const stack = await startStack({
    cpuProfile: options.cpuProfile,
    env:
      options.sustainMinutes > 0
        ? {
            TXMSG_RETENTION_MINUTES: String(options.retentionMinutes),
            TXMSG_RETENTION_INTERVAL_MS: String(options.retentionIntervalMs),
            TXMSG_PARTITION_MINUTES: String(options.partitionMinutes),
          }
        : {},
  });
  const api = client(stack.url, stack.token);
  const run = Date.now().toString(36);
  try {
    const floor: Floor | { skipped: string } = stack.serverUrl
      ? await measureFloor(stack.serverUrl, '.txmsg-bench', options.floorClients, options.floorSeconds)
      : { skipped: 'no database URL (BENCH_DATABASE_URL) for a service given by TXMSG_BENCH_URL' };
    if ('skipped' in floor) print(`floor skipped: ${floor.skipped}`);
    await setUp(api, consumer.url, run);
    let preloadSeconds: number | null = null;
    if (options.preload > 0) {
      if (!stack.databaseUrl) throw new Error('BENCH_PRELOAD needs the database (BENCH_DATABASE_URL)');
      preloadSeconds = await preloadHistory(api, stack.databaseUrl, run, options.preload);
    }

    if (options.sustainMinutes > 0) {
      if (!stack.databaseUrl)
        throw new Error('BENCH_SUSTAIN_MINUTES needs the database (BENCH_DATABASE_URL)');
      const batch = options.messagesPerTransaction[0];
      // The peak rate end to end (commits that outrun the pushes would only grow a backlog,
      // which retention must keep): measured in a short peak phase unless BENCH_SUSTAIN_RATE says.
      const rate =
        options.sustainRate ||
        (await phase(options, api, consumer, run, options.producers, batch, options.seconds))
          .messagesPerSecond;
      print(
        `sustained: ${options.producers} producers, ${batch} msg/tx at ${rate} msg/s, ${options.sustainMinutes} min, ` +
          `retention ${options.retentionMinutes} min, every ${options.retentionIntervalMs} ms, ` +
          `windows of ${options.partitionMinutes} min`,
      );
      const load = phase(
        options,
        api,
        consumer,
        run,
        options.producers,
        batch,
        options.sustainMinutes * 60,
        rate,
      );
      const samples = await sampleEachMinute(stack.databaseUrl, load, print);
      const result = await load;
      const verdict = levelledOff(samples);
      const storage = storageActions(stack.storageLog());
      print(
        `${result.messagesPerSecond} msg/s delivered; storage ${verdict.levelled ? 'levelled off' : 'kept growing'}: ${verdict.detail}`,
      );
      print(
        `storage windows: ${JSON.stringify(storage.actions)}; longest lock held: ${storage.longestLockMs ?? 'n/a'} ms; ` +
          `commit→push p50/p99 ${result.latencyMs.p50}/${result.latencyMs.p99} ms`,
      );
      print(JSON.stringify({ options, floor, sustained: { result, samples, ...verdict, storage } }, null, 2));
      return;
    }

    const runs = [];
    for (const batch of options.messagesPerTransaction) {
      const load = (seconds: number, rate?: number) =>
        phase(options, api, consumer, run, options.producers, batch, seconds, rate);
      await load(options.warmupSeconds);
      const counting = stack.databaseUrl ? await resetStatements(stack.databaseUrl) : null;
      const peak = await load(options.seconds);
      const database: StatementCosts | null =
        stack.databaseUrl && counting
          ? await statementCosts(stack.databaseUrl, counting, peak.delivered)
          : null;
      const half = await load(options.seconds, peak.messagesPerSecond / 2);
      const ratio =
        'skipped' in floor ? null : Number((peak.messagesPerSecond / floor.lifecyclesPerSecond).toFixed(2));
      runs.push({ messagesPerTransaction: batch, ratio, peak, halfLoad: half, database });
    }
    const peakRssMb = stack.peakRssMb();
    const overviewMs = await overviewAnswerMs(api);
    report(floor, runs, peakRssMb);
    print(`admin overview answered in ${overviewMs.p50} ms (p50), ${overviewMs.max} ms (slowest of 20)`);
    print(JSON.stringify({ options, floor, preloadSeconds, peakRssMb, overviewMs, runs }, null, 2));
  } finally {
    await api.close();
    consumer.close();
    await stack.stop();
  }
}

type Run = {
  messagesPerTransaction: number;
  ratio: number | null;
  peak: Awaited<ReturnType<typeof phase>>;
  halfLoad: Awaited<ReturnType<typeof phase>>;
  database: StatementCosts | null;
};

function report(floor: Floor | { skipped: string }, runs: Run[], peakRssMb: number | null) {
  const header = ['phase', 'producers', 'msgs/tx', 'target msg/s', 'delivered', 'undelivered', 'msg/s'];
  const rows = [
    [...header, 'p50 ms', 'p99 ms', 'max ms'],
    ...runs.flatMap((r) =>
      (
        [
          ['peak', r.peak],
          ['half load', r.halfLoad],
        ] as const
      ).map(([name, result]) => [
        name,
        String(result.producers),
        String(result.messagesPerTransaction),
        result.targetRate === null ? '-' : String(Math.round(result.targetRate)),
        String(result.delivered),
        String(result.undelivered),
        String(result.messagesPerSecond),
        String(result.latencyMs.p50),
        String(result.latencyMs.p99),
        String(result.latencyMs.max),
      ]),
    ),
  ];
  tableLines(rows).forEach(print);
  print('');
  if (!('skipped' in floor)) {
    print(
      `floor: ${floor.lifecyclesPerSecond} lifecycles/s (pgbench, ${floor.clients} clients, ${floor.seconds} s)`,
    );
  }
  for (const r of runs) {
    const db = r.database;
    print(
      `${r.messagesPerTransaction} msg/tx: ratio = ${r.peak.messagesPerSecond} msg/s ÷ floor = ${r.ratio ?? 'n/a'}` +
        (db
          ? `; per message at peak: ${db.statementsPerMessage} statements, ` +
            `${db.writeTransactionsPerMessage} write transactions, ` +
            `${db.dbMillisecondsPerMessage} ms in Postgres`
          : ''),
    );
  }
  for (const r of runs) {
    const { prepare, commit } = r.halfLoad.requestMs;
    print(
      `${r.messagesPerTransaction} msg/tx at half load: prepare answered in ${prepare.p50}/${prepare.p99} ms, ` +
        `commit in ${commit.p50}/${commit.p99} ms (p50/p99)`,
    );
  }
  print(`service peak RSS: ${peakRssMb ?? 'n/a'} MB`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
