// Retention's statements ($1 minutes, $2 batch size), plain so a medium spec runs exactly what the
// repository runs. Each deletes a bounded batch of what is fully resolved and old enough.

/** Rolled-back messages, and committed ones no group still has to deliver, with their deliveries and trace. */
export const DELETE_MESSAGES_SQL = `WITH doomed AS (
         SELECT m.id FROM messages m
          WHERE m.created_at < now() - make_interval(mins => $1)
            AND (m.state = 'ROLLED_BACK' OR (
                  m.state = 'COMMITTED' AND m.published_at < now() - make_interval(mins => $1)
                  AND NOT EXISTS (
                    SELECT 1 FROM deliveries d
                     WHERE d.message_id = m.id
                       AND (d.state IN ('pending', 'inflight', 'retrying')
                            OR (d.state = 'dead' AND d.dead_at >= now() - make_interval(mins => $1))))))
          ORDER BY m.created_at LIMIT $2
          FOR UPDATE OF m SKIP LOCKED
       ), deliveries_gone AS (
         DELETE FROM deliveries d USING doomed WHERE d.message_id = doomed.id
       ), trace_gone AS (
         DELETE FROM trace_events e USING doomed WHERE e.message_id = doomed.id
       )
       DELETE FROM messages m USING doomed WHERE m.id = doomed.id RETURNING m.id`;

/** Resolved transactions left without messages (their check attempts go by cascade). */
export const DELETE_TRANSACTIONS_SQL = `DELETE FROM transactions WHERE id IN (
         SELECT t.id FROM transactions t
          WHERE t.state IN ('COMMITTED', 'ROLLED_BACK') AND t.resolved_at < now() - make_interval(mins => $1)
            AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.transaction_id = t.id)
          ORDER BY t.resolved_at LIMIT $2
          FOR UPDATE SKIP LOCKED)
       RETURNING id`;

/** Idempotency keys, never younger than 24 h (SPEC §3). */
export const DELETE_IDEMPOTENCY_KEYS_SQL = `DELETE FROM idempotency_keys WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_keys
          WHERE created_at < now() - make_interval(mins => greatest($1, 24 * 60))
          ORDER BY created_at LIMIT $2)
       RETURNING key`;
