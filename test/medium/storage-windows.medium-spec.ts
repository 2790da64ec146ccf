// Storage windows against a cloned, migrated database: windows are created ahead and aligned; a
// window that ended more than the retention ago is dropped whole when nothing in it must live on,
// compacted when a few rows must (they stay readable by id, trace and attempt), held when
// compacting would gain little, and left for the next round when its lock is not granted at once.
import { uuidV7 } from '../support/uuid-v7';
import {
  createWindowsAhead,
  listWindows,
  msOf,
  reclaimWindows,
  type Window,
} from '../../src/infra/database/partitions';
import { TEST_WINDOW_MS, useTestDatabase } from '../support/test-database';

const RETENTION_MINUTES = 60;

describe('storage windows (medium: partitions on a real database)', () => {
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

  /** The n-th whole window from now on (1 = the next one), as the database has it. */
  async function windowAhead(n: number): Promise<Window> {
    const start = (Math.floor(Date.now() / TEST_WINDOW_MS) + n) * TEST_WINDOW_MS;
    const window = (await listWindows((text, params) => sql(text, params))).find((w) => w.fromMs === start);
    if (!window) throw new Error(`no window starts at ${new Date(start).toISOString()}`);
    return window;
  }

  /** Reclaims as if the retention had just passed the window's end. */
  const reclaimAfter = (window: Window, maxKeep?: number) =>
    reclaimWindows(db.inTransaction, {
      retentionMinutes: RETENTION_MINUTES,
      nowMs: window.toMs + RETENTION_MINUTES * 60_000,
      maxKeep,
    });

  type DeliveryState = 'acked' | 'pending' | 'retrying' | 'dead-old' | 'dead-recent';

  /** A message of the window (its id carries the window's time), with one delivery, attempt and trace. */
  async function message(
    window: Window,
    state: 'COMMITTED' | 'ROLLED_BACK' | 'PREPARED',
    delivery: DeliveryState | null,
    transactionId: string | null = null,
  ): Promise<{ id: string; deliveryId?: string }> {
    const at = window.fromMs + 1000 + (seq % 1000);
    const id = uuidV7(at);
    seq++;
    const time = new Date(at).toISOString();
    await sql(
      `INSERT INTO messages (id, topic, transaction_id, state, body, created_at, published_at, commit_seq)
       VALUES ($1, 'orders', $2, $3, '1', $4, CASE WHEN $3 = 'COMMITTED' THEN $4::timestamptz END,
               CASE WHEN $3 = 'COMMITTED' THEN nextval('message_commit_seq') END)`,
      [id, transactionId, state, time],
    );
    if (!delivery) return { id };
    const deadAt =
      delivery === 'dead-old' ? time : delivery === 'dead-recent' ? new Date(window.toMs + 60_000) : null;
    const [{ id: deliveryId }] = await sql(
      `INSERT INTO deliveries (id, message_id, consumer_group, state, commit_seq, available_at, dead_at)
       VALUES (txmsg_delivery_id($1, 'cg', ''), $1, 'cg', $2, $3, $4, $5) RETURNING id`,
      [id, delivery.startsWith('dead') ? 'dead' : delivery, seq, time, deadAt],
    );
    await sql(
      `INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome) VALUES ($1, 1, $2, 'failed')`,
      [deliveryId, time],
    );
    await sql(`INSERT INTO trace_events (message_id, type, consumer_group) VALUES ($1, 'retried', 'cg')`, [
      id,
    ]);
    return { id, deliveryId };
  }

  async function transaction(window: Window, state: 'COMMITTED' | 'STUCK'): Promise<string> {
    const at = window.fromMs + 500;
    const id = uuidV7(at);
    const time = new Date(at).toISOString();
    await sql(
      `INSERT INTO transactions (id, producer_group, state, created_at, resolved_at)
       VALUES ($1, 'pg', $2, $3, CASE WHEN $2 = 'COMMITTED' THEN $3::timestamptz END)`,
      [id, state, time],
    );
    await sql(
      `INSERT INTO check_attempts (transaction_id, producer_group, attempt, at, outcome, latency_ms) VALUES ($1, 'pg', 1, $2, 'UNKNOWN', 1)`,
      [id, time],
    );
    return id;
  }

  const count = async (table: string, column: string, id: string) =>
    (await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`, [id]))[0].n;
  const partitionsOf = async (window: Window) =>
    (
      await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE $1 AND relkind = 'r'`,
        [`%\\_${window.suffix}`],
      )
    )[0].n;

  it('creates windows ahead, aligned to the width, once', async () => {
    const windows = await listWindows((text, params) => sql(text, params));
    const whole = windows.filter((w) => w.fromMs >= Date.now() + TEST_WINDOW_MS);
    expect(whole.length).toBeGreaterThanOrEqual(4);
    for (const w of whole) {
      expect(w.fromMs % TEST_WINDOW_MS).toBe(0);
      expect(w.toMs - w.fromMs).toBe(TEST_WINDOW_MS);
    }
    expect(windows[windows.length - 1].toMs).toBeGreaterThanOrEqual(Date.now() + 6 * TEST_WINDOW_MS);
    // Contiguous: each starts where the one before ends.
    for (let i = 1; i < windows.length; i++) expect(windows[i].fromMs).toBe(windows[i - 1].toMs);
    expect(
      await createWindowsAhead(db.inTransaction, { widthMs: TEST_WINDOW_MS, aheadMs: TEST_WINDOW_MS }),
    ).toEqual([]);
    // A row lands in the window its id's time falls in.
    const w = await windowAhead(2);
    const { id } = await message(w, 'ROLLED_BACK', null);
    const [{ partition }] = await sql(
      `SELECT tableoid::regclass::text AS partition FROM messages WHERE id = $1`,
      [id],
    );
    expect(partition).toBe(`messages_${w.suffix}`);
  });

  it('derives a delivery id from its dedupe key, in its message window', async () => {
    const messageId = uuidV7();
    const [row] = await sql(
      `SELECT txmsg_delivery_id($1, 'cg', '') AS a, txmsg_delivery_id($1, 'cg', '') AS b,
              txmsg_delivery_id($1, 'cg', 'm1') AS c, txmsg_delivery_id($1, 'other', '') AS d`,
      [messageId],
    );
    expect(row.a).toBe(row.b);
    expect(new Set([row.a, row.c, row.d]).size).toBe(3);
    for (const id of [row.a, row.c, row.d]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(msOf(id)).toBe(msOf(messageId));
    }
  });

  it('drops a window whose rows are all resolved, with everything in it', async () => {
    const w = await windowAhead(1);
    const committed = await transaction(w, 'COMMITTED');
    const gone = [
      await message(w, 'COMMITTED', 'acked', committed),
      await message(w, 'ROLLED_BACK', null),
      await message(w, 'COMMITTED', 'dead-old'),
    ];
    expect(await partitionsOf(w)).toBe(6);

    const results = await reclaimAfter(w);
    expect(results.find((r) => r.window.fromMs === w.fromMs)).toEqual({
      window: w,
      action: 'dropped',
      kept: 0,
      lockedMs: expect.any(Number),
    });
    expect(await partitionsOf(w)).toBe(0);
    for (const { id, deliveryId } of gone) {
      expect(await count('messages', 'id', id)).toBe(0);
      expect(await count('trace_events', 'message_id', id)).toBe(0);
      if (deliveryId) expect(await count('delivery_attempts', 'delivery_id', deliveryId)).toBe(0);
    }
    expect(await count('check_attempts', 'transaction_id', committed)).toBe(0);
    // The range is gone: nothing can be written there any more (ids are made at their time, never later).
    await expect(message(w, 'ROLLED_BACK', null)).rejects.toThrow(/no partition/);
  });

  it('compacts a large window that holds a few rows to keep, which stay readable', async () => {
    const w = await windowAhead(3);
    const stuck = await transaction(w, 'STUCK');
    const kept = {
      ofStuckTransaction: await message(w, 'PREPARED', null, stuck),
      undelivered: await message(w, 'COMMITTED', 'pending'),
      retrying: await message(w, 'COMMITTED', 'retrying'),
      deadRecently: await message(w, 'COMMITTED', 'dead-recent'),
    };
    const resolved = await message(w, 'COMMITTED', 'acked');
    // Bulk: 3,000 resolved messages, so compacting gains enough to be worth it.
    await sql(
      `INSERT INTO messages (id, topic, state, body, published_at, commit_seq)
       SELECT (lpad(to_hex($1::bigint + i), 12, '0') || '7000' || '8000' || lpad(to_hex(i), 12, '0'))::uuid, 'orders',
              'COMMITTED', '1', to_timestamp(($1::bigint + i) / 1000.0), nextval('message_commit_seq')
         FROM generate_series(2000, 4999) AS i`,
      [w.fromMs],
    );
    await sql(`ANALYZE messages_${w.suffix}`);

    expect((await reclaimAfter(w, 3)).find((r) => r.window.fromMs === w.fromMs)?.action).toBe('held'); // too many to keep
    const results = await reclaimAfter(w);
    expect(results.find((r) => r.window.fromMs === w.fromMs)).toEqual({
      window: w,
      action: 'compacted',
      kept: 5,
      lockedMs: expect.any(Number),
    });

    expect(await partitionsOf(w)).toBe(6);
    const [{ n }] = await sql(`SELECT count(*)::int AS n FROM messages_${w.suffix}`);
    expect(n).toBe(4);
    for (const { id, deliveryId } of Object.values(kept)) {
      expect(await count('messages', 'id', id)).toBe(1);
      if (deliveryId) {
        expect(await count('deliveries', 'id', deliveryId)).toBe(1);
        expect(await count('delivery_attempts', 'delivery_id', deliveryId)).toBe(1);
        expect(await count('trace_events', 'message_id', id)).toBe(1);
      }
    }
    expect(await count('transactions', 'id', stuck)).toBe(1);
    expect(await count('check_attempts', 'transaction_id', stuck)).toBe(1);
    expect(await count('messages', 'id', resolved.id)).toBe(0);
    expect(await count('deliveries', 'id', resolved.deliveryId as string)).toBe(0);
    // Writes to kept rows go on as before, and the dedupe key still holds.
    await sql(`UPDATE deliveries SET state = 'acked' WHERE id = $1`, [kept.undelivered.deliveryId]);
    const again = await sql(
      `INSERT INTO deliveries (id, message_id, consumer_group, state, commit_seq, available_at)
       VALUES (txmsg_delivery_id($1, 'cg', ''), $1, 'cg', 'pending', 1, now()) ON CONFLICT DO NOTHING RETURNING id`,
      [kept.retrying.id],
    );
    expect(again).toEqual([]);

    // Compacted, the window is small: the next round holds it rather than copy the same rows again.
    expect((await reclaimAfter(w)).find((r) => r.window.fromMs === w.fromMs)?.action).toBe('held');
  });

  it('holds a small window with rows to keep, unchanged', async () => {
    const w = await windowAhead(4);
    const { id } = await message(w, 'COMMITTED', 'pending');
    await message(w, 'COMMITTED', 'acked');
    const results = await reclaimAfter(w);
    expect(results.find((r) => r.window.fromMs === w.fromMs)).toEqual({ window: w, action: 'held', kept: 1 });
    expect(await count('messages', 'id', id)).toBe(1);
    const [{ n }] = await sql(`SELECT count(*)::int AS n FROM messages_${w.suffix}`);
    expect(n).toBe(2);
  });

  it('gives up at once when a reader holds the tables, and drops the window next round', async () => {
    const w = await windowAhead(5);
    await message(w, 'COMMITTED', 'acked');
    const reader = await db.env.db.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM deliveries');
      // Had the round waited for its lock, it would wait forever: the reader ends only after it.
      const busy = await reclaimAfter(w);
      expect(busy.find((r) => r.window.fromMs === w.fromMs)?.action).toBe('busy');
      await reader.query('SELECT count(*) FROM messages'); // and the reader goes on
    } finally {
      await reader.query('COMMIT');
      reader.release();
    }
    expect((await reclaimAfter(w)).find((r) => r.window.fromMs === w.fromMs)?.action).toBe('dropped');
  });
});
