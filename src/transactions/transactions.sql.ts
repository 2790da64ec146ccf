// The verdict's statements, plain so a medium spec runs exactly what the repository runs.
import { COMMIT_LOCK_SHARED_CTE } from '../consumer-groups/commit-lock';

/**
 * Resolves transactions $1 to states $2 (by $3) with their messages; see
 * `TransactionsRepository.resolveMany`. Every table is reached through `= ANY ($1)` on its
 * partition key (or its index), never through a join alone, so even a plan made while the
 * window was empty reads only the rows it changes.
 */
export const RESOLVE_SQL = `WITH v AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS v(id, state, resolved_by, n)
       ), ${COMMIT_LOCK_SHARED_CTE},
       ordered AS (
         SELECT pending.id, nextval('message_commit_seq') AS seq
           FROM (SELECT m.id FROM v JOIN messages m ON m.transaction_id = v.id AND m.state = 'PREPARED'
                  WHERE v.state = 'COMMITTED' AND m.transaction_id = ANY ($1::uuid[])
                  ORDER BY v.n, m.id) AS pending, commit_lock
       ), msgs AS (
         UPDATE messages m
            SET state = v.state,
                published_at = CASE WHEN v.state = 'COMMITTED' THEN now() END,
                commit_seq = (SELECT o.seq FROM ordered o WHERE o.id = m.id)
           FROM v WHERE m.transaction_id = ANY ($1::uuid[]) AND m.transaction_id = v.id AND m.state = 'PREPARED'
         RETURNING m.id, m.transaction_id
       ), resolved AS (
         UPDATE transactions t
            SET state = v.state, resolved_at = now(), resolved_by = v.resolved_by, next_check_at = NULL,
                check_lease_until = NULL, check_lease_owner = NULL
           FROM v WHERE t.id = ANY ($1::uuid[]) AND t.id = v.id
         RETURNING t.*
       )
       SELECT r.*, (SELECT coalesce(array_agg(msgs.id::text ORDER BY msgs.id), '{}') FROM msgs
                     WHERE msgs.transaction_id = r.id) AS message_ids
         FROM resolved r`;

/** Locks transactions $1 for a verdict, in id order so that concurrent batches never deadlock. */
export const LOCK_SQL = `SELECT * FROM transactions WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE`;
