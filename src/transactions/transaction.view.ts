import type { MessageRow } from '../messages/messages.repository';
import type { CheckAttemptRow, TransactionRow } from './transactions.repository';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const toTransactionSummary = (tx: TransactionRow, messageIds: string[]) => ({
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
) => ({
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

export type TransactionSummary = ReturnType<typeof toTransactionSummary>;
