// What txmsg answers (SPEC §4–§10). Request bodies are typed from the service's OpenAPI document
// (`schema.ts`, generated); the document does not describe answers yet, so they are written here.
import type { components } from './schema';

type Schemas = components['schemas'];
export type MessageInput = Schemas['TransactionMessageDto'];
export type SendInput = Schemas['MessageFieldsDto'];
export type PrepareInput = Schemas['PrepareTransactionDto'];
export type ProducerGroupInput = Schemas['PutProducerGroupDto'];
export type ConsumerGroupInput = Schemas['PutConsumerGroupDto'];
export type TopicInput = Schemas['PutTopicDto'];
export type ReceiveInput = Omit<Schemas['ReceiveDto'], never>;

export type TransactionState = 'PREPARED' | 'COMMITTED' | 'ROLLED_BACK' | 'STUCK';

export interface Transaction {
  id: string;
  state: TransactionState;
  producerGroup: string;
  messageIds: string[];
  createdAt: string;
  nextCheckAt: string | null;
  resolvedAt?: string | null;
  resolvedBy?: string | null;
  checks?: number;
  checkHistory?: {
    at: string;
    attempt: number;
    outcome: 'COMMIT' | 'ROLLBACK' | 'UNKNOWN' | 'ERROR';
    httpStatus?: number;
    latencyMs: number;
    error?: string;
  }[];
}

/** A message as pushed, received or queried. */
export interface Message {
  id: string;
  topic: string;
  key: string | null;
  tag: string | null;
  headers: Record<string, string>;
  body: unknown;
  shardingKey: string | null;
  publishedAt: string | null;
  /** The W3C trace context the message was produced in, when the producer sent one. */
  traceparent?: string;
  tracestate?: string;
}

/** A push request's body (SPEC §7). */
export interface PushedMessage extends Message {
  attempt: number;
}

export interface ReceivedMessage {
  receiptHandle: string;
  attempt: number;
  message: Message;
}

export interface Sent {
  id: string;
  topic: string;
  state: 'COMMITTED';
  publishedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The check-back request's body (SPEC §5). */
export interface CheckRequest {
  type: 'transaction.check';
  transactionId: string;
  producerGroup: string;
  attempt: number;
  createdAt: string;
  messages: { id: string; topic: string; key: string | null; tag: string | null }[];
}

export type Verdict = 'COMMIT' | 'ROLLBACK' | 'UNKNOWN';

export type Claim = { claimed: true; token: string } | { claimed: false; state: 'processing' | 'done' };
