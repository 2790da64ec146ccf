/** A message as consumers see it (pull receive, dead letters); push sends the same fields. */
export interface DeliveredMessageRow {
  message_id: string;
  topic: string;
  key: string | null;
  tag: string | null;
  headers: Record<string, string>;
  body: unknown;
  sharding_key: string | null;
  published_at: Date;
}

export const toDeliveredMessage = (row: DeliveredMessageRow) => ({
  id: row.message_id,
  topic: row.topic,
  key: row.key,
  tag: row.tag,
  headers: row.headers,
  body: row.body,
  shardingKey: row.sharding_key,
  publishedAt: row.published_at.toISOString(),
});

/** The message columns, selected from `messages m`, that DeliveredMessageRow needs. */
export const DELIVERED_MESSAGE_COLUMNS = `m.id AS message_id, m.topic, m.key, m.tag, m.headers, m.body,
  m.sharding_key, m.published_at`;
