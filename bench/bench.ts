// `npm run bench`: txmsg next to the pg-boss outbox a team would otherwise write, on one Postgres
// server, with the same 32 producer loops (one `orders` row and one message per transaction) and
// the same consumer. pg-boss runs with a few relay settings and keeps its best; txmsg runs through
// `@txmsg/client` with a push per message, batched pushes, and pull. Each prints delivered msg/s,
// commit→consumer p50/p99 at peak and at half of it, CPU ms per message of the service (or relay),
// Postgres and the load, and ratio = txmsg ÷ pg-boss. Then the service's peak RSS, and JSON.
import { countCpu, perMessage, type CpuParts } from './cpu';
import { client, deliveredFigures, produceFor, startConsumer } from './load';
import { preloadHistory } from './preload';
import { openOutbox, parseRelaySettings, startRelay } from './peer/pg-boss-outbox';
import { MODES, openProducers, setUpMode, startPullers, transactionStep, type Mode } from './sdk-load';
import { ensureDatabase } from '../src/infra/local-services/embedded-postgres';
import { startStack } from './stack';
import { tableLines } from './table';
import { resetStatements, statementCosts, type StatementCosts } from './statements';
import { countSyscalls, straceAvailable, syscallsPerMessage } from './syscalls';
import { measureDurability, type DurabilityFigures } from './durability';

const env = process.env;
const options = {
  producers: Number(env.BENCH_PRODUCERS ?? 32),
  seconds: Number(env.BENCH_SECONDS ?? 15),
  warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 3),
  drainSeconds: Number(env.BENCH_DRAIN_SECONDS ?? 60),
  relaySettings: parseRelaySettings(env.BENCH_PGBOSS_SETTINGS ?? '2x200,4x100,4x200,8x100,4x400'),
  /** `none`: no txmsg delivery modes (e.g. to measure durability alone). */
  modes: env.BENCH_MODES === 'none' ? [] : ((env.BENCH_MODES?.split(',') as Mode[] | undefined) ?? MODES),
  cpuProfile: env.BENCH_CPU_PROFILE === '1',
  /** Committed and delivered messages put in the service's tables before txmsg is measured. */
  preload: Number(env.BENCH_PRELOAD ?? 0),
  /** The producers' `coalesce.lingerMs`. */
  lingerMs: Number(env.BENCH_LINGER_MS ?? 0),
  /** Seconds of a window at half of the peak rate with strace -f -c on the service (0: none). */
  syscallSeconds: Number(env.BENCH_SYSCALL_SECONDS ?? (straceAvailable() ? 5 : 0)),
  /** Sync against async topics (SPEC §4): `0` leaves them out. */
  durability: env.BENCH_DURABILITY !== '0',
};

const print = (line: string) => process.stdout.write(`${line}\n`);

type Figures = Awaited<ReturnType<typeof deliveredFigures>>;

interface Measured {
  name: string;
  peak: Figures & {
    cpuMsPerMessage: CpuParts;
    /** In the database of the service (or of the outbox). */
    database: StatementCosts;
    /** HTTP requests the producers made, per message (txmsg only). */
    producerRequestsPerMessage?: number;
  };
  halfLoad: Figures;
  /** System calls of the service (or relay) per committed message, traced in a window of its own. */
  syscallsPerMessage?: ReturnType<typeof syscallsPerMessage>;
}

/** Warm-up, the peak with its CPU and statements, then half of the peak rate. */
async function measure(
  name: string,
  pid: number,
  databaseUrl: string,
  arrivals: Map<string, number>,
  step: (committedAt: Map<string, number>) => Promise<void>,
  requests?: () => number,
): Promise<Measured> {
  const run = async (seconds: number, rate?: number) => {
    const committedAt = new Map<string, number>();
    const started = performance.now();
    await produceFor(options.producers, seconds, 1, rate, () => step(committedAt));
    return deliveredFigures(committedAt, arrivals, started, options.drainSeconds);
  };
  await run(options.warmupSeconds);
  const counting = await resetStatements(databaseUrl);
  const requestsBefore = requests?.() ?? 0;
  const cpu = countCpu(pid);
  const peak = await run(options.seconds);
  const cpuMsPerMessage = perMessage(cpu(), peak.delivered);
  const database = await statementCosts(databaseUrl, counting, peak.delivered);
  const producerRequestsPerMessage = requests
    ? Number(((requests() - requestsBefore) / Math.max(1, peak.committed)).toFixed(2))
    : undefined;
  const halfLoad = await run(options.seconds, peak.messagesPerSecond / 2);
  let syscalls: Measured['syscallsPerMessage'];
  if (options.syscallSeconds > 0) {
    // The run drains before it returns, so every traced message's work is inside the window.
    const stop = await countSyscalls(pid);
    const traced = await run(options.syscallSeconds, peak.messagesPerSecond / 2);
    syscalls = syscallsPerMessage(await stop(), traced.committed);
  }
  print(
    `${name}: ${peak.messagesPerSecond} msg/s, p50 ${peak.latencyMs.p50} ms; at half load p50 ${halfLoad.latencyMs.p50} ms; ` +
      `per message: ${database.statementsPerMessage} statements, ${database.writeTransactionsPerMessage} write transactions` +
      (producerRequestsPerMessage === undefined ? '' : `, ${producerRequestsPerMessage} producer requests`) +
      (syscalls
        ? `, ${syscalls.total} syscalls (${syscalls.writes} writes, ${syscalls.reads} reads: ${syscalls.top.join(', ')})`
        : ''),
  );
  return {
    name,
    peak: { ...peak, cpuMsPerMessage, database, producerRequestsPerMessage },
    halfLoad,
    syscallsPerMessage: syscalls,
  };
}

async function main() {
  const consumer = await startConsumer();
  const stack = await startStack({ cpuProfile: options.cpuProfile });
  if (!stack.serverUrl || stack.pid === null) {
    throw new Error('npm run bench starts its own service (TXMSG_BENCH_URL is for bench:lifecycle)');
  }
  const api = client(stack.url, stack.token);
  const run = Date.now().toString(36);
  try {
    // The peer: its best relay setting by delivered msg/s.
    await ensureDatabase(stack.serverUrl('postgres'), 'outbox');
    const outboxUrl = stack.serverUrl('outbox');
    const outbox = await openOutbox(outboxUrl, options.producers);
    const tried: Measured[] = [];
    for (const setting of options.relaySettings) {
      const relay = await startRelay(outboxUrl, consumer.url, setting);
      try {
        tried.push(
          await measure(
            `pg-boss ${setting.workers}x${setting.batchSize}`,
            relay.pid,
            outboxUrl,
            consumer.arrivals,
            (at) => outbox.step(at),
          ),
        );
      } finally {
        await relay.stop();
      }
    }
    await outbox.close();
    const peer = tried.reduce<Measured | null>(
      (best, m) => (best && best.peak.messagesPerSecond >= m.peak.messagesPerSecond ? best : m),
      null,
    );

    let preloadSeconds: number | null = null;
    if (options.preload > 0) {
      preloadSeconds = await preloadHistory(api, stack.databaseUrl as string, run, options.preload);
      print(`preloaded ${options.preload} delivered messages in ${preloadSeconds} s`);
    }

    await ensureDatabase(stack.serverUrl('postgres'), 'producer');
    const producers = await openProducers(
      stack.url,
      stack.token,
      stack.serverUrl('producer'),
      options.producers,
      options.lingerMs,
    );
    const modes: Measured[] = [];
    for (const mode of options.modes) {
      const name = await setUpMode(api, consumer.url, run, mode);
      const pullers = mode === 'pull' ? startPullers(producers.txmsg, name, consumer.arrivals) : null;
      try {
        modes.push(
          await measure(
            `txmsg ${mode}`,
            stack.pid,
            stack.databaseUrl as string,
            consumer.arrivals,
            (at) => transactionStep(producers, name, at),
            producers.requests,
          ),
        );
      } finally {
        await pullers?.stop();
      }
    }
    await producers.close();
    const durability = options.durability
      ? await measureDurability(api, run, options.producers, options.seconds, options.warmupSeconds)
      : [];
    const peakRssMb = stack.peakRssMb();
    report(peer, tried, modes, peakRssMb);
    reportDurability(durability);
    print(
      JSON.stringify({ options, preloadSeconds, peer: tried, txmsg: modes, durability, peakRssMb }, null, 2),
    );
  } finally {
    await api.close();
    consumer.close();
    await stack.stop();
  }
}

function report(peer: Measured | null, tried: Measured[], modes: Measured[], peakRssMb: number | null) {
  const rows = [
    [
      '',
      'msg/s',
      'p50 ms',
      'p99 ms',
      'half-load p50',
      'p99',
      'CPU ms/msg svc',
      'pg',
      'load',
      'syscalls/msg',
      'ratio',
    ],
    ...[...tried, ...modes].map((m) => [
      m === peer ? `${m.name} (best)` : m.name,
      String(m.peak.messagesPerSecond),
      String(m.peak.latencyMs.p50),
      String(m.peak.latencyMs.p99),
      String(m.halfLoad.latencyMs.p50),
      String(m.halfLoad.latencyMs.p99),
      String(m.peak.cpuMsPerMessage.service),
      String(m.peak.cpuMsPerMessage.postgres),
      String(m.peak.cpuMsPerMessage.load),
      m.syscallsPerMessage ? `${m.syscallsPerMessage.total} (${m.syscallsPerMessage.writes} w)` : 'n/a',
      peer ? (m.peak.messagesPerSecond / peer.peak.messagesPerSecond).toFixed(2) : 'n/a',
    ]),
  ];
  print('');
  tableLines(rows).forEach(print);
  print('');
  for (const m of modes) {
    print(
      (peer
        ? `${m.name}: ratio = ${m.peak.messagesPerSecond} ÷ ${peer.peak.messagesPerSecond} (${peer.name}) = ` +
          `${(m.peak.messagesPerSecond / peer.peak.messagesPerSecond).toFixed(2)}; `
        : `${m.name}: no peer measured; `) + `undelivered ${m.peak.undelivered + m.halfLoad.undelivered}`,
    );
  }
  // The last of each (BENCH_MODES=push,push-schema,push,push-schema compares two warm runs).
  const plain = modes.findLast((m) => m.name === 'txmsg push');
  const checked = modes.findLast((m) => m.name === 'txmsg push-schema');
  if (plain && checked) {
    const rate = checked.peak.messagesPerSecond / plain.peak.messagesPerSecond;
    const cpu = checked.peak.cpuMsPerMessage.service / plain.peak.cpuMsPerMessage.service;
    print(
      `topic schema: ${checked.peak.messagesPerSecond} msg/s with it, ${plain.peak.messagesPerSecond} without ` +
        `(${((rate - 1) * 100).toFixed(1)} %); service CPU per message ${((cpu - 1) * 100).toFixed(1)} %`,
    );
  }
  print(`service peak RSS: ${peakRssMb ?? 'n/a'} MB`);
}

function reportDurability(figures: DurabilityFigures[]) {
  if (figures.length === 0) return;
  print('');
  print(`one-message answers by topic durability (${options.producers} producers, no consumer):`);
  tableLines([
    ['', 'msg/s', 'answer p50 ms', 'p99 ms'],
    ...figures.map((f) => [
      `${f.kind} ${f.durability}`,
      String(f.messagesPerSecond),
      String(f.answerMs.p50),
      String(f.answerMs.p99),
    ]),
  ]).forEach(print);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
