// `npm run bench`: end-to-end throughput and latency of prepare → commit → push delivery → ack.
// Against TXMSG_BENCH_URL (+ TXMSG_BENCH_TOKEN, an admin token) or, without it, a service it
// starts itself on embedded defaults (data under .txmsg-bench/). Prints a table and JSON.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';

interface Options {
  producers: number;
  seconds: number;
  /** Each size is benchmarked in turn: one message per transaction, then batched transactions. */
  messagesPerTransaction: number[];
  warmupSeconds: number;
  drainSeconds: number;
}

const options: Options = {
  producers: Number(process.env.BENCH_PRODUCERS ?? 64),
  seconds: Number(process.env.BENCH_SECONDS ?? 15),
  messagesPerTransaction: (process.env.BENCH_MESSAGES_PER_TX ?? '1,50').split(',').map(Number),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  drainSeconds: Number(process.env.BENCH_DRAIN_SECONDS ?? 120),
};

const print = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Push endpoint: records when each message arrived; answers 200 (the ack). */
async function startConsumer() {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const id = req.headers['webhook-id'] as string;
    req.resume();
    req.on('end', () => {
      if (!arrivals.has(id)) arrivals.set(id, performance.now());
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/push`, arrivals, close: () => server.close() };
}

async function startService(): Promise<{ url: string; token: string; child?: ChildProcess }> {
  if (process.env.TXMSG_BENCH_URL) {
    const token = process.env.TXMSG_BENCH_TOKEN;
    if (!token) throw new Error('TXMSG_BENCH_TOKEN (an admin token) is required with TXMSG_BENCH_URL');
    return { url: process.env.TXMSG_BENCH_URL, token };
  }
  const main = join(__dirname, '../src/main.js');
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      PORT: process.env.PORT ?? '3900',
      HOST: '127.0.0.1',
      TXMSG_DATA_DIR: resolve('.txmsg-bench'),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let token = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`service exited with ${code} before listening`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"adminToken"')) token = (JSON.parse(line) as { adminToken: string }).adminToken;
        if (line.includes('"msg":"listening"')) resolveUrl((JSON.parse(line) as { url: string }).url);
      }
    });
  });
  child.stdout?.resume();
  return { url, token: process.env.TXMSG_ADMIN_TOKEN ?? token, child };
}

function client(url: string, token: string) {
  const pool = new Pool(url, { connections: 128, pipelining: 1 });
  return {
    async call<T = Record<string, unknown>>(
      method: 'POST' | 'PUT' | 'GET',
      path: string,
      body?: unknown,
    ): Promise<T> {
      const response = await pool.request({
        method,
        path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      if (response.statusCode >= 300) throw new Error(`${method} ${path} → ${response.statusCode}: ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    close: () => pool.close(),
  };
}

type Api = ReturnType<typeof client>;

async function setUp(api: Api, consumerUrl: string, run: string) {
  await api.call('PUT', `/v1/topics/bench-${run}`, {});
  await api.call('PUT', `/v1/producer-groups/bench-${run}`, { checkbackUrl: consumerUrl });
  await api.call('PUT', `/v1/consumer-groups/bench-${run}`, {
    topic: `bench-${run}`,
    delivery: { type: 'push', url: consumerUrl, maxConcurrency: 256 },
  });
}

/** One producer: prepare then commit, again and again; `pace` spaces transactions out when set. */
async function produce(
  api: Api,
  run: string,
  until: number,
  commitSentAt: Map<string, number>,
  batch: number,
  pace?: { intervalMs: number; offsetMs: number },
) {
  // Paced producers start spread over one interval, so their requests do not arrive in bursts.
  let next = performance.now() + (pace?.offsetMs ?? 0) - (pace?.intervalMs ?? 0);
  while (performance.now() < until) {
    if (pace) {
      next += pace.intervalMs;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
    const tx = await api.call<{ id: string; messageIds: string[] }>('POST', '/v1/transactions', {
      producerGroup: `bench-${run}`,
      messages: Array.from({ length: batch }, (_, i) => ({
        topic: `bench-${run}`,
        key: `order-${i}`,
        body: { orderId: i, amount: 42, note: 'bench' },
      })),
    });
    const sentAt = performance.now();
    for (const id of tx.messageIds) commitSentAt.set(id, sentAt);
    await api.call('POST', `/v1/transactions/${tx.id}/commit`);
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function phase(
  api: Api,
  consumer: Awaited<ReturnType<typeof startConsumer>>,
  run: string,
  producers: number,
  batch: number,
  seconds: number,
  ratePerSecond?: number,
) {
  const commitSentAt = new Map<string, number>();
  const started = performance.now();
  const until = started + seconds * 1000;
  const intervalMs = ratePerSecond ? (1000 * producers * batch) / ratePerSecond : 0;
  await Promise.all(
    Array.from({ length: producers }, (_, i) =>
      produce(
        api,
        run,
        until,
        commitSentAt,
        batch,
        ratePerSecond ? { intervalMs, offsetMs: (i * intervalMs) / producers } : undefined,
      ),
    ),
  );
  const produced = performance.now();
  // Deliveries trail commits when producers outrun the consumer side: wait for the backlog to
  // drain (at most BENCH_DRAIN_SECONDS), so throughput counts delivered messages only and the next
  // phase starts on an empty queue.
  while (performance.now() - produced < options.drainSeconds * 1000) {
    if ([...commitSentAt.keys()].every((id) => consumer.arrivals.has(id))) break;
    await sleep(50);
  }
  const latencies: number[] = [];
  let lastArrival = started;
  let delivered = 0;
  for (const [id, sentAt] of commitSentAt) {
    const arrived = consumer.arrivals.get(id);
    if (arrived === undefined) continue;
    delivered++;
    latencies.push(arrived - sentAt);
    lastArrival = Math.max(lastArrival, arrived);
  }
  latencies.sort((a, b) => a - b);
  const elapsed = (lastArrival - started) / 1000;
  return {
    producers,
    messagesPerTransaction: batch,
    targetRate: ratePerSecond ?? null,
    committed: commitSentAt.size,
    delivered,
    undelivered: commitSentAt.size - delivered,
    seconds: Number(elapsed.toFixed(2)),
    messagesPerSecond: Math.round(delivered / elapsed),
    latencyMs: {
      p50: Number(percentile(latencies, 50).toFixed(1)),
      p99: Number(percentile(latencies, 99).toFixed(1)),
      max: Number((latencies[latencies.length - 1] ?? NaN).toFixed(1)),
    },
  };
}

async function main() {
  const consumer = await startConsumer();
  const service = await startService();
  const api = client(service.url, service.token);
  const run = Date.now().toString(36);
  try {
    await setUp(api, consumer.url, run);
    const runs = [];
    for (const batch of options.messagesPerTransaction) {
      await phase(api, consumer, run, options.producers, batch, options.warmupSeconds);
      const peak = await phase(api, consumer, run, options.producers, batch, options.seconds);
      const half = await phase(
        api,
        consumer,
        run,
        options.producers,
        batch,
        options.seconds,
        peak.messagesPerSecond / 2,
      );
      runs.push({ messagesPerTransaction: batch, peak, halfLoad: half });
    }
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
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    for (const row of rows) print(row.map((cell, i) => cell.padStart(widths[i])).join('  '));
    print(JSON.stringify({ options, runs }, null, 2));
  } finally {
    await api.close();
    consumer.close();
    if (service.child) {
      service.child.kill('SIGTERM');
      await new Promise((r) => service.child?.once('exit', r));
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
