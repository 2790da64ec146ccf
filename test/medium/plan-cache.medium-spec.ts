// The hot-path statements are named prepared statements, planned once per connection (a generic
// plan) because planning them per call costs more than running them. A generic plan knows no
// ids, so it is only as good as the statement's shape: one that joins a partitioned table
// without its ids, planned while a storage window is young, scans the whole window on every
// call once the window has filled (on the bench, the dispatch statement went from 1 to 6 ms per
// call within a minute). Checked here: txmsg's connections plan named statements once, and each
// hot statement's generic plan, made on an empty window, reads only its own rows on a full one.
import { Client, escapeLiteral } from 'pg';
import {
  PUSH_CLAIM_SQL,
  PUSH_RECORD_SQL,
  pushClaimParams,
  pushRecordParams,
} from '../../src/delivery/push/push.sql';
import { EXPIRE_LEASES_SQL } from '../../src/delivery/dispatch/deliveries.sql';
import {
  PULL_ACK_SQL,
  PULL_NEXT_DUE_SQL,
  PULL_RECEIVE_SQL,
  pullAckParams,
} from '../../src/delivery/pull/pull.sql';
import { dataSourceOptions } from '../../src/infra/database/data-source-options';
import { sessionOptions } from '../../src/infra/database/session-settings';
import { DECIDE_SQL, LOCK_SQL } from '../../src/transactions/transactions.sql';
import { insertMessagesParams, SEND_SQL } from '../../src/messages/messages.sql';
import { OPEN_STATES } from '../../src/transactions/transaction-state';
import { uuidV7 } from '../support/uuid-v7';
import { useTestDatabase } from '../support/test-database';

/** A UUIDv7 of now, in SQL: the current window. */
const V7 = `encode(overlay(uuid_send(gen_random_uuid())
             PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3 FOR 6)
             FROM 1 FOR 6), 'hex')::uuid`;

/** A parameter as an SQL literal, for EXECUTE (which takes no bind parameters). */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (value instanceof Date) return escapeLiteral(value.toISOString());
  if (Array.isArray(value)) {
    const element = (e: unknown) =>
      e === null ? 'NULL' : `"${String(e instanceof Date ? e.toISOString() : e).replace(/["\\]/g, '\\$&')}"`;
    return escapeLiteral(`{${value.map(element).join(',')}}`);
  }
  return escapeLiteral(String(value));
}

describe('hot statements on a filling window (medium: real Postgres)', () => {
  const db = useTestDatabase();
  const clients: Client[] = [];

  beforeAll(async () => {
    await db.sql(`INSERT INTO topics (name) VALUES ('orders')`);
    await db.sql(
      `INSERT INTO producer_groups (name, checkback_url, checkback_timeout_ms, check_immunity_seconds,
                                    check_interval_seconds, max_check_interval_seconds, max_checks, secret)
       VALUES ('shop', 'http://127.0.0.1:9/', 3000, 6, 30, 600, 15, 'whsec_x')`,
    );
    await db.sql(
      `INSERT INTO consumer_groups (name, topic, mode, delivery_type, push_urls, push_timeout_ms, max_concurrency,
                                    max_retries, retry_backoff_seconds, secret, start_seq)
       VALUES ('shipping', 'orders', 'clustering', 'push', '{http://127.0.0.1:9/}', 1000, 4, 1, '{1}', 'whsec_x', 0)`,
    );
  });
  afterAll(() => Promise.all(clients.map((client) => client.end())));

  async function connect(options?: string): Promise<Client> {
    const client = new Client({ connectionString: db.env.databaseUrl, options });
    await client.connect();
    clients.push(client);
    return client;
  }

  /** 20,000 transactions, each with a committed message and an acked delivery, in the current window. */
  async function fillWindow(): Promise<void> {
    await db.sql(
      `WITH t AS (
         INSERT INTO transactions (id, producer_group, state, resolved_at, resolved_by)
         SELECT ${V7}, 'shop', 'COMMITTED', now(), 'producer' FROM generate_series(1, 20000)
         RETURNING id
       ), m AS (
         INSERT INTO messages (id, transaction_id, topic, state, body, published_at, commit_seq)
         SELECT ${V7}, t.id, 'orders', 'COMMITTED', '{"n":1}', now(), 1000 + row_number() OVER () FROM t
         RETURNING id, commit_seq
       )
       INSERT INTO deliveries (id, message_id, consumer_group, member, state, attempts, commit_seq, available_at, acked_at)
       SELECT txmsg_delivery_id(m.id, 'shipping', ''), m.id, 'shipping', '', 'acked', 1, m.commit_seq, now(), now() FROM m`,
    );
  }

  it('connections plan a named statement once and use that plan for every call', async () => {
    const client = await connect(sessionOptions());
    expect((await client.query('SHOW plan_cache_mode')).rows[0].plan_cache_mode).toBe('force_generic_plan');
    for (let i = 0; i < 8; i++) await client.query({ name: 'lock', text: LOCK_SQL, values: [[uuidV7()]] });
    const { rows } = await client.query(
      `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'lock'`,
    );
    expect(rows[0]).toEqual({ generic_plans: '8', custom_plans: '0' });
  });

  it('plans once only on the hot path: the main pool plans a parameterized query for its values', async () => {
    /** The plan Postgres used for one unnamed parameterized query on a connection made with `options`. */
    async function planOfLookup(options: string | undefined): Promise<string> {
      const client = await connect(options);
      await client.query(`LOAD 'auto_explain'`);
      await client.query(`SET auto_explain.log_min_duration = 0`);
      await client.query(`SET auto_explain.log_level = notice`);
      const plans: string[] = [];
      client.on('notice', (notice) => plans.push(String(notice.message)));
      await client.query('SELECT id FROM messages WHERE id = $1', [uuidV7()]);
      await client.query('SELECT 1'); // the notice arrives before this answer
      expect(plans.join('\n')).toMatch(/Scan using messages_\w+_pkey/);
      return plans.join('\n');
    }
    const optionsOf = (planOnce: boolean) =>
      (dataSourceOptions(db.env.databaseUrl, 1, undefined, { planOnce }) as { extra: { options?: string } })
        .extra.options;
    // A generic plan cannot prune windows when it is made: it prunes them when it runs.
    expect(await planOfLookup(optionsOf(false))).not.toMatch(/Subplans Removed/);
    expect(await planOfLookup(optionsOf(true))).toMatch(/Subplans Removed/);
  });

  it('each hot statement reads only its own rows on a generic plan made while the window was empty', async () => {
    const client = await connect(sessionOptions());
    const absent = [uuidV7()];
    const outcome = {
      id: absent[0],
      attempt: 1,
      startedAt: new Date(),
      ordered: false,
      free: false,
      outcome: 'acked' as const,
      nextState: 'acked' as const,
      delaySeconds: 0,
      httpStatus: 200,
      latencyMs: 3,
      excerpt: null,
      error: null,
    };
    const statements: Record<string, { sql: string; params: unknown[] }> = {
      lock: { sql: LOCK_SQL, params: [absent] },
      send: {
        sql: SEND_SQL,
        params: insertMessagesParams([{ id: uuidV7(), topic: 'orders', body: 1, transactionId: null }], true),
      },
      decide: { sql: DECIDE_SQL, params: [absent, ['COMMITTED'], ['producer'], ['shop'], OPEN_STATES] },
      claim: { sql: PUSH_CLAIM_SQL, params: pushClaimParams([{ deliveryId: absent[0], attempt: 1 }], 30) },
      record: { sql: PUSH_RECORD_SQL, params: pushRecordParams([outcome]) },
      ack: {
        sql: PULL_ACK_SQL,
        params: pullAckParams([{ id: absent[0], group: 'shipping', receipt: 'rh_x', outcome: 'acked' }]),
      },
      receive: { sql: PULL_RECEIVE_SQL, params: ['shipping', '', 10, 30] },
      nextDue: { sql: PULL_NEXT_DUE_SQL, params: ['shipping', ''] },
      expireOfMember: { sql: EXPIRE_LEASES_SQL, params: ['shipping', ''] },
      expireAll: { sql: EXPIRE_LEASES_SQL, params: [null, ''] },
    };
    const execute = (name: string) => `EXECUTE ${name}(${statements[name].params.map(literal).join(', ')})`;
    for (const [name, { sql }] of Object.entries(statements)) {
      await client.query(`PREPARE ${name} AS ${sql}`);
      await client.query(execute(name)); // the generic plan is made now, on the empty window
    }

    await fillWindow();

    for (const name of Object.keys(statements)) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${execute(name)}`);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Append/); // a generic plan over the windows: nothing pruned at plan time
      expect({ name, scans: plan.match(/Seq Scan on (transactions|messages|deliveries)_\w+/g) }).toEqual({
        name,
        scans: null,
      });
    }
  });
});
