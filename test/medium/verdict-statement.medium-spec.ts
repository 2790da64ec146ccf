// A batch of verdicts is one statement (`DECIDE_SQL`): it resolves only open transactions of a
// granted producer group, numbers the published messages in request order and by id within a
// transaction, and creates their deliveries — checked here on the statement itself.
import { OPEN_STATES } from '../../src/transactions/transaction-state';
import { DECIDE_SQL } from '../../src/transactions/transactions.sql';
import { useTestDatabase } from '../support/test-database';
import { uuidV7 } from '../support/uuid-v7';

describe('the verdict statement (medium: real Postgres)', () => {
  const db = useTestDatabase();

  beforeAll(async () => {
    await db.sql(`INSERT INTO topics (name) VALUES ('orders')`);
    await db.sql(
      `INSERT INTO producer_groups (name, checkback_url, checkback_timeout_ms, check_immunity_seconds,
                                    check_interval_seconds, max_check_interval_seconds, max_checks, secret)
       SELECT name, 'http://127.0.0.1:9/', 3000, 6, 30, 600, 15, 'whsec_x' FROM unnest(ARRAY['shop', 'other']) name`,
    );
    await db.sql(
      `INSERT INTO consumer_groups (name, topic, mode, delivery_type, max_retries, retry_backoff_seconds, secret, start_seq)
       VALUES ('shipping', 'orders', 'clustering', 'pull', 3, '{1}', 'whsec_x', 0)`,
    );
  });

  /** A transaction of `group` in `state` with three messages; returns its id and message ids (in id order). */
  async function transaction(group: string, state = 'PREPARED') {
    const id = uuidV7();
    const messageIds = [uuidV7(), uuidV7(), uuidV7()].sort();
    await db.sql(`INSERT INTO transactions (id, producer_group, state) VALUES ($1, $2, $3)`, [
      id,
      group,
      state,
    ]);
    await db.sql(
      `INSERT INTO messages (id, transaction_id, topic, state, body)
       SELECT m, $1, 'orders', $2, '{}' FROM unnest($3::uuid[]) m`,
      [id, state === 'STUCK' ? 'PREPARED' : state, [...messageIds].reverse()],
    );
    return { id, messageIds };
  }

  const decide = (verdicts: { id: string; state: string; grants: string | null }[]) =>
    db.sql(DECIDE_SQL, [
      verdicts.map((v) => v.id),
      verdicts.map((v) => v.state),
      verdicts.map(() => 'producer'),
      verdicts.map((v) => v.grants),
      OPEN_STATES,
    ]);

  it('resolves open, granted transactions; numbers their messages in request order, by id within each', async () => {
    const [a, b, c, rolledBack, ungranted, done] = [
      await transaction('shop'),
      await transaction('shop'),
      await transaction('shop', 'STUCK'),
      await transaction('shop'),
      await transaction('other'),
      await transaction('shop', 'ROLLED_BACK'),
    ];
    const rows = await decide([
      { id: c.id, state: 'COMMITTED', grants: 'shop' },
      { id: a.id, state: 'COMMITTED', grants: null },
      { id: rolledBack.id, state: 'ROLLED_BACK', grants: 'shop\nother' },
      { id: ungranted.id, state: 'COMMITTED', grants: 'shop' },
      { id: done.id, state: 'COMMITTED', grants: null },
      { id: b.id, state: 'COMMITTED', grants: 'shop' },
    ]);

    expect(rows.map((row) => [row.id, row.state]).sort()).toEqual(
      [
        [a.id, 'COMMITTED'],
        [b.id, 'COMMITTED'],
        [c.id, 'COMMITTED'],
        [rolledBack.id, 'ROLLED_BACK'],
      ].sort(),
    );
    for (const tx of [a, b, c, rolledBack]) {
      const row = rows.find((r) => r.id === tx.id);
      expect(row.message_ids).toEqual(tx.messageIds);
      expect(row.queued.map((q: { id: string }) => q.id)).toHaveLength(tx === rolledBack ? 0 : 3);
    }

    const stored = await db.sql(
      `SELECT m.id, m.state, m.commit_seq, count(d.id)::int AS deliveries
         FROM messages m LEFT JOIN deliveries d ON d.message_id = m.id
        WHERE m.transaction_id = ANY ($1) GROUP BY m.id ORDER BY m.commit_seq NULLS LAST, m.id`,
      [[a, b, c, rolledBack, ungranted, done].map((tx) => tx.id)],
    );
    const published = stored.filter((m) => m.commit_seq !== null);
    expect(published.map((m) => m.id)).toEqual([...c.messageIds, ...a.messageIds, ...b.messageIds]);
    expect(published.every((m) => m.state === 'COMMITTED' && m.deliveries === 1)).toBe(true);
    const states = new Map(stored.map((m) => [m.id, [m.state, m.deliveries]]));
    for (const id of rolledBack.messageIds) expect(states.get(id)).toEqual(['ROLLED_BACK', 0]);
    for (const id of ungranted.messageIds) expect(states.get(id)).toEqual(['PREPARED', 0]);
    for (const id of done.messageIds) expect(states.get(id)).toEqual(['ROLLED_BACK', 0]);
  });
});
