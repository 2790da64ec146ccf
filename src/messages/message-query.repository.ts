import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TimeIdKey } from '../common/pagination';
import { queryRows } from '../infra/database/sql';
import type { MessageRow } from './messages.repository';

export interface TraceRow {
  at: Date;
  type: string;
  consumerGroup: string | null;
  attempt: number | null;
  detail: Record<string, unknown> | null;
}

export interface DeliveryStatusRow {
  consumerGroup: string;
  member: string;
  state: string;
  attempts: number;
  lastError: string | null;
  ackedAt: Date | null;
  deadAt: Date | null;
}

export interface MessageFilter {
  topic?: string;
  key?: string;
  tag?: string;
  from?: Date;
  to?: Date;
}

/** Reads for SPEC §9: one message with its deliveries and trace, and filtered message lists. */
/** A message as the query finds it: its row, the schema version it was checked against, its topic's durability. */
export type FoundMessage = MessageRow & { schemaVersion: number | null; durability: 'sync' | 'async' | null };

@Injectable()
export class MessageQueryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The message, with its schema version and its topic's durability (null once the topic is gone). */
  async find(id: string): Promise<FoundMessage | null> {
    const [row] = await queryRows<FoundMessage>(
      this.dataSource,
      `SELECT m.*, t.durability FROM messages m LEFT JOIN topics t ON t.name = m.topic WHERE m.id = $1`,
      [id],
    );
    return row ?? null;
  }

  deliveries(id: string): Promise<DeliveryStatusRow[]> {
    return queryRows<DeliveryStatusRow>(
      this.dataSource,
      `SELECT consumer_group, member, state, attempts, last_error, acked_at, dead_at
         FROM deliveries WHERE message_id = $1 ORDER BY consumer_group, member`,
      [id],
    );
  }

  /**
   * The message's life in time order, assembled from where each step is recorded: the message
   * and its transaction, check attempts, delivery attempts, and trace_events for what leaves no
   * other record (retried, dead, redriven, replayed).
   */
  trace(id: string): Promise<TraceRow[]> {
    return queryRows<TraceRow>(
      this.dataSource,
      `SELECT at, type, consumer_group, attempt, detail FROM (
         SELECT m.created_at AS at, 0 AS rank, 'prepared' AS type, NULL::text AS consumer_group,
                NULL::int AS attempt, jsonb_build_object('transactionId', m.transaction_id) AS detail
           FROM messages m WHERE m.id = $1 AND m.transaction_id IS NOT NULL
         UNION ALL
         SELECT c.at, 1, 'check', NULL, c.attempt,
                jsonb_strip_nulls(jsonb_build_object('outcome', c.outcome, 'httpStatus', c.http_status,
                                                     'latencyMs', c.latency_ms, 'error', c.error))
           FROM messages m JOIN check_attempts c ON c.transaction_id = m.transaction_id WHERE m.id = $1
         UNION ALL
         SELECT m.published_at, 2, 'committed', NULL, NULL,
                jsonb_strip_nulls(jsonb_build_object('commitSeq', m.commit_seq, 'resolvedBy', t.resolved_by))
           FROM messages m LEFT JOIN transactions t ON t.id = m.transaction_id
          WHERE m.id = $1 AND m.published_at IS NOT NULL
         UNION ALL
         SELECT t.resolved_at, 2, 'rolled_back', NULL, NULL, jsonb_build_object('resolvedBy', t.resolved_by)
           FROM messages m JOIN transactions t ON t.id = m.transaction_id
          WHERE m.id = $1 AND m.state = 'ROLLED_BACK'
         UNION ALL
         SELECT a.at, 3, 'delivery_attempt', d.consumer_group, a.attempt,
                jsonb_strip_nulls(jsonb_build_object('outcome', a.outcome, 'httpStatus', a.http_status,
                  'latencyMs', a.latency_ms, 'error', a.error, 'response', a.response_excerpt,
                  'member', nullif(d.member, '')))
           FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id WHERE d.message_id = $1
         UNION ALL
         SELECT a.at + make_interval(secs => coalesce(a.latency_ms, 0) / 1000.0), 4, 'acked', d.consumer_group,
                a.attempt, jsonb_strip_nulls(jsonb_build_object('deduplicated', a.outcome = 'deduplicated',
                  'member', nullif(d.member, '')))
           FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id
          WHERE d.message_id = $1 AND a.outcome IN ('acked', 'deduplicated')
         UNION ALL
         SELECT e.at, 5, e.type, e.consumer_group, e.attempt, e.detail FROM trace_events e WHERE e.message_id = $1
       ) AS events
       ORDER BY at, rank`,
      [id],
    );
  }

  /** Newest first, keyset on (created_at, id); `before` is the last row of the previous page. */
  list(filter: MessageFilter, limit: number, before?: TimeIdKey) {
    return queryRows<MessageRow & { createdAtKey: string }>(
      this.dataSource,
      `SELECT id, topic, transaction_id, state, key, tag, headers, sharding_key, delay_ms, created_at,
              published_at, commit_seq, created_at::text AS created_at_key
         FROM messages
        WHERE ($1::text IS NULL OR topic = $1) AND ($2::text IS NULL OR key = $2)
          AND ($3::text IS NULL OR tag = $3)
          AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5)
          AND ($6::timestamptz IS NULL OR (created_at, id) < ($6, $7::uuid))
        ORDER BY created_at DESC, id DESC
        LIMIT $8`,
      [
        filter.topic ?? null,
        filter.key ?? null,
        filter.tag ?? null,
        filter.from ?? null,
        filter.to ?? null,
        before?.at ?? null,
        before?.id ?? null,
        limit,
      ],
    );
  }
}
