// A message as consumers get it, read from `messages m`: plain, so the SQL modules that select it
// (and the medium specs that run them) import no Nest.

/**
 * A message as consumers see it (pull receive, dead letters); push sends the same fields. The
 * producer's W3C trace context comes along when it sent one (SPEC §5).
 */
export interface DeliveredMessageRow {
  messageId: string;
  topic: string;
  key: string | null;
  tag: string | null;
  headers: Record<string, string>;
  body: unknown;
  shardingKey: string | null;
  publishedAt: Date;
  traceparent: string | null;
  tracestate: string | null;
  schemaVersion: number | null;
}

/** The message columns, selected from `messages m`, that DeliveredMessageRow needs. */
export const DELIVERED_MESSAGE_COLUMNS = `m.id AS message_id, m.topic, m.key, m.tag, m.headers, m.body,
  m.sharding_key, m.published_at, m.traceparent, m.tracestate, m.schema_version`;
