// txmsg driven as users drive it: `@txmsg/client` producers, each `transaction()` inserting its
// `orders` row in a producer database on the same Postgres server (with the SDK's barrier row),
// and one of three ways to consume: a push per message, batched pushes, or pull (receive and ack
// up to 100 at a time). `push-schema` is `push` on a topic whose bodies are checked against a
// JSON Schema at the door, to show what the check costs.
import { createBarrierTable, Txmsg } from '@txmsg/client';
import { Pool } from 'pg';
import type { Api } from './load';

export type Mode = 'push' | 'push-schema' | 'push-batch' | 'pull';

export const MODES: Mode[] = ['push', 'push-schema', 'push-batch', 'pull'];

/** What the bench's bodies look like, as a topic schema would pin them down. */
const ORDER_SCHEMA = {
  type: 'object',
  properties: {
    orderId: { type: 'integer', minimum: 1 },
    amount: { type: 'integer', minimum: 0 },
    note: { type: 'string', maxLength: 200 },
  },
  required: ['orderId', 'amount'],
  additionalProperties: false,
};

/** Pull consumers of the group (`BENCH_PULL_CONSUMERS`): fewer take more per receive. */
const PULL_CONSUMERS = Number(process.env.BENCH_PULL_CONSUMERS ?? 1);

export interface Producers {
  txmsg: Txmsg;
  pool: Pool;
  /** HTTP requests the SDK has made so far (its calls coalesce into fewer). */
  requests(): number;
  close(): Promise<void>;
}

export async function openProducers(
  url: string,
  token: string,
  databaseUrl: string,
  producers: number,
  /** How long a call waits for company before its request goes (`coalesce.lingerMs`). */
  lingerMs: number,
): Promise<Producers> {
  const pool = new Pool({ connectionString: databaseUrl, max: producers });
  await createBarrierTable((sql, params) => pool.query(sql, params));
  await pool.query(
    'CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, amount int NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  );
  let requests = 0;
  const counted: typeof fetch = (input, init) => {
    requests++;
    return fetch(input, init);
  };
  const txmsg = new Txmsg({ url, token, db: pool, fetch: counted, coalesce: { lingerMs } });
  return { txmsg, pool, requests: () => requests, close: () => pool.end() };
}

/** A topic, producer group and consumer group for `mode`; returns the names. */
export async function setUpMode(api: Api, consumerUrl: string, run: string, mode: Mode) {
  const name = `${mode}-${run}`;
  await api.call('PUT', `/v1/topics/${name}`, {});
  if (mode === 'push-schema') {
    await api.call('PUT', `/v1/topics/${name}/schemas/1`, { schema: ORDER_SCHEMA });
    await api.call('PUT', `/v1/topics/${name}`, { schema: { version: 1 } });
  }
  await api.call('PUT', `/v1/producer-groups/${name}`, { checkbackUrl: consumerUrl });
  const delivery =
    mode === 'pull'
      ? { type: 'pull' }
      : {
          type: 'push',
          url: consumerUrl,
          maxConcurrency: 256,
          ...(mode === 'push-batch' ? { batch: { maxMessages: 100, maxWaitMs: 5 } } : {}),
        };
  await api.call('PUT', `/v1/consumer-groups/${name}`, { topic: name, delivery });
  return name;
}

/** One producer step: a transaction with one message and its `orders` row. */
export async function transactionStep(
  producers: Producers,
  name: string,
  committedAt: Map<string, number>,
): Promise<void> {
  await producers.txmsg.transaction(
    name,
    [{ topic: name, key: 'order', body: { orderId: 1, amount: 42, note: 'bench' } }],
    async ({ query, messageIds }) => {
      await query('INSERT INTO orders (amount) VALUES ($1)', [42]);
      const now = performance.now();
      for (const id of messageIds) committedAt.set(id, now);
    },
  );
}

/** Pull consumers for the group until stopped: receive up to 100, record arrivals, ack them all. */
export function startPullers(txmsg: Txmsg, group: string, arrivals: Map<string, number>) {
  let running = true;
  const loops = Array.from({ length: PULL_CONSUMERS }, async () => {
    while (running) {
      const received = await txmsg.receive(group, { maxMessages: 100, waitSeconds: 1 });
      if (received.messages.length === 0) continue;
      const now = performance.now();
      for (const m of received.messages) if (!arrivals.has(m.message.id)) arrivals.set(m.message.id, now);
      await txmsg.ack(
        group,
        received.messages.map((m) => m.receiptHandle),
      );
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
