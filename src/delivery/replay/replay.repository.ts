import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../../infra/database/sql';
import type { QueuedDelivery } from '../dispatch/deliveries.repository';
import { membersOf } from '../dispatch/deliveries.sql';

@Injectable()
export class ReplayRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The next `limit` retained messages of the group's topic and filter committed since `from`. */
  async page(
    group: string,
    from: Date,
    afterSeq: string,
    limit: number,
  ): Promise<{ id: string; commitSeq: string }[]> {
    return queryRows(
      this.dataSource,
      `SELECT m.id, m.commit_seq FROM messages m JOIN consumer_groups g ON g.name = $1
        WHERE m.topic = g.topic AND m.state = 'COMMITTED' AND m.published_at >= $2 AND m.commit_seq > $3
          AND (g.filter_tags IS NULL OR m.tag = ANY (g.filter_tags))
        ORDER BY m.commit_seq LIMIT $4`,
      [group, from, afterSeq, limit],
    );
  }

  /**
   * Delivers the messages to the group again from attempt 1: creates missing deliveries and
   * resets existing ones (acked and dead included, so G3's "never again" is lifted here), except
   * those in flight right now. Each is traced as replayed.
   */
  replay(group: string, messageIds: string[], from: Date): Promise<QueuedDelivery[]> {
    return queryRows<QueuedDelivery>(
      this.dataSource,
      `WITH wanted AS (
         SELECT m.id AS message_id, g.name AS consumer_group, members.member, m.sharding_key, m.commit_seq
           FROM messages m JOIN consumer_groups g ON g.name = $1
           CROSS JOIN LATERAL ${membersOf('m', false)} AS members
          WHERE m.id = ANY ($2::uuid[])
       ), reset AS (
         UPDATE deliveries d
            SET state = 'pending', attempts = 0, available_at = now(), acked_at = NULL, dead_at = NULL,
                lease_until = NULL, receipt = NULL, last_error = NULL
           FROM wanted w
          WHERE d.message_id = w.message_id AND d.consumer_group = w.consumer_group AND d.member = w.member
            AND d.state <> 'inflight'
         RETURNING d.id, d.message_id, d.consumer_group
       ), created AS (
         INSERT INTO deliveries (id, message_id, consumer_group, member, state, sharding_key, commit_seq, available_at)
         SELECT txmsg_delivery_id(w.message_id, w.consumer_group, w.member), w.message_id, w.consumer_group,
                w.member, 'pending', w.sharding_key, w.commit_seq, now()
           FROM wanted w
          WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = w.message_id
                               AND d.consumer_group = w.consumer_group AND d.member = w.member)
         ON CONFLICT DO NOTHING
         RETURNING id, message_id, consumer_group
       ), upserted AS (
         SELECT * FROM reset UNION ALL SELECT * FROM created
       ), traced AS (
         INSERT INTO trace_events (message_id, type, consumer_group, detail)
         SELECT message_id, 'replayed', consumer_group, jsonb_build_object('from', $3::timestamptz) FROM upserted
       )
       SELECT u.id, u.consumer_group, g.delivery_type, 1 AS attempt, 0 AS delay_ms
         FROM upserted u JOIN consumer_groups g ON g.name = u.consumer_group`,
      [group, messageIds, from],
    );
  }
}
