import type { MessageRow } from '../messages/messages.repository';
import type { CheckAttemptRow, TransactionRow } from './transactions.repository';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export const toTransactionSummary = (tx: TransactionRow, messageIds: string[]) => ({
  id: tx.id,
  state: tx.state,
  producerGroup: tx.producer_group,
  messageIds,
  createdAt: tx.created_at.toISOString(),
  nextCheckAt: iso(tx.next_check_at),
  resolvedAt: iso(tx.resolved_at),
  resolvedBy: tx.resolved_by,
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
    shardingKey: m.sharding_key,
    delayMs: m.delay_ms,
    body: m.body,
    publishedAt: iso(m.published_at),
  })),
  checkHistory: history.map((h) => ({
    at: h.at.toISOString(),
    attempt: h.attempt,
    outcome: h.outcome,
    ...(h.http_status !== null && { httpStatus: h.http_status }),
    latencyMs: h.latency_ms,
    ...(h.error !== null && { error: h.error }),
  })),
});
