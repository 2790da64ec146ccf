// The messages' write statements, plain so a medium spec runs exactly what the writers run.
import { COMMIT_LOCK_SHARED_CTE, keyLocksCte } from '../consumer-groups/commit-lock';
import { insertDeliveriesSql, QUEUED_DELIVERIES_JSON } from '../delivery/dispatch/deliveries.sql';
import { ASYNC_COMMIT_JOIN, asyncCommitCte } from '../topics/durability.sql';
import type { NewMessage } from './message.dto';

/** A message to store: PREPARED with its transaction, or COMMITTED with `transactionId` null. */
export interface StoredMessage extends NewMessage {
  transactionId: string | null;
}

/**
 * The INSERT of messages from arrays, its 14 parameters numbered from `$first` (see
 * `insertMessagesParams`), for a statement of its own or a CTE of a larger one.
 */
export const insertMessagesSql = (first: number, alsoFrom?: string) => {
  const $ = (i: number) => `$${first + i}`;
  return `INSERT INTO messages (id, topic, transaction_id, state, body, key, tag, headers, sharding_key, delay_ms,
                             published_at, commit_seq, traceparent, tracestate, schema_version)
       SELECT m.id, m.topic, m.transaction_id, ${$(9)}, m.body::json, m.key, m.tag, m.headers::jsonb, m.sharding_key,
              m.delay_ms, CASE WHEN ${$(10)} THEN now() END, CASE WHEN ${$(10)} THEN nextval('message_commit_seq') END,
              m.traceparent, m.tracestate, m.schema_version
         FROM unnest(${$(0)}::uuid[], ${$(1)}::text[], ${$(2)}::text[], ${$(3)}::text[], ${$(4)}::text[],
                     ${$(5)}::text[], ${$(6)}::text[], ${$(7)}::int[], ${$(8)}::uuid[], ${$(11)}::text[], ${$(12)}::text[],
                     ${$(13)}::int[])
              WITH ORDINALITY AS m(id, topic, body, key, tag, headers, sharding_key, delay_ms, transaction_id,
                                   traceparent, tracestate, schema_version, n)
              ${alsoFrom ? `, ${alsoFrom}` : ''}
        ORDER BY m.n`;
};

/**
 * Commits plain messages ($1…$14, `insertMessagesParams(messages, true)`), asynchronously when all
 * their topics are `async`: takes commit sequence
 * numbers under the commit lock and the locks of their keys, stores the messages and creates their deliveries; returns the
 * publish time and the deliveries to queue (`QueuedDelivery[]` as JSON).
 */
export const SEND_SQL = `WITH ${COMMIT_LOCK_SHARED_CTE},
       ${keyLocksCte('unnest($2::text[], $7::text[]) AS keys(topic, sharding_key)')},
       stored AS (${insertMessagesSql(1, 'commit_lock, key_locks')}
         RETURNING id, topic, tag, sharding_key, commit_seq, published_at, delay_ms
       ), inserted AS (${insertDeliveriesSql('stored m', 'TRUE')}
       ), ${asyncCommitCte('unnest($2::text[]) AS q(topic)')}
       SELECT (SELECT max(published_at) FROM stored) AS published_at,
              (SELECT ${QUEUED_DELIVERIES_JSON} FROM inserted i JOIN consumer_groups g ON g.name = i.consumer_group) AS queued
         FROM (SELECT 1) AS one ${ASYNC_COMMIT_JOIN}`;

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
  messages.map((m) => m.trace?.traceparent ?? null),
  messages.map((m) => m.trace?.tracestate ?? null),
  messages.map((m) => m.schemaVersion ?? null),
];
