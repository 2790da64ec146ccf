// The backlog and open-transaction counts read partial indexes over states that rows keep leaving
// (pending, inflight, PREPARED). Until VACUUM reaches a busy window, those indexes still hold an
// entry for every row that has left the state. A bitmap scan never marks such entries, so every
// read visits all those rows again; a plain index scan marks them as it passes, so the reads after
// it skip them. The service reads them through plain index scans (`queryThroughIndexes`).
//
// An entry is marked only once its row is dead to every transaction, and a snapshot counts as
// running every transaction with an older id anywhere on the server: other specs write on the
// same Postgres meanwhile, so the reads wait until those transactions have ended.
import { BACKLOG_SQL } from '../../src/consumer-groups/backlog.sql';
import { PREFER_INDEX_SCANS } from '../../src/infra/database/sql';
import { useTestDatabase } from '../support/test-database';

const LEFT = 20_000;

describe('reads through partial indexes after rows left their state (medium: real Postgres)', () => {
  const db = useTestDatabase();

  beforeAll(async () => {
    const partitions = await db.sql<{ name: string }>(
      `SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'deliveries'::regclass`,
    );
    for (const { name } of partitions) await db.sql(`ALTER TABLE ${name} SET (autovacuum_enabled = off)`);
    await db.sql(`INSERT INTO topics (name) VALUES ('orders')`);
    await db.sql(
      `INSERT INTO consumer_groups (name, topic, mode, delivery_type, max_retries, retry_backoff_seconds, secret, start_seq)
       VALUES ('shipping', 'orders', 'clustering', 'pull', 3, '{1}', 'whsec_x', 0)`,
    );
    await db.sql(
      `WITH m AS (
         INSERT INTO messages (id, topic, state, body, published_at, commit_seq)
         SELECT txmsg_uuid_v7(), 'orders', 'COMMITTED', '{"n":1}', now(), i FROM generate_series(1, ${LEFT}) i
         RETURNING id, commit_seq
       )
       INSERT INTO deliveries (id, message_id, consumer_group, member, state, attempts, commit_seq, available_at, lease_until)
       SELECT txmsg_delivery_id(m.id, 'shipping', ''), m.id, 'shipping', '', 'inflight', 1, m.commit_seq, now(),
              now() + interval '1 minute'
         FROM m`,
    );
    await db.sql(`UPDATE deliveries SET state = 'acked', acked_at = now(), lease_until = NULL`);
    await untilEarlierTransactionsEnd();
  }, 360_000);

  /** Waits until no transaction that began before this call is still running on the server. */
  async function untilEarlierTransactionsEnd(): Promise<void> {
    const [{ next }] = await db.sql<{ next: string }>(
      `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next`,
    );
    for (;;) {
      const [{ oldest }] = await db.sql<{ oldest: string }>(
        `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS oldest`,
      );
      if (BigInt(oldest) >= BigInt(next)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Buffers one read of the backlog touches, planned with `settings`. */
  const blocksOfRead = (settings: string) =>
    db.inTransaction(async (sql) => {
      await sql(settings);
      const rows = await sql(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${BACKLOG_SQL}`, [null]);
      const [{ Plan: plan }] = rows[0]['QUERY PLAN'] as [{ Plan: Record<string, number> }];
      return plan['Shared Hit Blocks'] + plan['Shared Read Blocks'];
    });

  it('through bitmap scans, visits every row that left the state on every read', async () => {
    const onlyBitmaps = 'SET LOCAL enable_indexscan = off';
    const first = await blocksOfRead(onlyBitmaps);
    const second = await blocksOfRead(onlyBitmaps);
    expect(first).toBeGreaterThan(LEFT / 200); // the rows' heap pages
    process.stdout.write(`bitmap scans: ${first} then ${second} blocks\n`);
    expect(second).toBeGreaterThanOrEqual(first * 0.9);
  });

  it('through plain index scans, visits them once and then skips them', async () => {
    const first = await blocksOfRead(PREFER_INDEX_SCANS);
    const second = await blocksOfRead(PREFER_INDEX_SCANS);
    expect(first).toBeGreaterThan(LEFT / 200);
    process.stdout.write(`index scans: ${first} then ${second} blocks\n`);
    expect(second).toBeLessThan(first / 5);
  });
});
