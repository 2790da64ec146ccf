// The load: producers that prepare and commit over REST, and a push consumer that acks with 200
// and records when each message arrived. A phase reports delivered messages/s and commit→push
// latency.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Pool } from 'undici';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PhaseOptions {
  drainSeconds: number;
  /** Prepares carry an Idempotency-Key, as `@txmsg/client` sends them. */
  idempotencyKeys: boolean;
}

/** Push endpoint: records when each message arrived; answers 200 (the ack). */
export async function startConsumer() {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    const id = req.headers['webhook-id'] as string;
    if (req.headers['txmsg-batch-size'] === undefined) {
      req.resume();
      req.on('end', () => {
        if (!arrivals.has(id)) arrivals.set(id, performance.now());
        res.writeHead(200).end();
      });
      return;
    }
    // A batched push: `{messages: [...]}`, every message acked by the 200.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const now = performance.now();
      const { messages } = JSON.parse(Buffer.concat(chunks).toString()) as { messages: { id: string }[] };
      for (const m of messages) if (!arrivals.has(m.id)) arrivals.set(m.id, now);
      res.writeHead(200).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/push`, arrivals, close: () => server.close() };
}

export function client(url: string, token: string) {
  const pool = new Pool(url, { connections: 128, pipelining: 1 });
  return {
    async call<T = Record<string, unknown>>(
      method: 'POST' | 'PUT' | 'GET',
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<T> {
      const response = await pool.request({
        method,
        path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
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

export type Api = ReturnType<typeof client>;

export async function setUp(api: Api, consumerUrl: string, run: string) {
  await api.call('PUT', `/v1/topics/bench-${run}`, {});
  await api.call('PUT', `/v1/producer-groups/bench-${run}`, { checkbackUrl: consumerUrl });
  await api.call('PUT', `/v1/consumer-groups/bench-${run}`, {
    topic: `bench-${run}`,
    delivery: { type: 'push', url: consumerUrl, maxConcurrency: 256 },
  });
}

/** One producer: prepare then commit, again and again. */
async function produce(
  api: Api,
  run: string,
  commitSentAt: Map<string, number>,
  requestMs: { prepare: number[]; commit: number[] },
  batch: number,
  idempotencyKeys: boolean,
) {
  const prepareSentAt = performance.now();
  const tx = await api.call<{ id: string; messageIds: string[] }>(
    'POST',
    '/v1/transactions',
    {
      producerGroup: `bench-${run}`,
      messages: Array.from({ length: batch }, (_, i) => ({
        topic: `bench-${run}`,
        key: `order-${i}`,
        body: { orderId: i, amount: 42, note: 'bench' },
      })),
    },
    idempotencyKeys ? { 'idempotency-key': randomUUID() } : {},
  );
  const sentAt = performance.now();
  requestMs.prepare.push(sentAt - prepareSentAt);
  for (const id of tx.messageIds) commitSentAt.set(id, sentAt);
  await api.call('POST', `/v1/transactions/${tx.id}/commit`);
  requestMs.commit.push(performance.now() - sentAt);
}

/**
 * `producers` loops running `step` until `seconds` have passed; with `ratePerSecond`, each loop is
 * paced so that together they start that many messages a second (`messagesPerStep` each), spread
 * over one interval so their requests do not arrive in bursts.
 */
export async function produceFor(
  producers: number,
  seconds: number,
  messagesPerStep: number,
  ratePerSecond: number | undefined,
  step: () => Promise<void>,
): Promise<void> {
  const until = performance.now() + seconds * 1000;
  const intervalMs = ratePerSecond ? (1000 * producers * messagesPerStep) / ratePerSecond : 0;
  await Promise.all(
    Array.from({ length: producers }, async (_, i) => {
      let next = performance.now() + (i * intervalMs) / producers - intervalMs;
      while (performance.now() < until) {
        if (intervalMs > 0) {
          next += intervalMs;
          const wait = next - performance.now();
          if (wait > 0) await sleep(wait);
        }
        await step();
      }
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function phase(
  options: PhaseOptions,
  api: Api,
  consumer: Awaited<ReturnType<typeof startConsumer>>,
  run: string,
  producers: number,
  batch: number,
  seconds: number,
  ratePerSecond?: number,
) {
  const commitSentAt = new Map<string, number>();
  const requestMs = { prepare: [] as number[], commit: [] as number[] };
  const started = performance.now();
  await produceFor(producers, seconds, batch, ratePerSecond, () =>
    produce(api, run, commitSentAt, requestMs, batch, options.idempotencyKeys),
  );
  return {
    producers,
    messagesPerTransaction: batch,
    targetRate: ratePerSecond ?? null,
    ...(await deliveredFigures(commitSentAt, consumer.arrivals, started, options.drainSeconds)),
    /** How long the API took to answer, p50/p99 (a commit's answer comes before its push). */
    requestMs: {
      prepare: p50p99(requestMs.prepare),
      commit: p50p99(requestMs.commit),
    },
  };
}

/**
 * Waits until every committed message arrived (at most `drainSeconds`: deliveries trail commits
 * when producers outrun the consumer side, and the next phase must start on an empty queue), then
 * counts delivered messages only: rate, and commit→consumer latency.
 */
export async function deliveredFigures(
  committedAt: Map<string, number>,
  arrivals: Map<string, number>,
  started: number,
  drainSeconds: number,
) {
  const produced = performance.now();
  while (performance.now() - produced < drainSeconds * 1000) {
    if ([...committedAt.keys()].every((id) => arrivals.has(id))) break;
    await sleep(50);
  }
  const latencies: number[] = [];
  let lastArrival = started;
  let delivered = 0;
  for (const [id, sentAt] of committedAt) {
    const arrived = arrivals.get(id);
    if (arrived === undefined) continue;
    delivered++;
    latencies.push(arrived - sentAt);
    lastArrival = Math.max(lastArrival, arrived);
  }
  latencies.sort((a, b) => a - b);
  const elapsed = (lastArrival - started) / 1000;
  return {
    committed: committedAt.size,
    delivered,
    undelivered: committedAt.size - delivered,
    seconds: Number(elapsed.toFixed(2)),
    messagesPerSecond: Math.round(delivered / elapsed),
    latencyMs: {
      p50: Number(percentile(latencies, 50).toFixed(1)),
      p99: Number(percentile(latencies, 99).toFixed(1)),
      max: Number((latencies[latencies.length - 1] ?? NaN).toFixed(1)),
    },
  };
}

export function p50p99(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: Number(percentile(sorted, 50).toFixed(1)), p99: Number(percentile(sorted, 99).toFixed(1)) };
}

/** How long the admin overview takes to answer, p50 and slowest of `times` calls one after another. */
export async function overviewAnswerMs(api: Api, times = 20): Promise<{ p50: number; max: number }> {
  const took: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await api.call('GET', '/v1/admin/overview');
    took.push(performance.now() - started);
  }
  took.sort((a, b) => a - b);
  const round = (ms: number) => Number(ms.toFixed(1));
  return { p50: round(took[Math.floor(times / 2)]), max: round(took[times - 1]) };
}
