// A message as the operator's query shows it (SPEC §9).
import { ApiAnyJson, ApiStringMap } from '../common/http/any-json';

/** A stored message's own fields, as every view of it shows them. */
export class StoredMessageView {
  id: string;
  topic: string;
  state: 'PREPARED' | 'COMMITTED' | 'ROLLED_BACK';
  key: string | null;
  tag: string | null;
  @ApiStringMap('The headers the producer set')
  headers: Record<string, string>;
  shardingKey: string | null;
  delayMs: number;
  publishedAt: string | null;
}

export class MessageSummaryView extends StoredMessageView {
  transactionId: string | null;
  createdAt: string;
}

/** A consumer group's (or broadcasting member's) delivery of the message. */
export class DeliveryStatusView {
  consumerGroup: string;
  member?: string;
  state: string;
  attempts: number;
  lastError: string | null;
  ackedAt: string | null;
  deadAt: string | null;
}

/** One event of the message's life; further fields depend on its type. */
export class TraceEventView {
  at: string;
  type: string;
  consumerGroup?: string;
  attempt?: number;
}

export class MessageDetailView extends MessageSummaryView {
  @ApiAnyJson('The message body as the producer sent it')
  body: unknown;
  /** Its topic's durability (SPEC §4); null when the topic has been deleted since. */
  durability: 'sync' | 'async' | null;
  /** The topic schema version its body was checked against; null when the topic had none. */
  schemaVersion: number | null;
  deliveries: DeliveryStatusView[];
  trace: TraceEventView[];
}
