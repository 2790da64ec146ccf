import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../infra/database/sql';

/**
 * Retention deletes, a bounded batch per statement, only what is fully resolved and older than
 * the retention: rolled-back messages; committed messages no group still has to deliver (every
 * delivery acked, or dead-lettered longer ago than the retention); resolved transactions left
 * without messages; old idempotency keys (never younger than 24 h, SPEC §3). A PREPARED or STUCK
 * transaction and its messages are never touched, nor is an undelivered message.
 */
@Injectable()
export class RetentionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async deleteMessages(hours: number, limit: number): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `WITH doomed AS (
         SELECT m.id FROM messages m
          WHERE m.created_at < now() - make_interval(hours => $1)
            AND (m.state = 'ROLLED_BACK' OR (
                  m.state = 'COMMITTED' AND m.published_at < now() - make_interval(hours => $1)
                  AND NOT EXISTS (
                    SELECT 1 FROM deliveries d
                     WHERE d.message_id = m.id
                       AND (d.state IN ('pending', 'inflight', 'retrying')
                            OR (d.state = 'dead' AND d.dead_at >= now() - make_interval(hours => $1))))))
          ORDER BY m.created_at LIMIT $2
          FOR UPDATE OF m SKIP LOCKED
       ), deliveries_gone AS (
         DELETE FROM deliveries d USING doomed WHERE d.message_id = doomed.id
       ), trace_gone AS (
         DELETE FROM trace_events e USING doomed WHERE e.message_id = doomed.id
       )
       DELETE FROM messages m USING doomed WHERE m.id = doomed.id RETURNING m.id`,
      [hours, limit],
    );
    return rows.length;
  }

  async deleteTransactions(hours: number, limit: number): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM transactions WHERE id IN (
         SELECT t.id FROM transactions t
          WHERE t.state IN ('COMMITTED', 'ROLLED_BACK') AND t.resolved_at < now() - make_interval(hours => $1)
            AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.transaction_id = t.id)
          ORDER BY t.resolved_at LIMIT $2
          FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [hours, limit],
    );
    return rows.length;
  }

  async deleteIdempotencyKeys(hours: number, limit: number): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM idempotency_keys WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_keys
          WHERE created_at < now() - make_interval(hours => greatest($1, 24))
          ORDER BY created_at LIMIT $2)
       RETURNING key`,
      [hours, limit],
    );
    return rows.length;
  }
}
