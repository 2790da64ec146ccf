// The migration to time-partitioned storage, from a database that the earlier migrations created
// and a fixture filled (every state of every table): every row is still there, byte for byte,
// every lookup the API makes still finds it, and new rows go into windows of their own.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { TimePartitions1795700000000 } from '../../migrations/1795700000000-TimePartitions';
import {
  createWindowsAhead,
  PARTITIONED_TABLES,
  type InTransaction,
} from '../../src/infra/database/partitions';
import { databaseUrlFor } from '../support/test-env';

describe('migration to time-partitioned storage (medium: a filled database)', () => {
  let admin: Client;
  let db: Client;
  const database = `txmsg_mig_${randomBytes(4).toString('hex')}`;
  const sql = async <T = any>(text: string, params: unknown[] = []) =>
    (await db.query(text, params)).rows as T[];
  const runner = { query: (text: string, params?: unknown[]) => sql(text, params) } as unknown as QueryRunner;
  const inTransaction: InTransaction = async (work) => {
    await sql('BEGIN');
    try {
      const result = await work((text, params) => sql(text, params));
      await sql('COMMIT');
      return result;
    } catch (error) {
      await sql('ROLLBACK');
      throw error;
    }
  };

  beforeAll(async () => {
    const adminUrl = process.env.TXMSG_TEST_PG_ADMIN_URL as string;
    admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    db = new Client({ connectionString: databaseUrlFor(adminUrl, database) });
    await db.connect();
    const earlier = MIGRATIONS.slice(0, MIGRATIONS.indexOf(TimePartitions1795700000000));
    expect(earlier.length).toBe(4); // the migrations that came before partitioning
    for (const Migration of earlier) await new Migration().up(runner);
    await fill();
  });

  afterAll(async () => {
    await db?.end();
    await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin?.end();
  });

  /** Every state of every table: 200 transactions, 400 messages, their deliveries, attempts, trace and checks. */
  async function fill(): Promise<void> {
    await sql(`INSERT INTO topics (name) VALUES ('orders')`);
    await sql(`INSERT INTO producer_groups (name, checkback_url, checkback_timeout_ms, check_immunity_seconds,
                 check_interval_seconds, max_check_interval_seconds, max_checks, secret)
               VALUES ('pg', 'http://127.0.0.1:9/', 3000, 6, 30, 600, 15, 'whsec_x')`);
    for (const group of ['push-cg', 'pull-cg']) {
      await sql(
        `INSERT INTO consumer_groups (name, topic, mode, delivery_type, max_retries, retry_backoff_seconds, secret, start_seq)
         VALUES ($1, 'orders', 'clustering', $2, 16, '{10}', 'whsec_x', 0)`,
        [group, group.split('-')[0]],
      );
    }
    const states = `(ARRAY['PREPARED', 'COMMITTED', 'ROLLED_BACK', 'STUCK'])[1 + i % 4]`;
    await sql(`INSERT INTO transactions (id, producer_group, state, checks, created_at, resolved_at)
               SELECT txmsg_uuid_v7(), 'pg', ${states}, i % 3, now() - make_interval(mins => i),
                      CASE WHEN i % 4 IN (1, 2) THEN now() - make_interval(mins => i) END
                 FROM generate_series(1, 200) AS i`);
    await sql(`INSERT INTO check_attempts (transaction_id, producer_group, attempt, at, outcome, latency_ms)
               SELECT id, 'pg', 1, created_at, 'UNKNOWN', 5 FROM transactions`);
    await sql(`INSERT INTO messages (id, topic, transaction_id, state, body, key, tag, headers, created_at, published_at, commit_seq)
               SELECT txmsg_uuid_v7(), 'orders', t.id,
                      CASE t.state WHEN 'STUCK' THEN 'PREPARED' ELSE t.state END, json_build_object('n', n),
                      'k' || n, 'tag' || (n % 3), '{"h":"v"}', t.created_at,
                      CASE WHEN t.state = 'COMMITTED' THEN t.resolved_at END,
                      CASE WHEN t.state = 'COMMITTED' THEN nextval('message_commit_seq') END
                 FROM transactions t CROSS JOIN generate_series(1, 2) AS n`);
    const deliveryStates = `(ARRAY['pending', 'inflight', 'retrying', 'acked', 'dead'])[1 + (m.commit_seq % 5)::int]`;
    await sql(`INSERT INTO deliveries (id, message_id, consumer_group, state, attempts, commit_seq, available_at,
                                      lease_until, receipt, acked_at, dead_at)
               SELECT txmsg_uuid_v7(), m.id, g.name, s.state, 1, m.commit_seq, m.published_at,
                      CASE WHEN s.state = 'inflight' THEN now() + interval '1 minute' END,
                      CASE WHEN s.state = 'inflight' THEN 'rh_' || md5(m.id::text || g.name) END,
                      CASE WHEN s.state = 'acked' THEN now() END, CASE WHEN s.state = 'dead' THEN now() END
                 FROM messages m CROSS JOIN (VALUES ('push-cg'), ('pull-cg')) AS g (name)
                 CROSS JOIN LATERAL (SELECT ${deliveryStates} AS state) AS s
                WHERE m.state = 'COMMITTED'`);
    await sql(`INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, http_status, latency_ms)
               SELECT id, 1, now(), 'failed', 500, 7 FROM deliveries`);
    await sql(`INSERT INTO trace_events (message_id, type, consumer_group, detail)
               SELECT message_id, 'retried', consumer_group, '{"a":1}' FROM deliveries`);
  }

  /** Each table's rows as text, in id order: equal before and after means nothing moved or changed. */
  const contents = async () => {
    const result: Record<string, { rows: number; digest: string }> = {};
    for (const { table } of PARTITIONED_TABLES) {
      const [row] = await sql(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${table} t`,
      );
      result[table] = row;
    }
    return result;
  };

  it('keeps every row, serves every lookup, and puts new rows in windows of their own', async () => {
    const before = await contents();
    expect(before.deliveries.rows).toBe(200); // 100 committed messages × 2 groups
    const maxAttemptId = (await sql(`SELECT max(id)::int AS n FROM delivery_attempts`))[0].n;

    await sql('BEGIN');
    await new TimePartitions1795700000000().up(runner);
    await sql('COMMIT');
    await createWindowsAhead(inTransaction, { widthMs: 3_600_000, aheadMs: 7_200_000 });

    expect(await contents()).toEqual(before);
    const kinds = await sql(
      `SELECT relname AS name, relkind AS kind FROM pg_class WHERE relname = ANY ($1) ORDER BY relname`,
      [PARTITIONED_TABLES.map(({ table }) => table)],
    );
    expect(kinds.map((k) => k.kind)).toEqual(PARTITIONED_TABLES.map(() => 'p'));

    // Lookups as the API makes them.
    const [inflight] = await sql(
      `SELECT id, message_id, receipt FROM deliveries WHERE state = 'inflight' LIMIT 1`,
    );
    expect(
      await sql(`SELECT id FROM deliveries WHERE consumer_group = $1 AND receipt = $2`, [
        (await sql(`SELECT consumer_group FROM deliveries WHERE id = $1`, [inflight.id]))[0].consumer_group,
        inflight.receipt,
      ]),
    ).toEqual([{ id: inflight.id }]);
    expect(await sql(`SELECT id FROM messages WHERE id = $1`, [inflight.message_id])).toHaveLength(1);
    expect(await sql(`SELECT 1 FROM trace_events WHERE message_id = $1`, [inflight.message_id])).toHaveLength(
      2,
    );
    expect(await sql(`SELECT 1 FROM delivery_attempts WHERE delivery_id = $1`, [inflight.id])).toHaveLength(
      1,
    );
    const [stuck] = await sql(`SELECT id FROM transactions WHERE state = 'STUCK' LIMIT 1`);
    expect(await sql(`SELECT 1 FROM check_attempts WHERE transaction_id = $1`, [stuck.id])).toHaveLength(1);
    expect(await sql(`SELECT 1 FROM messages WHERE transaction_id = $1`, [stuck.id])).toHaveLength(2);
    const dead = await sql(
      `SELECT id FROM deliveries WHERE consumer_group = 'push-cg' AND state = 'dead' ORDER BY dead_at, id`,
    );
    expect(dead.length).toBeGreaterThan(0);

    // A delivery made before partitioning keeps its dedupe key: creating it again adds nothing.
    const again = await sql(
      `INSERT INTO deliveries (id, message_id, consumer_group, state, commit_seq, available_at)
       VALUES (txmsg_delivery_id($1, 'push-cg', ''), $1, 'push-cg', 'pending', 1, now()) ON CONFLICT DO NOTHING RETURNING id`,
      [inflight.message_id],
    );
    expect(again).toEqual([]);

    // New rows go into the windows made after the migration; sequences carry on.
    const [fresh] = await sql(
      `INSERT INTO messages (id, topic, state, body) VALUES (txmsg_uuid_v7(), 'orders', 'PREPARED', '1')
       RETURNING tableoid::regclass::text AS partition`,
    );
    expect(fresh.partition).toMatch(/^messages_p[1-9][0-9]+$/);
    const [attempt] = await sql(
      `INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome) VALUES (txmsg_uuid_v7(), 1, now(), 'acked') RETURNING id::int AS id`,
    );
    expect(attempt.id).toBeGreaterThan(maxAttemptId);
    // What existed lives in the first window.
    const [legacy] = await sql(`SELECT tableoid::regclass::text AS partition FROM messages WHERE id = $1`, [
      inflight.message_id,
    ]);
    expect(legacy.partition).toBe('messages_p0');
  });
});
