// Leases that ran out, plain so a medium spec runs exactly what the repository runs.
import { outOfRetriesSql, traceLeftInflightSql } from '../delivery-state';

const OUT_OF_RETRIES = outOfRetriesSql('d.attempts', 'g.max_retries');

/**
 * Inflight deliveries whose lease ran out become retrying at once, or dead once no retries are
 * left; each such attempt is recorded as expired ($1 group and $2 member, or null for all).
 */
export const EXPIRE_LEASES_SQL = `WITH expired AS (
         SELECT d.id FROM deliveries d
          WHERE d.state = 'inflight' AND d.lease_until < now()
            AND ($1::text IS NULL OR (d.consumer_group = $1 AND d.member = $2))
          ORDER BY d.lease_until LIMIT 1000
          FOR UPDATE SKIP LOCKED
       ), moved AS (
         UPDATE deliveries d
            SET state = CASE WHEN ${OUT_OF_RETRIES} THEN 'dead' ELSE 'retrying' END,
                dead_at = CASE WHEN ${OUT_OF_RETRIES} THEN now() END,
                available_at = now(), lease_until = NULL, receipt = NULL,
                last_error = CASE WHEN g.delivery_type = 'pull' THEN 'not acknowledged within its invisible time'
                                  ELSE 'no outcome recorded before the lease ran out' END
           FROM expired, consumer_groups g
          WHERE d.id = expired.id AND g.name = d.consumer_group
          RETURNING d.id, d.message_id, d.consumer_group, d.state, d.attempts, d.available_at, d.last_error, g.delivery_type
       ), attempts AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, error)
         SELECT id, attempts, now(), 'expired', last_error FROM moved
       ), traced AS (${traceLeftInflightSql('moved')})
       SELECT id, consumer_group, delivery_type, attempts + 1 AS attempt, 0 AS delay_ms
         FROM moved WHERE state = 'retrying'`;
