// The pull statements of the hot path (receive, when next due, acks as one statement for a batch
// of ack requests), plain so a medium spec runs exactly what the service runs. They run as named
// statements planned once per connection, so each reaches the partitioned tables through ids or
// an index, never through a join alone (plan-cache.medium-spec).
import { ASYNC_COMMIT_JOIN, asyncCommitCte } from '../../topics/durability.sql';
import { countAckedSql } from '../delivery-state';
import { DELIVERED_MESSAGE_COLUMNS } from '../delivered-message.sql';
import { IS_HEAD_OF_KEY } from '../ordered-key.sql';

/**
 * A fresh receipt handle for delivery `d`, in SQL: `rh_`, 32 random hex digits, then the
 * delivery's id as 32 hex digits, so an ack finds its delivery by primary key (`receiptTarget`).
 */
export const NEW_RECEIPT_SQL = `'rh_' || replace(gen_random_uuid()::text, '-', '') || replace(d.id::text, '-', '')`;

/**
 * Takes up to $3 ready deliveries of group $1's member $2 for $4 seconds, each with a fresh
 * receipt handle. SKIP LOCKED keeps concurrent receivers from taking the same one (G6). The
 * picked ids reach the deliveries through `= ANY`, and each claimed delivery its message by its
 * id (a lateral lookup), so the windows are pruned when the statement runs and each is read by
 * its primary key, whatever its row width made the planner guess while it was empty (the LIMIT
 * keeps the lookup a parameterized one: a subquery with a LIMIT is not flattened into a join).
 */
export const PULL_RECEIVE_SQL = `WITH picked AS (
         SELECT d.id FROM deliveries d JOIN consumer_groups g ON g.name = d.consumer_group
          WHERE d.consumer_group = $1 AND d.member = $2 AND d.state IN ('pending', 'retrying')
            AND d.available_at <= now() AND g.paused_at IS NULL AND ${IS_HEAD_OF_KEY}
          ORDER BY d.available_at, d.commit_seq LIMIT $3
          FOR UPDATE OF d SKIP LOCKED
       ), claimed AS (
         UPDATE deliveries d
            SET state = 'inflight', attempts = d.attempts + 1,
                lease_until = now() + make_interval(secs => $4),
                receipt = ${NEW_RECEIPT_SQL}
          WHERE d.id = ANY (ARRAY(SELECT id FROM picked))
          RETURNING d.message_id, d.receipt, d.attempts, d.commit_seq
       )
       SELECT c.receipt, c.attempts, m.*
         FROM claimed c CROSS JOIN LATERAL (
                SELECT ${DELIVERED_MESSAGE_COLUMNS} FROM messages m WHERE m.id = c.message_id LIMIT 1
              ) m
        ORDER BY c.commit_seq`;

/**
 * Milliseconds until something of group $1's member $2 may become ready (a delay or a lease
 * ends); null while the group is paused (resuming wakes the receivers).
 */
export const PULL_NEXT_DUE_SQL = `SELECT greatest(0, ceil(extract(epoch FROM min(
                CASE WHEN state = 'inflight' THEN lease_until WHEN available_at > now() THEN available_at END
              ) - now()) * 1000)) AS ms
         FROM deliveries
        WHERE consumer_group = $1 AND member = $2 AND state IN ('pending', 'retrying', 'inflight')
          AND NOT EXISTS (SELECT 1 FROM consumer_groups g WHERE g.name = $1 AND g.paused_at IS NOT NULL)`;

/**
 * Acks deliveries whose current receipt is the one given ($1 ids, $2 groups, $3 receipts, $4
 * outcomes recorded for the attempt: `acked`, or `deduplicated` when dedupe by key skipped it),
 * adds them to their groups' `acked_total`, and returns the receipts acked. Deliveries are
 * reached through `= ANY ($1)` on their partition key, so even a plan made while the window was
 * empty reads only the rows it acks; one that another statement acked first is skipped.
 */
export const PULL_ACK_SQL = `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS r(id, consumer_group, receipt, outcome)
       ), acked AS (
         UPDATE deliveries d SET state = 'acked', acked_at = now(), lease_until = NULL, receipt = NULL
           FROM r
          WHERE d.id = ANY ($1::uuid[]) AND d.id = r.id AND d.consumer_group = r.consumer_group
            AND d.receipt = r.receipt AND d.state = 'inflight'
         RETURNING d.id, d.consumer_group, d.state, d.attempts, r.receipt, r.outcome
       ), logged AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome)
         SELECT id, attempts, now(), outcome FROM acked
       ), counted AS (${countAckedSql('acked')}
       ), ${asyncCommitCte('(SELECT g.topic FROM acked JOIN consumer_groups g ON g.name = acked.consumer_group) AS q')}
       SELECT consumer_group, receipt FROM acked ${ASYNC_COMMIT_JOIN}`;

/** One receipt to ack: the delivery its handle names, in a group, recorded as `outcome`. */
export interface AckTarget {
  id: string;
  group: string;
  receipt: string;
  outcome: 'acked' | 'deduplicated';
}

export const pullAckParams = (targets: AckTarget[]) => [
  targets.map((t) => t.id),
  targets.map((t) => t.group),
  targets.map((t) => t.receipt),
  targets.map((t) => t.outcome),
];

const RECEIPT = /^rh_[0-9a-f]{32}([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/;

/** The delivery id a receipt handle names, or null for a string no receive ever handed out. */
export function receiptTarget(receipt: string): string | null {
  const parts = RECEIPT.exec(receipt);
  return parts ? parts.slice(1).join('-') : null;
}
