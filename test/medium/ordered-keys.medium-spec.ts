// One message of a sharding key at a time, in commit order (G4), on the statements the writers and
// the push worker run, with two real connections: commits of one key become visible in the order
// of their commit sequence numbers (a commit of a key waits for an earlier open commit of that
// key), and a message that comes back behind a later one in flight waits for it.
import { Client } from 'pg';
import { insertMessagesParams, SEND_SQL } from '../../src/messages/messages.sql';
import { PUSH_CLAIM_SQL, pushClaimParams } from '../../src/delivery/push/push.sql';
import { OPEN_STATES } from '../../src/transactions/transaction-state';
import { DECIDE_SQL } from '../../src/transactions/transactions.sql';
import { expectEventually } from '../support/eventually';
import { useTestDatabase } from '../support/test-database';
import { uuidV7 } from '../support/uuid-v7';

describe('ordered keys (medium: real Postgres, two connections)', () => {
  const db = useTestDatabase();
  const clients: Client[] = [];

  beforeAll(async () => {
    await db.sql(`INSERT INTO topics (name) VALUES ('orders')`);
    await db.sql(
      `INSERT INTO consumer_groups (name, topic, mode, delivery_type, push_urls, push_timeout_ms, max_concurrency,
                                    max_retries, retry_backoff_seconds, secret, start_seq, ordered)
       VALUES ('shipping', 'orders', 'clustering', 'push', '{http://127.0.0.1:9/}', 1000, 4, 1, '{1}', 'whsec_x', 0, true)`,
    );
    for (let i = 0; i < 2; i++) {
      const client = new Client({ connectionString: db.env.databaseUrl });
      await client.connect();
      clients.push(client);
    }
  });
  afterAll(() => Promise.all(clients.map((c) => c.end())));

  const send = (client: Client, shardingKey: string) => {
    const message = { id: uuidV7(), topic: 'orders', body: {}, shardingKey, transactionId: null };
    return client.query(SEND_SQL, insertMessagesParams([message], true)).then(() => message.id);
  };
  const delivery = async (messageId: string) =>
    (await db.sql(`SELECT id, commit_seq::int AS seq FROM deliveries WHERE message_id = $1`, [messageId]))[0];
  const claim = async (deliveryId: string) =>
    (await db.sql(PUSH_CLAIM_SQL, pushClaimParams([{ deliveryId, attempt: 1 }], 30))).map((r) => r.id);
  /** Whether `client`'s backend waits for an advisory lock right now. */
  const waitsForKey = async (client: Client) => {
    const pid = (client as unknown as { processID: number }).processID;
    const [row] = await db.sql(`SELECT wait_event FROM pg_stat_activity WHERE pid = $1`, [pid]);
    return row?.wait_event === 'advisory';
  };

  it('makes a later commit of the key wait for an open earlier one, so the later message cannot start first', async () => {
    const [first, second] = clients;
    await first.query('BEGIN');
    const earlier = await send(first, 'k1');
    const laterSent = send(second, 'k1');
    await expectEventually(async () => expect(await waitsForKey(second)).toBe(true));
    // While the earlier commit is open, nothing of the later one can be claimed.
    expect(await db.sql(`SELECT id FROM messages WHERE topic = 'orders' AND state = 'COMMITTED'`)).toEqual(
      [],
    );

    await first.query('COMMIT');
    const later = await laterSent;
    const [e, l] = [await delivery(earlier), await delivery(later)];
    expect(e.seq).toBeLessThan(l.seq);
    expect(await claim(l.id)).toEqual([]); // the earlier message of its key is pending
    expect(await claim(e.id)).toEqual([e.id]);
  });

  it("makes a transaction's commit of the key wait too (the verdict statement)", async () => {
    const [first, second] = clients;
    await db.sql(
      `INSERT INTO producer_groups (name, checkback_url, checkback_timeout_ms, check_immunity_seconds,
                                    check_interval_seconds, max_check_interval_seconds, max_checks, secret)
       VALUES ('shop', 'http://127.0.0.1:9/', 3000, 6, 30, 600, 15, 'whsec_x')`,
    );
    const transaction = uuidV7();
    const prepared = uuidV7();
    await db.sql(`INSERT INTO transactions (id, producer_group, state) VALUES ($1, 'shop', 'PREPARED')`, [
      transaction,
    ]);
    await db.sql(
      `INSERT INTO messages (id, transaction_id, topic, state, body, sharding_key) VALUES ($1, $2, 'orders', 'PREPARED', '{}', 'k4')`,
      [prepared, transaction],
    );
    await first.query('BEGIN');
    const earlier = await send(first, 'k4');
    const committed = second.query(DECIDE_SQL, [
      [transaction],
      ['COMMITTED'],
      ['producer'],
      [null],
      OPEN_STATES,
    ]);
    await expectEventually(async () => expect(await waitsForKey(second)).toBe(true));
    await first.query('COMMIT');
    await committed;
    expect((await delivery(earlier)).seq).toBeLessThan((await delivery(prepared)).seq);
  });

  it('does not start a redriven earlier message while a later one of its key is in flight', async () => {
    const earlier = await delivery(await send(clients[0], 'k5'));
    const later = await delivery(await send(clients[0], 'k5'));
    await db.sql(`UPDATE deliveries SET state = 'dead', attempts = 2, dead_at = now() WHERE id = $1`, [
      earlier.id,
    ]);
    expect(await claim(later.id)).toEqual([later.id]); // the key went on past its dead letter
    // The dead letter is redriven (as the redrive statement does) while the later one runs.
    await db.sql(`UPDATE deliveries SET state = 'pending', attempts = 0, dead_at = NULL WHERE id = $1`, [
      earlier.id,
    ]);
    expect(await claim(earlier.id)).toEqual([]);
    await db.sql(`UPDATE deliveries SET state = 'acked', lease_until = NULL WHERE id = $1`, [later.id]);
    expect(await claim(earlier.id)).toEqual([earlier.id]);
  });

  it("claims a key's head by short index reads, however long the key's backlog", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await send(clients[0], 'hot'));
    // Deliveries are stored by the time in their (UUIDv7) ids.
    const backlog = Array.from({ length: 5000 }, () => uuidV7());
    await db.sql(
      `INSERT INTO deliveries (id, message_id, consumer_group, state, sharding_key, commit_seq, available_at)
       SELECT d, d, 'shipping', 'pending', 'hot', 1000000 + n, now()
         FROM unnest($1::uuid[]) WITH ORDINALITY AS b(d, n)`,
      [backlog],
    );
    await db.sql('ANALYZE deliveries');
    const head = await delivery(ids[0]);
    const [{ 'QUERY PLAN': plan }] = await db.sql(`EXPLAIN (ANALYZE, FORMAT JSON) ${PUSH_CLAIM_SQL}`, [
      ...pushClaimParams([{ deliveryId: head.id, attempt: 1 }], 30),
    ]);
    // Every node read a handful of rows, none the key's 5,000 waiting behind the head.
    const rowsRead = (node: any): number[] => [
      (node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0),
      ...(node.Plans ?? []).flatMap(rowsRead),
    ];
    expect(Math.max(...rowsRead(plan[0].Plan))).toBeLessThan(100);
  });

  it('lets commits of other keys through while one is open', async () => {
    const [first, second] = clients;
    await first.query('BEGIN');
    await send(first, 'k2');
    const other = await send(second, 'k3'); // returns: another key does not wait
    await first.query('COMMIT');
    const [o] = await db.sql(`SELECT state FROM messages WHERE id = $1`, [other]);
    expect(o.state).toBe('COMMITTED');
  });
});
