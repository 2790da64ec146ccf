import { ApiAnyJson } from '../common/http/any-json';
import { StoredMessageView } from '../messages/message-query.view';
import { ErrorView } from '../common/errors/error.view';
import type { MessageRow } from '../messages/messages.repository';
import type { TransactionState } from './transaction-state';
import type { CheckAttemptRow, TransactionRow } from './transactions.repository';

/** What a prepare answers: the transaction as created. */
export class PreparedTransactionView {
  id: string;
  state: TransactionState;
  producerGroup: string;
  messageIds: string[];
  createdAt: string;
  /** When txmsg asks the producer's check-back endpoint next, unless a verdict comes first. */
  nextCheckAt: string | null;
}

/** A transaction after a verdict (or as `GET` shows it): with when and by whom it was resolved. */
export class TransactionSummaryView extends PreparedTransactionView {
  resolvedAt: string | null;
  /** `producer`, `check-back`, `operator:<name>`, …; null while open. */
  resolvedBy: string | null;
}

export class TransactionMessageView extends StoredMessageView {
  @ApiAnyJson('The message body as the producer sent it')
  body: unknown;
}

export class CheckAttemptView {
  at: string;
  attempt: number;
  outcome: 'COMMIT' | 'ROLLBACK' | 'UNKNOWN' | 'ERROR';
  httpStatus?: number;
  latencyMs: number;
  error?: string;
}

export class TransactionDetailView extends TransactionSummaryView {
  checks: number;
  messages: TransactionMessageView[];
  checkHistory: CheckAttemptView[];
}

/** One entry of a batch: its single call's status with its body, or with its error. */
export class PreparedEntryView {
  status: number;
  transaction?: PreparedTransactionView;
  error?: ErrorView;
}

export class PrepareBatchView {
  results: PreparedEntryView[];
}

export class VerdictEntryView {
  status: number;
  transaction?: TransactionSummaryView;
  error?: ErrorView;
}

export class VerdictBatchView {
  results: VerdictEntryView[];
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const toTransactionSummary = (tx: TransactionRow, messageIds: string[]): TransactionSummaryView => ({
  id: tx.id,
  state: tx.state,
  producerGroup: tx.producerGroup,
  messageIds,
  createdAt: tx.createdAt.toISOString(),
  nextCheckAt: iso(tx.nextCheckAt),
  resolvedAt: iso(tx.resolvedAt),
  resolvedBy: tx.resolvedBy,
});

export const toTransactionDetail = (
  tx: TransactionRow,
  messages: MessageRow[],
  history: CheckAttemptRow[],
): TransactionDetailView => ({
  ...toTransactionSummary(
    tx,
    messages.map((m) => m.id),
  ),
  checks: tx.checks,
  messages: messages.map((m) => ({
    id: m.id,
    topic: m.topic,
    state: m.state,
    key: m.key,
    tag: m.tag,
    headers: m.headers,
    shardingKey: m.shardingKey,
    delayMs: m.delayMs,
    body: m.body,
    publishedAt: iso(m.publishedAt),
  })),
  checkHistory: history.map((h) => ({
    at: h.at.toISOString(),
    attempt: h.attempt,
    outcome: h.outcome,
    ...(h.httpStatus !== null && { httpStatus: h.httpStatus }),
    latencyMs: h.latencyMs,
    ...(h.error !== null && { error: h.error }),
  })),
});

export type TransactionSummary = TransactionSummaryView;
