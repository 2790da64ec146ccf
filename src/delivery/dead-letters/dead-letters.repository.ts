import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../../infra/database/sql';
import type { QueuedDelivery } from '../dispatch/deliveries.repository';
import { DELIVERED_MESSAGE_COLUMNS, type DeliveredMessageRow } from '../delivered-message.sql';

export interface DeadLetterRow extends DeliveredMessageRow {
  id: string;
  member: string;
  attempts: number;
  lastError: string | null;
  deadAt: Date;
}

@Injectable()
export class DeadLettersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(group: string, limit: number, afterId?: string): Promise<DeadLetterRow[]> {
    return queryRows<DeadLetterRow>(
      this.dataSource,
      `SELECT d.id, d.member, d.attempts, d.last_error, d.dead_at, ${DELIVERED_MESSAGE_COLUMNS}
         FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE d.consumer_group = $1 AND d.state = 'dead' AND ($3::uuid IS NULL OR d.id > $3)
        ORDER BY d.id LIMIT $2`,
      [group, limit, afterId ?? null],
    );
  }

  /** Dead letters (all, or those named by dead-letter or message id) start over at attempt 1. */
  redrive(group: string, ids: string[] | null): Promise<QueuedDelivery[]> {
    return queryRows<QueuedDelivery>(
      this.dataSource,
      `WITH redriven AS (
         UPDATE deliveries d
            SET state = 'pending', attempts = 0, available_at = now(), dead_at = NULL,
                lease_until = NULL, receipt = NULL
          WHERE d.consumer_group = $1 AND d.state = 'dead'
            AND ($2::uuid[] IS NULL OR d.id = ANY ($2) OR d.message_id = ANY ($2))
          RETURNING d.id, d.message_id, d.consumer_group
       ), traced AS (
         INSERT INTO trace_events (message_id, type, consumer_group) SELECT message_id, 'redriven', consumer_group FROM redriven
       )
       SELECT r.id, r.consumer_group, g.delivery_type, 1 AS attempt, 0 AS delay_ms
         FROM redriven r JOIN consumer_groups g ON g.name = r.consumer_group`,
      [group, ids],
    );
  }
}
