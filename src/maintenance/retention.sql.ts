// Retention's statements ($1 minutes, $2 batch size), plain so a medium spec runs exactly what the
// repository runs. Each deletes a bounded batch of what is old enough.

/** Idempotency keys, never younger than 24 h (SPEC §3). */
export const DELETE_IDEMPOTENCY_KEYS_SQL = `DELETE FROM idempotency_keys WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_keys
          WHERE created_at < now() - make_interval(mins => greatest($1, 24 * 60))
          ORDER BY created_at LIMIT $2)
       RETURNING key`;
