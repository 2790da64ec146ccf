// Durability per topic (SPEC §4): `sync` answers once the commit is on disk, `async` before. When
// every Postgres process dies at once (its unwritten WAL buffers with it), every 2xx on a sync
// topic survives; on an async topic only what was acknowledged within the loss window before the
// crash may be gone; and no consumer ever got a message that the crash took back (G1).
import { Pool } from 'pg';
import { useCrashablePostgres } from '../support/crashable-postgres';
import { createGroup, createTopic, producerGroup } from '../support/delivery-fixture';
import { expectError } from '../support/http-client';
import { useService } from '../support/service-fixture';
import type { Seen } from '../support/delivery-history';
import { expectSettledHistoryHolds } from '../support/history-facts';
import { RecordingPullClient, startRecordingPushConsumer } from '../support/recording-consumer';

/**
 * How long before a crash an async commit may still be lost: the WAL writer writes its buffers
 * every `wal_writer_delay` (200 ms by default) and an async commit reaches the kernel within three
 * of those at worst (Postgres's documentation); a second of margin covers this machine's clocks
 * and a busy WAL writer.
 */
const LOSS_WINDOW_MS = 3 * 200 + 1000;

describe('topic durability: the API', () => {
  const service = useService();

  it('is sync unless a PUT says async, is shown on the topic, and refuses anything else', async () => {
    const topic = await createTopic(service.http);
    expect((await service.http.get(`/v1/topics/${topic}`)).body.durability).toBe('sync');
    const made = await service.http.put(`/v1/topics/${topic}`, { durability: 'async' });
    expect(made.status).toBe(200);
    expect(made.body.durability).toBe('async');
    expect((await service.http.get(`/v1/topics/${topic}`)).body.durability).toBe('async');
    expectError(
      await service.http.put(`/v1/topics/${topic}`, { durability: 'eventually' }),
      400,
      'validation_failed',
    );
    expect((await service.http.get(`/v1/topics/${topic}`)).body.durability).toBe('async');
    // A PUT replaces: one that names no durability makes the topic sync again (the safe side).
    expect((await service.http.put(`/v1/topics/${topic}`, { description: 'x' })).body.durability).toBe(
      'sync',
    );

    const sent = await service.http.post(`/v1/topics/${topic}/messages`, { body: 1 });
    expect((await service.http.get(`/v1/messages/${sent.body.id}`)).body.durability).toBe('sync');
  });
});

describe('topic durability: every Postgres process killed mid-traffic', () => {
  const crashable = useCrashablePostgres('txmsg_durability', {
    TXMSG_RECONCILE_INTERVAL_MS: '500',
    // A push out during the crash is never recorded; its lease (time-out + margin) must end
    // well within the settle wait for it to go again.
    TXMSG_PUSH_LEASE_MARGIN_SECONDS: '10',
  });

  it('keeps every sync 2xx, loses async ones only inside the loss window, and delivers nothing it lost', async () => {
    const { http } = crashable;
    const ledger = await createTopic(http);
    const logs = await createTopic(http);
    expect((await http.put(`/v1/topics/${logs}`, { durability: 'async' })).body.durability).toBe('async');
    const group = await producerGroup(http);
    // Pushes on the async topic run through the crash; both topics are also pulled after it.
    const history: Seen[] = [];
    const consumer = await startRecordingPushConsumer(history, () => ({ status: 200 }));
    const pushed = await createGroup(http, logs, {
      delivery: { type: 'push', url: consumer.url, timeoutMs: 2000 },
      retryBackoffSeconds: [1],
    });
    const logReaders = await createGroup(http, logs, { delivery: { type: 'pull' } });
    const ledgerReaders = await createGroup(http, ledger, { delivery: { type: 'pull' } });

    /** Every message the service answered 2xx for, by topic, with when the answer came. */
    const answered: { id: string; topic: string; at: number }[] = [];
    let failures = 0;
    const until = Date.now() + 5000;
    const sender = (topic: string) => async () => {
      while (Date.now() < until) {
        const sent = await http.post(`/v1/topics/${topic}/messages`, { body: { topic } });
        if (sent.status === 201) answered.push({ id: sent.body.id, topic, at: Date.now() });
        else failures++;
      }
    };
    const transactor = (topic: string) => async () => {
      while (Date.now() < until) {
        const tx = await http.post('/v1/transactions', {
          producerGroup: group,
          messages: [{ topic, body: 2 }],
        });
        if (tx.status !== 201) {
          failures++;
          continue;
        }
        const commit = await http.post(`/v1/transactions/${tx.body.id}/commit`);
        if (commit.status === 200) answered.push({ id: tx.body.messageIds[0], topic, at: Date.now() });
        else failures++;
      }
    };
    let crashAt = 0;
    const crash = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      crashAt = Date.now();
      await crashable.crash('crash');
      // A push's 2xx given before Postgres was back may never be recorded (nothing was there to
      // record it, or its async record was lost): the message goes again, at least once.
      history.push({ kind: 'crash', start: crashAt - LOSS_WINDOW_MS, end: Date.now() });
    })();
    await Promise.all([
      ...Array.from({ length: 6 }, sender(ledger)),
      ...Array.from({ length: 6 }, sender(logs)),
      ...Array.from({ length: 2 }, transactor(ledger)),
      ...Array.from({ length: 2 }, transactor(logs)),
      crash,
    ]);
    expect(failures).toBeGreaterThan(0); // the crash landed among requests in flight

    const pool = new Pool({ connectionString: crashable.databaseUrl, max: 2 });
    try {
      const { rows } = await pool.query<{ id: string }>(
        `SELECT id FROM messages WHERE id = ANY ($1) AND state = 'COMMITTED'`,
        [answered.map((a) => a.id)],
      );
      const kept = new Set(rows.map((row) => row.id));
      const lost = answered.filter((a) => !kept.has(a.id));
      const onSync = answered.filter((a) => a.topic === ledger);
      const onAsync = answered.filter((a) => a.topic === logs);
      process.stdout.write(
        `durability: ${onSync.length} sync and ${onAsync.length} async 2xx; lost ${lost.length}, ` +
          `answered ${lost.map((a) => a.at - crashAt).join(', ') || '-'} ms from the crash\n`,
      );
      expect(onSync.length).toBeGreaterThan(0);
      expect(onAsync.length).toBeGreaterThan(0);
      expect(lost.filter((a) => a.topic === ledger)).toEqual([]);
      expect(lost.filter((a) => a.at < crashAt - LOSS_WINDOW_MS)).toEqual([]);

      // Drain the pull groups; then the whole history — pushes through the crash included — holds:
      // nothing arrived that Postgres does not hold committed (G1), every kept message arrived (G2).
      const puller = (name: string) => new RecordingPullClient(history, name);
      for (const name of [logReaders.name, ledgerReaders.name]) {
        // Every delivery Postgres holds: the kept 2xx, and commits whose answer the crash cut off.
        const { rows: counted } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM deliveries WHERE consumer_group = $1`,
          [name],
        );
        const expected = counted[0].n;
        const reader = puller(name);
        for (let acked = 0; acked < expected;) {
          const { ack } = await reader.receiveAndAck(http, { maxMessages: 100 });
          acked += ack?.body.acked ?? 0;
        }
      }
      await expectSettledHistoryHolds(
        pool,
        history,
        [
          { name: pushed.name, ordered: false },
          { name: logReaders.name, ordered: false },
          { name: ledgerReaders.name, ordered: false },
        ],
        answered.filter((a) => kept.has(a.id)).map((a) => a.id),
      );
    } finally {
      await pool.end();
      await consumer.close();
    }
  }, 90_000);
});
