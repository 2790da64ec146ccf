// Durability per topic lives in the writers' statements (src/topics/durability.sql.ts): each one
// that stores, resolves or records on `async` topics only turns off the synchronous commit of its
// own transaction; one `sync` topic keeps it on; claims never turn it off. Checked here on the
// statements themselves, each run in a transaction that then reads the setting it leaves.
import type { PoolClient } from 'pg';
import { insertMessagesParams, SEND_SQL, type StoredMessage } from '../../src/messages/messages.sql';
import { OPEN_STATES } from '../../src/transactions/transaction-state';
import { DECIDE_SQL } from '../../src/transactions/transactions.sql';
import { PUSH_RECORD_SQL, pushRecordParams, type PushOutcome } from '../../src/delivery/push/push.sql';
import { PULL_ACK_SQL, pullAckParams } from '../../src/delivery/pull/pull.sql';
import { useTestDatabase } from '../support/test-database';
import { uuidV7 } from '../support/uuid-v7';

describe('durability in the writers’ statements (medium: real Postgres)', () => {
  const db = useTestDatabase();

  beforeAll(async () => {
    await db.sql(`INSERT INTO topics (name, durability) VALUES ('logs', 'async'), ('payments', 'sync')`);
    await db.sql(
      `INSERT INTO producer_groups (name, checkback_url, checkback_timeout_ms, check_immunity_seconds,
                                    check_interval_seconds, max_check_interval_seconds, max_checks, secret)
       VALUES ('shop', 'http://127.0.0.1:9/', 3000, 6, 30, 600, 15, 'whsec_x')`,
    );
    await db.sql(
      `INSERT INTO consumer_groups (name, topic, mode, delivery_type, max_retries, retry_backoff_seconds, secret, start_seq)
       VALUES ('log-readers', 'logs', 'clustering', 'pull', 3, '{1}', 'whsec_x', 0),
              ('ledger', 'payments', 'clustering', 'pull', 3, '{1}', 'whsec_x', 0)`,
    );
  });

  /** Runs `statement` in a transaction and answers the synchronous_commit it leaves for the commit. */
  async function commitSettingAfter(statement: (client: PoolClient) => Promise<unknown>): Promise<string> {
    const client = await db.env.db.connect();
    try {
      await client.query('BEGIN');
      await statement(client);
      const { rows } = await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
      await client.query('ROLLBACK');
      return rows[0].synchronous_commit;
    } finally {
      client.release();
    }
  }

  const message = (topic: string): StoredMessage => ({
    id: uuidV7(),
    topic,
    body: { n: 1 },
    transactionId: null,
  });
  const send = (topics: string[]) => (client: PoolClient) =>
    client.query(SEND_SQL, insertMessagesParams(topics.map(message), true));

  it('sends: off when every message is on an async topic, on with any sync one', async () => {
    expect(await commitSettingAfter(send(['logs', 'logs']))).toBe('off');
    expect(await commitSettingAfter(send(['logs', 'payments']))).toBe('on');
    expect(await commitSettingAfter(send(['payments']))).toBe('on');
  });

  /** A PREPARED transaction of 'shop' with one message on each of `topics`, committed. */
  async function prepared(topics: string[]): Promise<string> {
    const id = uuidV7();
    await db.sql(`INSERT INTO transactions (id, producer_group, state) VALUES ($1, 'shop', 'PREPARED')`, [
      id,
    ]);
    for (const topic of topics) {
      await db.sql(
        `INSERT INTO messages (id, transaction_id, topic, state, body) VALUES ($1, $2, $3, 'PREPARED', '{}')`,
        [uuidV7(), id, topic],
      );
    }
    return id;
  }
  const decide = (ids: string[]) => (client: PoolClient) =>
    client.query(DECIDE_SQL, [
      ids,
      ids.map(() => 'COMMITTED'),
      ids.map(() => 'producer'),
      ids.map(() => null),
      OPEN_STATES,
    ]);

  it('verdicts: off when every message they resolve is on an async topic', async () => {
    const logsOnly = [await prepared(['logs']), await prepared(['logs', 'logs'])];
    const mixed = await prepared(['logs', 'payments']);
    expect(await commitSettingAfter(decide(logsOnly))).toBe('off');
    expect(await commitSettingAfter(decide([...logsOnly, mixed]))).toBe('on');
    expect(await commitSettingAfter(decide([mixed]))).toBe('on');
    // Nothing resolved (already resolved or unknown): nothing to hurry.
    expect(await commitSettingAfter(decide([uuidV7()]))).toBe('on');
  });

  /** An inflight delivery of `group` at attempt 1 with receipt `rh_…`, committed. */
  async function inflight(group: string, topic: string): Promise<{ id: string; receipt: string }> {
    const messageId = uuidV7();
    const id = uuidV7();
    const receipt = `rh_${uuidV7().replace(/-/g, '')}`;
    await db.sql(
      `INSERT INTO messages (id, topic, state, body, published_at) VALUES ($1, $2, 'COMMITTED', '{}', now())`,
      [messageId, topic],
    );
    await db.sql(
      `INSERT INTO deliveries (id, message_id, consumer_group, state, attempts, commit_seq, receipt, lease_until, available_at)
       VALUES ($1, $2, $3, 'inflight', 1, 1, $4, now() + interval '1 minute', now())`,
      [id, messageId, group, receipt],
    );
    return { id, receipt };
  }
  const record = (ids: string[]) => (client: PoolClient) =>
    client.query(
      PUSH_RECORD_SQL,
      pushRecordParams(
        ids.map((id): PushOutcome => ({
          id,
          attempt: 1,
          startedAt: new Date(),
          ordered: false,
          free: false,
          outcome: 'acked',
          nextState: 'acked',
          delaySeconds: 0,
          httpStatus: 200,
          latencyMs: 1,
          excerpt: null,
          error: null,
        })),
      ),
    );
  const ack = (targets: { id: string; receipt: string; group: string }[]) => (client: PoolClient) =>
    client.query(PULL_ACK_SQL, pullAckParams(targets.map((t) => ({ ...t, outcome: 'acked' as const }))));

  it('delivery records and acks: off when every delivery is of an async topic', async () => {
    const log = { ...(await inflight('log-readers', 'logs')), group: 'log-readers' };
    const ledger = { ...(await inflight('ledger', 'payments')), group: 'ledger' };
    expect(await commitSettingAfter(record([log.id]))).toBe('off');
    expect(await commitSettingAfter(record([log.id, ledger.id]))).toBe('on');
    expect(await commitSettingAfter(ack([log]))).toBe('off');
    expect(await commitSettingAfter(ack([log, ledger]))).toBe('on');
    expect(await commitSettingAfter(ack([ledger]))).toBe('on');
  });
});
