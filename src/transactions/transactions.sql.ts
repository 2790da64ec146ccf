// The verdict's statements, plain so a medium spec runs exactly what the repository runs.
import { COMMIT_LOCK_SHARED_CTE, keyLocksCte } from '../consumer-groups/commit-lock';
import { insertDeliveriesSql, QUEUED_DELIVERIES_JSON } from '../delivery/dispatch/deliveries.sql';
import { ASYNC_COMMIT_JOIN, asyncCommitCte } from '../topics/durability.sql';

/**
 * Applies verdicts in one statement: resolves transactions $1 to states $2 (by $3) where their
 * state is among $5 and their producer group among the newline-separated grants $4 (null: any);
 * resolves their messages with them (a commit publishes them: COMMITTED, published now, commit
 * sequence in the order given and by id within a transaction, under the commit lock and the
 * locks of their keys; a
 * rollback marks them ROLLED_BACK); and creates the deliveries of the published ones. A
 * resolved transaction is never checked again: its schedule and lease are cleared. When every
 * message it resolves is on an `async` topic, it commits asynchronously.
 *
 * Returns each transaction it resolved, with its message ids and the deliveries to queue
 * (`QueuedDelivery` as JSON); one it did not resolve (absent, not in those states, or not
 * granted) is left as it was. Every table is reached through `= ANY ($1)` on its partition key
 * (or its index), never through a join alone, so even a plan made while the window was empty
 * reads only the rows it changes.
 */
export const DECIDE_SQL = `WITH v AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
                  WITH ORDINALITY AS v(id, state, resolved_by, grants, n)
       ), resolved AS (
         UPDATE transactions t
            SET state = v.state, resolved_at = now(), resolved_by = v.resolved_by, next_check_at = NULL,
                check_lease_until = NULL, check_lease_owner = NULL
           FROM v
          WHERE t.id = ANY ($1::uuid[]) AND t.id = v.id AND t.state = ANY ($5::text[])
            AND (v.grants IS NULL OR t.producer_group = ANY (string_to_array(v.grants, E'\\n')))
         RETURNING t.*, v.n
       ), ${COMMIT_LOCK_SHARED_CTE},
       ${keyLocksCte(`(SELECT m.topic, m.sharding_key FROM resolved r JOIN messages m ON m.transaction_id = r.id
                        WHERE m.transaction_id = ANY ($1::uuid[]) AND m.state = 'PREPARED' AND r.state = 'COMMITTED') AS keys`)},
       ordered AS (
         SELECT pending.id, pending.state,
                CASE WHEN pending.state = 'COMMITTED' THEN nextval('message_commit_seq') END AS seq
           FROM (SELECT m.id, r.state FROM resolved r JOIN messages m ON m.transaction_id = r.id AND m.state = 'PREPARED'
                  WHERE m.transaction_id = ANY ($1::uuid[])
                  ORDER BY r.n, m.id) AS pending, commit_lock, key_locks
       ), msgs AS (
         UPDATE messages m
            SET state = o.state,
                published_at = CASE WHEN o.state = 'COMMITTED' THEN now() END,
                commit_seq = o.seq
           FROM ordered o
          WHERE m.transaction_id = ANY ($1::uuid[]) AND m.id = o.id AND m.state = 'PREPARED'
         RETURNING m.id, m.transaction_id, m.state, m.topic, m.tag, m.sharding_key, m.commit_seq, m.published_at, m.delay_ms
       ), inserted AS (${insertDeliveriesSql('msgs m', `m.state = 'COMMITTED'`)}
       ), ids AS (
         SELECT transaction_id, array_agg(id::text ORDER BY id) AS message_ids FROM msgs GROUP BY transaction_id
       ), ${asyncCommitCte('msgs AS q')}, queued AS (
         SELECT msgs.transaction_id, ${QUEUED_DELIVERIES_JSON} AS queued
           FROM inserted i JOIN msgs ON msgs.id = i.message_id JOIN consumer_groups g ON g.name = i.consumer_group
          GROUP BY msgs.transaction_id
       )
       SELECT r.id, r.producer_group, r.state, r.checks, r.next_check_at, r.check_lease_until, r.check_lease_owner,
              r.created_at, r.resolved_at, r.resolved_by,
              coalesce(ids.message_ids, '{}') AS message_ids, coalesce(q.queued, '[]') AS queued
         FROM resolved r
         LEFT JOIN ids ON ids.transaction_id = r.id
         LEFT JOIN queued q ON q.transaction_id = r.id
         ${ASYNC_COMMIT_JOIN}`;

/** Locks transactions $1 for a verdict, in id order so that concurrent batches never deadlock. */
export const LOCK_SQL = `SELECT * FROM transactions WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE`;
