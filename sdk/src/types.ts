// What txmsg takes and answers (SPEC §4–§10), named from the service's OpenAPI document
// (`schema.ts`, generated from it): requests and answers alike. The two bodies txmsg sends rather
// than answers — a push and a check-back request — are not in the document and are written here.
import type { components } from './schema';

type Schemas = components['schemas'];

// ── requests ──
export type MessageInput = Schemas['TransactionMessageDto'];
export type SendInput = Schemas['MessageFieldsDto'];
export type PrepareInput = Schemas['PrepareTransactionDto'];
export type ProducerGroupInput = Schemas['PutProducerGroupDto'];
export type ConsumerGroupInput = Schemas['PutConsumerGroupDto'];
export type TopicInput = Schemas['PutTopicDto'];
export type TopicSchemaInput = Schemas['PutTopicSchemaDto'];
export type ReceiveInput = Schemas['ReceiveDto'];

// ── answers ──
export type Topic = Schemas['TopicView'];
export type TopicSchema = Schemas['TopicSchemaView'];
export type ProducerGroup = Schemas['ProducerGroupWithHealthView'];
/** A producer group as a PUT answers it: with its `secret` when the PUT created it. */
export type PutProducerGroupAnswer = Schemas['CreatedProducerGroupView'];
export type ConsumerGroup = Schemas['ConsumerGroupWithStatsView'];
/** A consumer group as a PUT answers it: with its `secret` when the PUT created it. */
export type PutConsumerGroupAnswer = Schemas['CreatedConsumerGroupView'];
export type PreparedTransaction = Schemas['PreparedTransactionView'];
export type Transaction = Schemas['TransactionSummaryView'];
export type TransactionDetail = Schemas['TransactionDetailView'];
export type TransactionState = Transaction['state'];
export type Sent = Schemas['SentMessageView'];
/** A message as pulled or dead-lettered (and, with `attempt`, pushed). */
export type Message = Schemas['DeliveredMessageView'];
export type ReceivedMessage = Schemas['ReceivedMessageView'];
export type ApiError = Schemas['ErrorView'];

// ── what txmsg sends ──
/** A push request's body (SPEC §7): the message and which attempt this is. */
export type PushedMessage = Message & { attempt: number };

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

/** A claim: taken (with its token), or refused with the key's state (the 409's body). */
export type Claim =
  (Schemas['ClaimedView'] & { claimed: true }) | { claimed: false; state: 'processing' | 'done' };
