// The SDK against a real txmsg process, a real Postgres database of the producer's own, and real
// HTTP: transactions with the barrier (killed producers, failing and slow local transactions),
// retries after time-outs, idempotent side effects, pull consumers.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { expectEventually } from '../../test/support/eventually';
import { useService } from '../../test/support/service-fixture';
import { databaseUrlFor } from '../../test/support/test-env';
import { startInterceptingProxy } from './support/intercepting-proxy';
import {
  BarrierClosedError,
  checkbackHandler,
  createBarrierTable,
  nodeListener,
  pushHandler,
  Txmsg,
  TxmsgError,
  type PushedMessage,
  type WebhookHandler,
} from './sdk-under-test';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function serve(handler: WebhookHandler): Promise<{ url: string; server: Server }> {
  const server = createServer(nodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server };
}

describe('@txmsg/client against a running txmsg', () => {
  const service = useService({ TXMSG_CHECKBACK_POLL_MS: '100' });
  const producerDatabase = `orders_${randomBytes(4).toString('hex')}`;
  let db: Pool;
  let txmsg: Txmsg;
  let producerGroup: string;
  let topic: string;
  const delivered = new Map<string, number>();
  const servers: Server[] = [];

  beforeAll(async () => {
    const admin = new Client({ connectionString: process.env.TXMSG_TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${producerDatabase}`);
    await admin.end();
    db = new Pool({
      connectionString: databaseUrlFor(process.env.TXMSG_TEST_PG_ADMIN_URL as string, producerDatabase),
    });
    await createBarrierTable((sql, params) => db.query(sql, params));
    await db.query(`CREATE TABLE orders (id text PRIMARY KEY, transaction_id uuid NOT NULL)`);

    txmsg = new Txmsg({ url: service.app.url, token: service.env.adminToken, db });
    topic = `orders-${randomBytes(3).toString('hex')}`;
    producerGroup = `orders-svc-${randomBytes(3).toString('hex')}`;
    await txmsg.putTopic(topic);

    const consumer = await serve(
      pushHandler({
        secrets: [(await txmsg.putConsumerGroup(`${topic}-shipping`, pushGroup(''))).secret as string],
        handle: async (message: PushedMessage) =>
          void delivered.set(message.id, (delivered.get(message.id) ?? 0) + 1),
      }),
    );
    servers.push(consumer.server);
    await txmsg.putConsumerGroup(`${topic}-shipping`, pushGroup(consumer.url));

    // The check-back answers from the barrier table (checks start a second after prepare).
    const checkback = await serve(
      checkbackHandler({ secrets: [await producerSecret()], decide: txmsg.decide }),
    );
    servers.push(checkback.server);
    await txmsg.putProducerGroup(producerGroup, {
      checkbackUrl: checkback.url,
      checkImmunitySeconds: 1,
      checkIntervalSeconds: 1,
      maxCheckIntervalSeconds: 1,
      maxChecks: 100,
    });
  });

  afterAll(async () => {
    for (const server of servers) server.close();
    await db?.end();
  });

  const pushGroup = (url: string) => ({
    topic,
    delivery: url ? { type: 'push' as const, url } : { type: 'pull' as const },
    maxRetries: 3,
    retryBackoffSeconds: [1],
  });

  async function producerSecret(): Promise<string> {
    const created = await txmsg.putProducerGroup(producerGroup, { checkbackUrl: 'http://127.0.0.1:9/' });
    return created.secret as string;
  }

  const orders = async () =>
    (await db.query(`SELECT id, transaction_id FROM orders`)).rows as {
      id: string;
      transaction_id: string;
    }[];

  it('commits with the local transaction, and delivers once', async () => {
    const orderId = randomUUID();
    const { transaction, result } = await txmsg.transaction(
      producerGroup,
      [{ topic, body: { orderId } }],
      async (tx) => {
        await tx.query(`INSERT INTO orders (id, transaction_id) VALUES ($1, $2)`, [orderId, tx.id]);
        return orderId;
      },
    );
    expect(result).toBe(orderId);
    expect(transaction.state).toBe('COMMITTED');
    await expectEventually(async () => expect(delivered.get(transaction.messageIds[0])).toBe(1));
    const page = await txmsg.listMessages({ topic, limit: 500 });
    expect(page.items.map((m) => m.id)).toContain(transaction.messageIds[0]);
  });

  it('rolls back when the local transaction throws: no order, nothing delivered', async () => {
    let id = '';
    const failed = await txmsg
      .transaction(producerGroup, [{ topic, body: 'never' }], async (tx) => {
        id = tx.id;
        await tx.query(`INSERT INTO orders (id, transaction_id) VALUES ($1, $2)`, [randomUUID(), tx.id]);
        throw new Error('payment declined');
      })
      .catch((error: Error) => error.message);
    expect(failed).toBe('payment declined');
    const transaction = await txmsg.getTransaction(id);
    expect(transaction.state).toBe('ROLLED_BACK');
    expect(delivered.has(transaction.messageIds[0])).toBe(false);
    expect((await orders()).filter((o) => o.transaction_id === id)).toEqual([]);
  });

  it('a producer killed between its local commit and txmsg commit: the check-back commits, delivered once', async () => {
    const orderId = randomUUID();
    let child: ReturnType<typeof spawn> | undefined;
    let killedAt: string | undefined;
    const proxy = await startInterceptingProxy(service.app.url, ({ method, path }) => {
      if (method === 'POST' && /^\/v1\/transactions\/[^/]+\/commit$/.test(path)) {
        killedAt = path;
        child?.kill('SIGKILL'); // the commit call never reaches txmsg
        return 'never';
      }
      return 'forward';
    });
    try {
      const fixture = join(__dirname, 'fixtures/place-order.js');
      const url = databaseUrlFor(process.env.TXMSG_TEST_PG_ADMIN_URL as string, producerDatabase);
      child = spawn(
        process.execPath,
        [fixture, proxy.url, service.env.adminToken, url, producerGroup, topic, orderId],
        {
          stdio: 'ignore',
        },
      );
      const exit = await new Promise<NodeJS.Signals | null>((resolve) =>
        child?.once('exit', (_code, signal) => resolve(signal)),
      );
      expect(exit).toBe('SIGKILL');
      expect(killedAt).toBeDefined();
      const [order] = (await orders()).filter((o) => o.id === orderId);
      expect(order).toBeDefined(); // the local transaction committed

      await expectEventually(async () => {
        const transaction = await txmsg.getTransaction(order.transaction_id);
        expect(transaction).toMatchObject({ state: 'COMMITTED', resolvedBy: 'checkback' });
        expect(delivered.get(transaction.messageIds[0])).toBe(1);
      }, 20_000);
    } finally {
      await proxy.close();
    }
  });

  it('never contradicts the local transaction, over many interleavings with check-backs', async () => {
    // Local transactions start late, run long, or fail, while check-backs arrive every second from
    // the first second on.
    let closedByCheckback = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const conn = await db.connect();
        // A quarter start well after the first check-back is due (1 s immunity, then every 1 s),
        // so some are certain to meet a barrier the check-back has already closed.
        const startDelay = i % 4 === 0 ? 4000 + Math.random() * 1000 : 0;
        const connection = {
          query: async (sql: string, params?: unknown[]) => {
            if (sql === 'BEGIN' && startDelay > 0) await sleep(startDelay);
            return conn.query(sql, params);
          },
        };
        let id = '';
        try {
          await txmsg.transaction(
            producerGroup,
            [{ topic, body: { i } }],
            async (tx) => {
              id = tx.id;
              await tx.query(`INSERT INTO orders (id, transaction_id) VALUES ($1, $2)`, [`mix-${i}`, tx.id]);
              await sleep(Math.random() * 2500);
              if (i % 3 === 1) throw new Error('declined');
            },
            { connection },
          );
        } catch (error) {
          // declined, or rolled back by a check-back before it began
          if (error instanceof BarrierClosedError) closedByCheckback++;
        } finally {
          conn.release();
        }
        return id;
      }),
    );
    const placed = new Set(
      (await orders()).filter((o) => o.id.startsWith('mix-')).map((o) => o.transaction_id),
    );
    await expectEventually(async () => {
      for (const id of outcomes.filter(Boolean)) {
        const transaction = await txmsg.getTransaction(id);
        expect({ id, state: transaction.state }).toEqual({
          id,
          state: placed.has(id) ? 'COMMITTED' : 'ROLLED_BACK',
        });
        if (placed.has(id)) expect(delivered.get(transaction.messageIds[0])).toBe(1);
      }
    }, 30_000);
    // Some local transactions started after their check-back had answered ROLLBACK: they failed on
    // the barrier, wrote no order, and were rolled back.
    expect(closedByCheckback).toBeGreaterThan(0);
    expect(placed.size).toBeGreaterThan(0);
    expect(placed.size).toBeLessThan(24);
  });

  it('retries a create after a time-out without creating it twice', async () => {
    let prepares = 0;
    const proxy = await startInterceptingProxy(service.app.url, ({ method, path }) =>
      method === 'POST' && path === '/v1/transactions' && ++prepares === 1
        ? { answerAfterMs: 1500 }
        : 'forward',
    );
    // A group of its own whose check-back waits: the retried prepare answers late by design, and a
    // check-back in between would find no barrier row yet and roll the transaction back.
    const patient = `${producerGroup}-patient`;
    await txmsg.putProducerGroup(patient, { checkbackUrl: 'http://127.0.0.1:9/', checkImmunitySeconds: 60 });
    try {
      const slow = new Txmsg({
        url: proxy.url,
        token: service.env.adminToken,
        db,
        retry: { timeoutMs: 500, baseDelayMs: 10 },
      });
      const { transaction } = await slow.transaction(
        patient,
        [{ topic, body: 'once', key: 'retry-once' }],
        async () => undefined,
      );
      expect(prepares).toBeGreaterThanOrEqual(2);
      const { rows } = await service.env.db.query(
        `SELECT count(*)::int AS n FROM messages WHERE key = 'retry-once'`,
      );
      expect(rows[0].n).toBe(1);
      expect(transaction.state).toBe('COMMITTED');
    } finally {
      await proxy.close();
    }
  });

  it('runs an idempotent side effect once across concurrent duplicate deliveries', async () => {
    const group = `${topic}-billing`;
    await txmsg.putConsumerGroup(group, { ...pushGroup(''), dedupe: { by: 'id', windowSeconds: 3600 } });
    let charged = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        txmsg.idempotent(group, 'order-42', async () => {
          charged++;
          await sleep(200);
        }),
      ),
    );
    expect(charged).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled' && r.value.ran)).toHaveLength(1);
    expect(await txmsg.idempotent(group, 'order-42', async () => charged++)).toEqual({ ran: false });
    // A failing run releases its claim: the next one runs.
    await expect(
      txmsg.idempotent(group, 'order-43', async () => Promise.reject(new Error('no'))),
    ).rejects.toThrow('no');
    expect(await txmsg.idempotent(group, 'order-43', async () => 'yes')).toEqual({
      ran: true,
      result: 'yes',
    });
  });

  it('consumes a pull group: acks, nacks and redelivers, keeps long handlers invisible, stops gracefully', async () => {
    const group = `${topic}-pull`;
    await txmsg.putConsumerGroup(group, pushGroup(''));
    const sent = await txmsg.sendBatch(topic, [{ body: 'fast' }, { body: 'fails-once' }, { body: 'slow' }]);
    const attempts = new Map<string, number[]>();
    const consumer = txmsg.consume(
      group,
      async ({ message, attempt }) => {
        attempts.set(message.body as string, [...(attempts.get(message.body as string) ?? []), attempt]);
        if (message.body === 'fails-once' && attempt === 1) throw new Error('try again');
        if (message.body === 'slow') await sleep(3500); // longer than its 2 s invisible time
      },
      { concurrency: 2, waitSeconds: 1, invisibleSeconds: 2 },
    );
    try {
      await expectEventually(async () => {
        expect(attempts.get('fails-once')).toEqual([1, 2]);
        expect(attempts.get('slow')).toEqual([1]);
      }, 20_000);
    } finally {
      await consumer.stop();
    }
    expect(attempts.get('fast')).toEqual([1]);
    expect(attempts.get('slow')).toEqual([1]); // extended, never redelivered
    for (const id of sent.ids) {
      const message = await txmsg.getMessage(id);
      expect(message.deliveries.find((d) => d.consumerGroup === group)?.state).toBe('acked');
    }
  });

  it('keeps a topic to its schema: a bad body is a TxmsgError naming the place, a good one arrives with its version', async () => {
    const checked = `${topic}-checked`;
    await txmsg.putTopic(checked);
    const schema = { type: 'object', properties: { amount: { type: 'integer' } }, required: ['amount'] };
    expect(await txmsg.putTopicSchema(checked, 1, schema)).toMatchObject({
      topic: checked,
      version: 1,
      schema,
    });
    expect(
      (await txmsg.putTopic(checked, { schema: { version: 1, compatibility: 'backward' } })).schema,
    ).toEqual({
      version: 1,
      compatibility: 'backward',
    });
    const listed = await txmsg.listTopicSchemas(checked);
    expect({ current: listed.currentVersion, versions: listed.items.map((item) => item.version) }).toEqual({
      current: 1,
      versions: [1],
    });
    const refused = await txmsg.send(checked, { body: { amount: 'many' } }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TxmsgError);
    expect(refused).toMatchObject({
      status: 422,
      code: 'schema_violation',
      details: [expect.objectContaining({ index: 0, pointer: '/amount', rule: '#/properties/amount/type' })],
    });
    const group = `${checked}-audit`;
    await txmsg.putConsumerGroup(group, { topic: checked, delivery: { type: 'pull' } });
    const sent = await txmsg.send(checked, { body: { amount: 3 } });
    const { messages } = await txmsg.receive(group, { waitSeconds: 5 });
    expect(messages.map(({ message }) => [message.id, message.schemaVersion])).toEqual([[sent.id, 1]]);
  });

  it('is generated from the OpenAPI document the service serves', async () => {
    const served = await (await fetch(`${service.app.url}/docs-json`)).json();
    expect(served).toEqual(JSON.parse(readFileSync(join(__dirname, '../openapi.json'), 'utf8')));
  });
});
