// The delivery state machine (SPEC §7): the states named once, and every way a delivery leaves
// `inflight` — acked, retried later, or dead-lettered — with what each records on the way: the
// attempt row (by the caller), the trace event, the group's acked counter. Push, pull and the
// lease reconciler all move deliveries through these, in TypeScript or in the SQL below.
//
//   pending ──claim/receive──▶ inflight ──2xx / ack──▶ acked
//   retrying ─┘                  │  └──failure / nack / lease ran out──▶ retrying (retries left)
//                                └───────────────────────────────────▶ dead (no retries left)
//   dead ──redrive──▶ pending;  acked | dead ──replay──▶ pending
export const DELIVERY_STATES = ['pending', 'inflight', 'retrying', 'acked', 'dead'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** States a delivery can be claimed (push) or received (pull) from. */
export const CLAIMABLE_STATES: readonly DeliveryState[] = ['pending', 'retrying'];

/** The one dead-or-retry rule: attempt `attempts` failed; it is dead once no retries are left. */
export const isOutOfRetries = (attempts: number, maxRetries: number): boolean => attempts > maxRetries;

/** The same rule over SQL expressions, for statements that move many deliveries at once. */
export const outOfRetriesSql = (attempts: string, maxRetries: string): string =>
  `(${attempts} > ${maxRetries})`;

/**
 * The trace event of deliveries that left inflight without an ack: `retried` (with the time of
 * the next attempt) or `dead`. `moved` is a CTE returning message_id, consumer_group, state,
 * attempts and available_at.
 */
export const traceLeftInflightSql = (moved: string): string => `
  INSERT INTO trace_events (message_id, type, consumer_group, attempt, detail)
  SELECT message_id, CASE state WHEN 'dead' THEN 'dead' ELSE 'retried' END, consumer_group, attempts,
         CASE state WHEN 'retrying' THEN jsonb_build_object('nextAttemptAt', available_at) END
    FROM ${moved} WHERE state IN ('retrying', 'dead')`;

/**
 * Adds the acks among `moved` (a CTE returning consumer_group and state) to their groups'
 * `acked_total`, the counter that outlives retention.
 */
export const countAckedSql = (moved: string): string => `
  UPDATE consumer_groups g SET acked_total = g.acked_total + c.n
    FROM (SELECT consumer_group, count(*) AS n FROM ${moved} WHERE state = 'acked' GROUP BY consumer_group) c
   WHERE g.name = c.consumer_group`;
