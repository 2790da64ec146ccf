import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import type { QueuedDelivery } from '../delivery/dispatch/deliveries.repository';
import { insertMessagesParams, SEND_SQL, type StoredMessage } from './messages.sql';
import { queryPrepared, queryRows } from '../infra/database/sql';

/** A transaction's message ids, in id order. */
export interface MessageIdsOfTransaction {
  transactionId: string;
  messageIds: string[];
}

export interface MessageRow {
  id: string;
  topic: string;
  transactionId: string | null;
  state: 'PREPARED' | 'COMMITTED' | 'ROLLED_BACK';
  body: unknown;
  key: string | null;
  tag: string | null;
  headers: Record<string, string>;
  shardingKey: string | null;
  delayMs: number;
  createdAt: Date;
  publishedAt: Date | null;
  commitSeq: string | null;
}

/**
 * Messages in Postgres. Writes are one statement per batch of requests (unnest of arrays) however
 * many messages they carry; commit order is a global sequence.
 */
@Injectable()
export class MessagesRepository {
  /**
   * Commits plain messages (`transactionId` null) in one statement (`SEND_SQL`): stored COMMITTED
   * with commit sequence numbers in the order given, with their deliveries. Returns the publish
   * time and the deliveries to queue once the statement's transaction has committed.
   */
  async send(
    messages: StoredMessage[],
    runner: DataSource | EntityManager,
  ): Promise<{ publishedAt: Date; queued: QueuedDelivery[] }> {
    const [row] = await queryPrepared<{ publishedAt: Date | null; queued: QueuedDelivery[] }>(
      runner,
      'txmsg_messages_send',
      SEND_SQL,
      insertMessagesParams(messages, true),
    );
    return { publishedAt: row.publishedAt ?? new Date(), queued: row.queued };
  }

  /** The message ids of transactions, in id order per transaction. */
  idsOf(transactionIds: string[], manager: EntityManager): Promise<MessageIdsOfTransaction[]> {
    if (transactionIds.length === 0) return Promise.resolve([]);
    return queryRows<MessageIdsOfTransaction>(
      manager,
      `SELECT transaction_id, array_agg(id::text ORDER BY id) AS message_ids
         FROM messages WHERE transaction_id = ANY ($1::uuid[]) GROUP BY transaction_id`,
      [transactionIds],
    );
  }

  /** What verdict responses and check-back requests name: ids, topics, keys, tags (no bodies). */
  summariesOf(transactionId: string, db: DataSource | EntityManager) {
    return queryRows<{ id: string; topic: string; key: string | null; tag: string | null }>(
      db,
      `SELECT id, topic, key, tag FROM messages WHERE transaction_id = $1 ORDER BY id`,
      [transactionId],
    );
  }

  findByTransaction(transactionId: string, manager: EntityManager): Promise<MessageRow[]> {
    return queryRows<MessageRow>(manager, `SELECT * FROM messages WHERE transaction_id = $1 ORDER BY id`, [
      transactionId,
    ]);
  }
}
