// The admin overview must answer within 100 ms with millions of retained messages (SPEC §10).
// This fills a cloned database with a million delivered messages (plus a realistic open tail),
// then EXPLAINs every statement the overview runs: none may scan a large table, so its cost
// follows what is open or recent, not what is retained. Timings are logged, never asserted.
import { OVERVIEW_SQL } from '../../src/admin/overview/overview.sql';
import { BACKLOG_SQL } from '../../src/consumer-groups/backlog.sql';
import { PREFER_INDEX_SCANS } from '../../src/infra/database/sql';
import { useTestDatabase } from '../support/test-database';

const RETAINED = 1_000_000;
const LARGE_TABLES = [
  'messages',
  'deliveries',
  'transactions',
  'check_attempts',
  'delivery_attempts',
  'trace_events',
];

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe('overview at scale (1M retained messages)', () => {
  const db = useTestDatabase();
  const hourAgo = new Date(Date.now() - 59 * 60_000);

  beforeAll(async () => {
    const sql = (text: string) => db.sql(text);
    await sql(`INSERT INTO topics (name) VALUES ('orders')`);
    await sql(`INSERT INTO producer_groups (name, checkback_url, checkback_timeout_ms, check_immunity_seconds,
                 check_interval_seconds, max_check_interval_seconds, max_checks, secret)
               SELECT 'pg-' || i, 'http://127.0.0.1:9/', 3000, 6, 30, 600, 15, 'whsec_x' FROM generate_series(1, 5) i`);
    await sql(`INSERT INTO consumer_groups (name, topic, mode, delivery_type, max_retries, retry_backoff_seconds, secret, start_seq)
               SELECT 'cg-' || i, 'orders', 'clustering', 'pull', 16, '{10}', 'whsec_x', 0 FROM generate_series(1, 4) i`);
    // A million delivered messages from the last two days, each acked by one group.
    await sql(`INSERT INTO transactions (id, producer_group, state, checks, created_at, resolved_at, resolved_by)
               SELECT txmsg_uuid_v7(), 'pg-' || (i % 5 + 1), 'COMMITTED', 0, now() - make_interval(secs => i * 0.17),
                      now() - make_interval(secs => i * 0.17), 'producer'
                 FROM generate_series(1, ${RETAINED / 5}) i`);
    await sql(`INSERT INTO messages (id, topic, state, body, key, created_at, published_at, commit_seq)
               SELECT txmsg_uuid_v7(), 'orders', 'COMMITTED', '{"n":1}', 'k' || i, now() - make_interval(secs => i * 0.17),
                      now() - make_interval(secs => i * 0.17), i
                 FROM generate_series(1, ${RETAINED}) i`);
    await sql(`SELECT setval('message_commit_seq', ${RETAINED})`);
    await sql(`INSERT INTO deliveries (id, message_id, consumer_group, state, attempts, commit_seq, available_at, acked_at, created_at)
               SELECT txmsg_uuid_v7(), id, 'cg-' || (commit_seq % 4 + 1), 'acked', 1, commit_seq, published_at, published_at, published_at
                 FROM messages`);
    await sql(`INSERT INTO check_attempts (transaction_id, producer_group, attempt, at, outcome, latency_ms, error)
               SELECT id, producer_group, 1, created_at, CASE WHEN random() < 0.2 THEN 'ERROR' ELSE 'UNKNOWN' END, 12,
                      'connection refused'
                 FROM transactions`);
    // The open tail an operator looks at: a backlog, retries, dead letters, leases, open transactions.
    await sql(`UPDATE deliveries SET state = CASE WHEN commit_seq % 4 = 0 THEN 'pending' WHEN commit_seq % 4 = 1 THEN 'retrying'
                                          WHEN commit_seq % 4 = 2 THEN 'dead' ELSE 'inflight' END,
                                     acked_at = NULL, dead_at = CASE WHEN commit_seq % 4 = 2 THEN now() END
                WHERE commit_seq <= 4000`);
    await sql(`UPDATE transactions SET state = CASE WHEN random() < 0.5 THEN 'PREPARED' ELSE 'STUCK' END,
                                       resolved_at = NULL, resolved_by = NULL, next_check_at = now()
                WHERE id IN (SELECT id FROM transactions ORDER BY created_at DESC LIMIT 500)`);
    await sql(`INSERT INTO activity_samples (minute, commit_seq, acked_total, sampled_at)
               SELECT date_trunc('minute', now()) - make_interval(mins => i), ${RETAINED} - i * 100, 0, now()
                 FROM generate_series(0, 120) i ON CONFLICT DO NOTHING`);
    await sql('ANALYZE');
  }, 300_000);

  /** Each statement as the overview runs it: the first two through plain index scans (`queryThroughIndexes`). */
  const statements: [string, string, unknown[], boolean][] = [
    ['openTransactions', OVERVIEW_SQL.openTransactions, [], true],
    ['producerGroupHealth', OVERVIEW_SQL.producerGroupHealth, [], false],
    ['activitySamples', OVERVIEW_SQL.activitySamples, [hourAgo], false],
    ['checksFailedPerMinute', OVERVIEW_SQL.checksFailedPerMinute, [hourAgo], false],
    ['deadLetteredPerMinute', OVERVIEW_SQL.deadLetteredPerMinute, [hourAgo], false],
    ['consumer group backlog', BACKLOG_SQL, [null], true],
  ];

  it.each(statements)(
    '%s reads indexes, never a sequential scan of a large table',
    async (_name, text, params, throughIndexes) => {
      const rows = await db.inTransaction(async (sql) => {
        if (throughIndexes) await sql(PREFER_INDEX_SCANS);
        return sql(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params);
      });
      const [{ Plan: plan, 'Execution Time': ms }] = rows[0]['QUERY PLAN'] as [
        { Plan: PlanNode; 'Execution Time': number },
      ];
      const scans = nodesOf(plan).filter(
        (node) => node['Node Type'] === 'Seq Scan' && LARGE_TABLES.includes(node['Relation Name'] ?? ''),
      );
      expect(scans.map((node) => node['Relation Name'])).toEqual([]);
      process.stdout.write(`overview at ${RETAINED} messages: ${_name} ${ms.toFixed(1)} ms\n`);
    },
  );

  it('holds the million rows the plans were checked against', async () => {
    const rows = await db.sql(`SELECT count(*)::int AS n FROM messages`);
    expect(rows[0].n).toBe(RETAINED);
  });
});
