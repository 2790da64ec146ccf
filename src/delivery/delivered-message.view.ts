// What a consumer is handed of a message, as the API answers it.
import { ApiAnyJson, ApiStringMap } from '../common/http/any-json';
import type { DeliveredMessageRow } from './delivered-message.sql';

/**
 * A message as consumers see it (pull receive, dead letters); push sends the same fields, and the
 * producer's W3C trace context when it sent one (SPEC §5).
 */
export class DeliveredMessageView {
  id: string;
  topic: string;
  key: string | null;
  tag: string | null;
  @ApiStringMap('The headers the producer set')
  headers: Record<string, string>;
  @ApiAnyJson('The message body as the producer sent it')
  body: unknown;
  shardingKey: string | null;
  publishedAt: string;
  /** The producer's W3C trace context, when it sent one. */
  traceparent?: string;
  tracestate?: string;
  /** The topic schema version the body was checked against, when the topic had one. */
  schemaVersion?: number;
}

export const toDeliveredMessage = (row: DeliveredMessageRow): DeliveredMessageView => ({
  id: row.messageId,
  topic: row.topic,
  key: row.key,
  tag: row.tag,
  headers: row.headers,
  body: row.body,
  shardingKey: row.shardingKey,
  publishedAt: row.publishedAt.toISOString(),
  ...(row.traceparent && { traceparent: row.traceparent }),
  ...(row.tracestate && { tracestate: row.tracestate }),
  ...(row.schemaVersion !== null && { schemaVersion: row.schemaVersion }),
});
