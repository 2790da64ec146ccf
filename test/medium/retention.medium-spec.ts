// Retention's statements against a cloned, migrated database: what is old and fully resolved
// goes with everything hanging off it; what is recent, undelivered, dead-lettered recently or
// part of an open transaction stays.
import { randomUUID } from 'node:crypto';
import {
  DELETE_IDEMPOTENCY_KEYS_SQL,
  DELETE_MESSAGES_SQL,
  DELETE_TRANSACTIONS_SQL,
} from '../../src/maintenance/retention.sql';
import { useTestDatabase } from '../support/test-database';

const MINUTES = 72 * 60;
const OLD = `now() - interval '100 hours'`;

describe('retention (medium: SQL on a real database)', () => {
  const db = useTestDatabase();
  const sql = <T = any>(text: string, params: unknown[] = []) => db.sql<T>(text, params);
  let seq = 0;

  beforeAll(async () => {
    await sql(`INSERT INTO topics (name) VALUES ('orders')`);
    await sql(`INSERT INTO producer_groups (name, checkback_url, checkback_timeout_ms, check_immunity_seconds,
                 check_interval_seconds, max_check_interval_seconds, max_checks, secret)
               VALUES ('pg', 'http://127.0.0.1:9/', 3000, 6, 30, 600, 15, 'whsec_x')`);
    await sql(`INSERT INTO consumer_groups (name, topic, mode, delivery_type, max_retries, retry_backoff_seconds, secret, start_seq)
               VALUES ('cg', 'orders', 'clustering', 'pull', 16, '{10}', 'whsec_x', 0)`);
  });

  /** A message created `age` ago in `state`, with one delivery in `delivery` (or none). */
  async function message(
    age: string,
    state: 'COMMITTED' | 'ROLLED_BACK' | 'PREPARED',
    delivery: 'acked' | 'pending' | 'dead-old' | 'dead-recent' | null,
    transactionId: string | null = null,
  ): Promise<string> {
    const id = randomUUID();
    seq++;
    await sql(
      `INSERT INTO messages (id, topic, transaction_id, state, body, created_at, published_at, commit_seq)
       VALUES ($1, 'orders', $2, $3, '1', ${age}, CASE WHEN $3 = 'COMMITTED' THEN ${age} END, CASE WHEN $3 = 'COMMITTED' THEN $4::bigint END)`,
      [id, transactionId, state, seq],
    );
    if (delivery) {
      const deliveryState = delivery.startsWith('dead') ? 'dead' : delivery;
      const deadAt = delivery === 'dead-old' ? OLD : delivery === 'dead-recent' ? 'now()' : 'NULL';
      const deliveryId = randomUUID();
      await sql(
        `INSERT INTO deliveries (id, message_id, consumer_group, state, commit_seq, available_at, dead_at)
         VALUES ($1, $2, 'cg', $3, $4, now(), ${deadAt})`,
        [deliveryId, id, deliveryState, seq],
      );
      await sql(
        `INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome) VALUES ($1, 1, now(), 'acked')`,
        [deliveryId],
      );
      await sql(`INSERT INTO trace_events (message_id, type, consumer_group) VALUES ($1, 'retried', 'cg')`, [
        id,
      ]);
    }
    return id;
  }
  async function transaction(state: 'COMMITTED' | 'STUCK', age: string): Promise<string> {
    const id = randomUUID();
    await sql(
      `INSERT INTO transactions (id, producer_group, state, created_at, resolved_at) VALUES ($1, 'pg', $2, ${age}, CASE WHEN $2 = 'COMMITTED' THEN ${age} END)`,
      [id, state],
    );
    await sql(
      `INSERT INTO check_attempts (transaction_id, producer_group, attempt, at, outcome, latency_ms) VALUES ($1, 'pg', 1, ${age}, 'ERROR', 1)`,
      [id],
    );
    return id;
  }
  const exists = async (table: string, column: string, id: string) =>
    (await sql(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [id])).length > 0;

  it('deletes old resolved messages with their deliveries, attempts and trace, and keeps the rest', async () => {
    const gone = {
      acked: await message(OLD, 'COMMITTED', 'acked'),
      rolledBack: await message(OLD, 'ROLLED_BACK', null),
      deadLongAgo: await message(OLD, 'COMMITTED', 'dead-old'),
    };
    const stuck = await transaction('STUCK', OLD);
    const kept = {
      recent: await message('now()', 'COMMITTED', 'acked'),
      undelivered: await message(OLD, 'COMMITTED', 'pending'),
      deadRecently: await message(OLD, 'COMMITTED', 'dead-recent'),
      ofStuckTransaction: await message(OLD, 'PREPARED', null, stuck),
    };
    let deleted = 0;
    for (let round = 0; round < 10; round++) {
      const rows = await sql(DELETE_MESSAGES_SQL, [MINUTES, 2]); // batches of 2: more than one round
      deleted += rows.length;
      if (rows.length < 2) break;
    }
    expect(deleted).toBe(3);
    for (const id of Object.values(gone)) {
      expect({
        id,
        message: await exists('messages', 'id', id),
        delivery: await exists('deliveries', 'message_id', id),
        trace: await exists('trace_events', 'message_id', id),
      }).toEqual({
        id,
        message: false,
        delivery: false,
        trace: false,
      });
    }
    for (const id of Object.values(kept)) expect(await exists('messages', 'id', id)).toBe(true);
    expect(
      (
        await sql(
          `SELECT count(*)::int AS n FROM delivery_attempts da LEFT JOIN deliveries d ON d.id = da.delivery_id WHERE d.id IS NULL`,
        )
      )[0].n,
    ).toBe(0);
  });

  it('deletes resolved transactions left without messages, never an open one', async () => {
    const resolved = await transaction('COMMITTED', OLD);
    const withMessage = await transaction('COMMITTED', OLD);
    await message('now()', 'COMMITTED', null, withMessage);
    const stuck = await transaction('STUCK', OLD);
    await sql(DELETE_TRANSACTIONS_SQL, [MINUTES, 1000]);
    expect(await exists('transactions', 'id', resolved)).toBe(false);
    expect(await exists('check_attempts', 'transaction_id', resolved)).toBe(false);
    expect(await exists('transactions', 'id', withMessage)).toBe(true);
    expect(await exists('transactions', 'id', stuck)).toBe(true);
  });

  it('keeps idempotency keys at least 24 hours even with a shorter retention', async () => {
    await sql(`INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response, created_at)
               VALUES ('s', 'day-old', 'h', 201, '{}', now() - interval '23 hours'), ('s', 'two-days', 'h', 201, '{}', now() - interval '49 hours')`);
    await sql(DELETE_IDEMPOTENCY_KEYS_SQL, [60, 1000]);
    expect((await sql(`SELECT key FROM idempotency_keys ORDER BY key`)).map((r: any) => r.key)).toEqual([
      'day-old',
    ]);
  });
});
