// What Postgres holds at the end of a delivery spec, as the facts `checkHistory` judges a history
// against, and the assertion that prints the violations with the whole history.
import type { Pool } from 'pg';
import {
  checkHistory,
  formatHistory,
  type CommittedMessage,
  type GroupUnderTest,
  type HistoryFacts,
  type Seen,
} from './delivery-history';
import { expectEventually } from './eventually';

export interface GroupConfigSeen {
  name: string;
  ordered: boolean;
  /** '' for clustering; the URLs or consumer ids of a broadcasting group. */
  members?: string[];
}

/** Waits until no delivery of `groups` is pending, in flight or retrying. */
export async function waitUntilSettled(db: Pool, groups: string[], timeoutMs = 30_000): Promise<void> {
  await expectEventually(async () => {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM deliveries WHERE consumer_group = ANY ($1) AND state IN ('pending', 'inflight', 'retrying')`,
      [groups],
    );
    expect(Number(rows[0].n)).toBe(0);
  }, timeoutMs);
}

/**
 * The facts for `groups`: each group's expected messages are the committed ones of its topic and
 * tag filter committed after it was created (its start sequence), as the SPEC defines them —
 * computed from the messages, not from the deliveries the service made.
 */
export async function historyFacts(
  db: Pool,
  groups: GroupConfigSeen[],
  published: Iterable<string>,
): Promise<HistoryFacts> {
  const committed = await db.query<CommittedMessage & { topic: string; tag: string | null }>(
    `SELECT id, commit_seq::int AS seq, sharding_key AS "shardingKey", topic, tag FROM messages WHERE state = 'COMMITTED'`,
  );
  const configs = await db.query<{
    name: string;
    topic: string;
    filterTags: string[] | null;
    startSeq: string;
    maxRetries: number;
  }>(
    `SELECT name, topic, filter_tags AS "filterTags", start_seq AS "startSeq", max_retries AS "maxRetries"
       FROM consumer_groups WHERE name = ANY ($1)`,
    [groups.map((g) => g.name)],
  );
  const states = await db.query<{
    consumer_group: string;
    member: string;
    message_id: string;
    state: string;
  }>(`SELECT consumer_group, member, message_id, state FROM deliveries WHERE consumer_group = ANY ($1)`, [
    groups.map((g) => g.name),
  ]);
  const underTest: GroupUnderTest[] = groups.map((group) => {
    const config = configs.rows.find((c) => c.name === group.name);
    if (!config) throw new Error(`consumer group ${group.name} does not exist`);
    return {
      name: group.name,
      ordered: group.ordered,
      members: group.members ?? [''],
      maxRetries: config.maxRetries,
      expected: committed.rows
        .filter(
          (m) =>
            m.topic === config.topic &&
            m.seq > Number(config.startSeq) &&
            (config.filterTags === null || (m.tag !== null && config.filterTags.includes(m.tag))),
        )
        .map((m) => m.id),
    };
  });
  return {
    groups: underTest,
    committed: committed.rows.map(({ id, seq, shardingKey }) => ({ id, seq, shardingKey })),
    published: [...published],
    finalStates: new Map(
      states.rows.map((r) => [`${r.consumer_group}\n${r.member}\n${r.message_id}`, r.state]),
    ),
  };
}

/** Fails with every violation and the whole history when a guarantee was broken. */
export function expectHistoryHolds(history: readonly Seen[], facts: HistoryFacts, context = ''): void {
  const violations = checkHistory(history, facts);
  if (violations.length === 0) return;
  const t0 = Math.min(...history.map((s) => s.start));
  throw new Error(
    [
      `${violations.length} violation(s)${context ? ` (${context})` : ''}:`,
      ...violations.map((v) => `  ${v.rule} ${v.group} ${v.messageId}: ${v.message}`),
      `history (ms from ${new Date(t0).toISOString()}):`,
      formatHistory(history, t0),
    ].join('\n'),
  );
}

/**
 * The usual ending of a delivery spec: waits until `groups` have nothing left to deliver, then
 * judges the whole history against what Postgres holds.
 */
export async function expectSettledHistoryHolds(
  db: Pool,
  history: readonly Seen[],
  groups: GroupConfigSeen[],
  published: Iterable<string>,
): Promise<void> {
  await waitUntilSettled(
    db,
    groups.map((g) => g.name),
  );
  expectHistoryHolds(history, await historyFacts(db, groups, published));
}
