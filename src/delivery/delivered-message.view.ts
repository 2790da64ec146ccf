/** A message as consumers see it (pull receive, dead letters); push sends the same fields. */
export interface DeliveredMessageRow {
  messageId: string;
  topic: string;
  key: string | null;
  tag: string | null;
  headers: Record<string, string>;
  body: unknown;
  shardingKey: string | null;
  publishedAt: Date;
}

export const toDeliveredMessage = (row: DeliveredMessageRow) => ({
  id: row.messageId,
  topic: row.topic,
  key: row.key,
  tag: row.tag,
  headers: row.headers,
  body: row.body,
  shardingKey: row.shardingKey,
  publishedAt: row.publishedAt.toISOString(),
});

/** The message columns, selected from `messages m`, that DeliveredMessageRow needs. */
export const DELIVERED_MESSAGE_COLUMNS = `m.id AS message_id, m.topic, m.key, m.tag, m.headers, m.body,
  m.sharding_key, m.published_at`;
