import { Redis } from 'ioredis';
import { startApp, type AppProcess } from '../support/app-process';
import { createGroup, createTopic, producerGroup } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { afterReconcilerRounds } from '../support/reconciler-rounds';
import { HttpClient } from '../support/http-client';
import { startHttpPeer } from '../support/http-peer';
import { createTestEnv, type TestEnv } from '../support/test-env';
import { overlapCounter } from '../support/overlap-counter';
import { readMetrics } from '../support/metrics';

const FAST = { TXMSG_RECONCILE_INTERVAL_MS: '300' };

async function flushPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

describe('delivery reliability (G2, G3, G6)', () => {
  let env: TestEnv;
  const apps: AppProcess[] = [];
  beforeAll(async () => {
    env = await createTestEnv();
  });
  // Each test runs its own instances: workers of an earlier test must not take this one's jobs.
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop()));
  });
  afterAll(() => env?.close());
  const start = async (extra: Record<string, string> = {}) => {
    const app = await startApp(env, { ...FAST, ...extra });
    apps.push(app);
    return { app, http: new HttpClient(app.url, env.adminToken) };
  };

  /** This instance's push hand-overs so far, by path. */
  async function handOvers(http: HttpClient): Promise<{ local: number; queue: number }> {
    const sample = await readMetrics(http);
    const count = (path: string) => sample(`txmsg_push_handovers_total{path="${path}"}`);
    return { local: count('local'), queue: count('queue') };
  }

  it('runs the push of a commit in the committing instance when it pushes, without queue or reconciler', async () => {
    const { http } = await start({ TXMSG_RECONCILE_INTERVAL_MS: '600000' });
    const consumer = await startHttpPeer();
    try {
      const topic = await createTopic(http);
      await createGroup(http, topic, { delivery: { type: 'push', url: consumer.url } });
      const sent = await http.post(`/v1/topics/${topic}/messages`, { body: 'direct' });
      await expectEventually(async () =>
        expect(consumer.received.map((r) => r.body.id)).toEqual([sent.body.id]),
      );
      expect(await handOvers(http)).toEqual({ local: 1, queue: 0 });
    } finally {
      await consumer.close();
    }
  });

  it('queues the push of a commit for the push instances when the committing one does not push', async () => {
    const api = await start({ TXMSG_ROLES: 'api,dispatch', TXMSG_RECONCILE_INTERVAL_MS: '600000' });
    const pusher = await start({ TXMSG_ROLES: 'push' });
    const consumer = await startHttpPeer();
    try {
      const topic = await createTopic(api.http);
      await createGroup(api.http, topic, { delivery: { type: 'push', url: consumer.url } });
      const sent = await api.http.post(`/v1/topics/${topic}/messages`, { body: 'queued' });
      await expectEventually(async () =>
        expect(consumer.received.map((r) => r.body.id)).toEqual([sent.body.id]),
      );
      expect(await handOvers(api.http)).toEqual({ local: 0, queue: 1 });
      expect(await handOvers(pusher.http)).toEqual({ local: 0, queue: 0 });
    } finally {
      await consumer.close();
    }
  });

  it('loses no committed message when Redis loses everything mid-run', async () => {
    const { http } = await start();
    const consumer = await startHttpPeer(() => ({ delayMs: 5 }));
    const redis = new Redis(env.redisUrl);
    try {
      const topic = await createTopic(http);
      await createGroup(http, topic, { delivery: { type: 'push', url: consumer.url, maxConcurrency: 4 } });
      const producer = await producerGroup(http);
      const committed: string[] = [];
      let flushed = false;
      for (let i = 0; i < 60; i++) {
        const tx = await http.post('/v1/transactions', {
          producerGroup: producer,
          messages: [
            { topic, body: { i, part: 1 } },
            { topic, body: { i, part: 2 } },
          ],
        });
        expect((await http.post(`/v1/transactions/${tx.body.id}/commit`)).status).toBe(200);
        committed.push(...tx.body.messageIds);
        if (i === 30) {
          // Everything this service keeps in Redis is gone: queue jobs, delayed jobs, locks. (Only its
          // own keys: a FLUSHALL would also hit the specs running beside this one.)
          await flushPrefix(redis, env.redisPrefix);
          flushed = true;
        }
      }
      expect(flushed).toBe(true);
      await expectEventually(async () => {
        const delivered = new Set(consumer.received.map((r) => r.body.id));
        expect(committed.filter((id) => !delivered.has(id))).toEqual([]);
      }, 20_000);
      const states = await env.db.query(
        `SELECT state, count(*)::int AS n FROM deliveries WHERE message_id = ANY ($1) GROUP BY state`,
        [committed],
      );
      expect(states.rows).toEqual([{ state: 'acked', n: 120 }]);
    } finally {
      redis.disconnect();
      await consumer.close();
    }
  });

  it('runs two instances without delivering a message twice at once, nor again once acked', async () => {
    const first = await start();
    await start();
    const pushes = overlapCounter();
    const consumer = await startHttpPeer(async (request) => {
      await pushes.hold(request.body.id as string, 30);
      return { status: 200 };
    });
    try {
      const topic = await createTopic(first.http);
      await createGroup(first.http, topic, { delivery: { type: 'push', url: consumer.url } });
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) {
        const batch = await first.http.post(`/v1/topics/${topic}/messages/batch`, {
          messages: Array.from({ length: 10 }, (_, n) => ({ body: i * 10 + n })),
        });
        ids.push(...batch.body.ids);
      }
      await expectEventually(
        async () => expect(new Set(consumer.received.map((r) => r.body.id)).size).toBe(100),
        20_000,
      );
      await afterReconcilerRounds(env.db, 3); // rounds on either instance: nothing sent again
      expect(pushes.overlaps).toBe(0);
      expect(consumer.received.map((r) => r.body.id).sort()).toEqual([...ids].sort());
    } finally {
      await consumer.close();
    }
  });

  it('finishes an in-flight push before exiting on SIGTERM', async () => {
    const consumer = await startHttpPeer(() => ({ delayMs: 1000 }));
    try {
      const { app, http } = await start();
      const topic = await createTopic(http);
      await createGroup(http, topic, { delivery: { type: 'push', url: consumer.url } });
      const sent = await http.post(`/v1/topics/${topic}/messages`, { body: 'drain' });
      await expectEventually(async () => expect(consumer.received).toHaveLength(1));

      expect(await app.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      const row = await env.db.query(`SELECT state, attempts FROM deliveries WHERE message_id = $1`, [
        sent.body.id,
      ]);
      expect(row.rows).toEqual([{ state: 'acked', attempts: 1 }]);
    } finally {
      await consumer.close();
    }
  });

  it('finishes deliveries after a push worker dies mid-request (lease expiry)', async () => {
    let answer = () => undefined as void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    // The first request hangs until the test ends: the worker dies while it is in flight.
    const consumer = await startHttpPeer(() => answered.then(() => ({ status: 200 })));
    const { app, http } = await start({ TXMSG_ROLES: 'api,push' });
    const topic = await createTopic(http);
    await createGroup(http, topic, { delivery: { type: 'push', url: consumer.url, timeoutMs: 500 } });
    const sent = await http.post(`/v1/topics/${topic}/messages`, { body: 'survives' });
    await expectEventually(async () => expect(consumer.received).toHaveLength(1));
    await app.stop('SIGKILL');

    consumer.setHandler(() => ({ status: 200 }));
    answer();
    // The lease would run 30 s past the time-out; end it now rather than wait.
    await env.db.query(`UPDATE deliveries SET lease_until = now() WHERE message_id = $1`, [sent.body.id]);
    await start();
    await expectEventually(async () => {
      const row = await env.db.query(`SELECT state, attempts FROM deliveries WHERE message_id = $1`, [
        sent.body.id,
      ]);
      expect(row.rows).toEqual([{ state: 'acked', attempts: 2 }]);
    }, 15_000);
    await consumer.close();
  });
});
