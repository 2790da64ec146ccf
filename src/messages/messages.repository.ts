import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { holdCommitLockShared } from '../consumer-groups/commit-lock';
import { queryPrepared, queryRows } from '../infra/database/sql';
import type { NewMessage } from './message.dto';

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
 * Messages in Postgres. Inserts are one statement per request (unnest of arrays) however many
 * messages it carries; commit order is a global sequence assigned in id order.
 */
@Injectable()
export class MessagesRepository {
  /** Inserts PREPARED messages of a transaction, or COMMITTED ones when `transactionId` is null. */
  async insert(messages: NewMessage[], transactionId: string | null, manager: EntityManager): Promise<Date> {
    const committed = transactionId === null;
    if (committed) await holdCommitLockShared(manager);
    const rows = await queryPrepared<{ publishedAt: Date | null }>(
      manager,
      'txmsg_messages_insert',
      `INSERT INTO messages (id, topic, transaction_id, state, body, key, tag, headers, sharding_key, delay_ms,
                             published_at, commit_seq)
       SELECT m.id, m.topic, $9::uuid, $10, m.body::json, m.key, m.tag, m.headers::jsonb, m.sharding_key, m.delay_ms,
              CASE WHEN $11 THEN now() END, CASE WHEN $11 THEN nextval('message_commit_seq') END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[])
              WITH ORDINALITY AS m(id, topic, body, key, tag, headers, sharding_key, delay_ms, n)
        ORDER BY m.n
       RETURNING published_at`,
      [
        messages.map((m) => m.id),
        messages.map((m) => m.topic),
        messages.map((m) => JSON.stringify(m.body)),
        messages.map((m) => m.key ?? null),
        messages.map((m) => m.tag ?? null),
        messages.map((m) => JSON.stringify(m.headers ?? {})),
        messages.map((m) => m.shardingKey ?? null),
        messages.map((m) => m.delayMs ?? 0),
        transactionId,
        committed ? 'COMMITTED' : 'PREPARED',
        committed,
      ],
    );
    return rows[0].publishedAt ?? new Date();
  }

  /** Publishes a transaction's messages: COMMITTED, published now, commit sequence in id order. */
  async commitTransaction(transactionId: string, manager: EntityManager): Promise<string[]> {
    await holdCommitLockShared(manager);
    const rows = await queryPrepared<{ id: string }>(
      manager,
      'txmsg_messages_commit',
      `WITH ordered AS (
         SELECT id, nextval('message_commit_seq') AS seq
           FROM (SELECT id FROM messages WHERE transaction_id = $1 AND state = 'PREPARED' ORDER BY id) AS pending
       )
       UPDATE messages m SET state = 'COMMITTED', published_at = now(), commit_seq = ordered.seq
         FROM ordered WHERE m.id = ordered.id
       RETURNING m.id`,
      [transactionId],
    );
    return rows.map((row) => row.id);
  }

  async rollbackTransaction(transactionId: string, manager: EntityManager): Promise<void> {
    await queryRows(
      manager,
      `UPDATE messages SET state = 'ROLLED_BACK' WHERE transaction_id = $1 AND state = 'PREPARED'`,
      [transactionId],
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
