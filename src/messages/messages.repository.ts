import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { holdCommitLockShared } from '../consumer-groups/commit-lock';
import { queryPrepared, queryRows } from '../infra/database/sql';
import type { NewMessage } from './message.dto';

/** A message to store: PREPARED with its transaction, or COMMITTED with `transactionId` null. */
export interface StoredMessage extends NewMessage {
  transactionId: string | null;
}

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
 * The INSERT of messages from arrays, its parameters numbered from `$first` (see
 * `insertMessagesParams`), for a statement of its own or a CTE of a larger one.
 */
export const insertMessagesSql = (first: number) => {
  const $ = (i: number) => `$${first + i}`;
  return `INSERT INTO messages (id, topic, transaction_id, state, body, key, tag, headers, sharding_key, delay_ms,
                             published_at, commit_seq)
       SELECT m.id, m.topic, m.transaction_id, ${$(9)}, m.body::json, m.key, m.tag, m.headers::jsonb, m.sharding_key,
              m.delay_ms, CASE WHEN ${$(10)} THEN now() END, CASE WHEN ${$(10)} THEN nextval('message_commit_seq') END
         FROM unnest(${$(0)}::uuid[], ${$(1)}::text[], ${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[],
                     ${$(5)}::text[], ${$(6)}::text[], ${$(7)}::int[], ${$(8)}::uuid[])
              WITH ORDINALITY AS m(id, topic, body, key, tag, headers, sharding_key, delay_ms, transaction_id, n)
        ORDER BY m.n`;
};

export const insertMessagesParams = (messages: StoredMessage[], committed: boolean): unknown[] => [
  messages.map((m) => m.id),
  messages.map((m) => m.topic),
  messages.map((m) => JSON.stringify(m.body)),
  messages.map((m) => m.key ?? null),
  messages.map((m) => m.tag ?? null),
  messages.map((m) => JSON.stringify(m.headers ?? {})),
  messages.map((m) => m.shardingKey ?? null),
  messages.map((m) => m.delayMs ?? 0),
  messages.map((m) => m.transactionId),
  committed ? 'COMMITTED' : 'PREPARED',
  committed,
];

/**
 * Messages in Postgres. Writes are one statement per batch of requests (unnest of arrays) however
 * many messages they carry; commit order is a global sequence.
 */
@Injectable()
export class MessagesRepository {
  /**
   * Inserts messages, each with its transaction (PREPARED), or all COMMITTED at once (plain sends:
   * `transactionId` null, commit sequence in the order given). Returns the publish time.
   */
  async insert(messages: StoredMessage[], committed: boolean, manager: EntityManager): Promise<Date> {
    if (committed) await holdCommitLockShared(manager);
    const rows = await queryPrepared<{ publishedAt: Date | null }>(
      manager,
      'txmsg_messages_insert',
      `${insertMessagesSql(1)} RETURNING published_at`,
      insertMessagesParams(messages, committed),
    );
    return rows[0].publishedAt ?? new Date();
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
