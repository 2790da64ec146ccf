// Query and trace (SPEC §9): a message with its state, per-group delivery status and trace; lists.
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error';
import { DEFAULT_PAGE_SIZE, decodeTimeIdCursor, toPage } from '../common/pagination';
import type { MessageListQuery } from './message-query.dto';
import { MessageQueryRepository, type DeliveryStatusRow, type TraceRow } from './message-query.repository';
import type { MessageRow } from './messages.repository';
import type {
  DeliveryStatusView,
  MessageDetailView,
  MessageSummaryView,
  TraceEventView,
} from './message-query.view';

@Injectable()
export class MessageQueryService {
  constructor(private readonly query: MessageQueryRepository) {}

  async get(id: string): Promise<MessageDetailView> {
    const message = await this.query.find(id);
    if (!message) throw ApiError.notFound(`message ${id}`);
    const [deliveries, trace] = await Promise.all([this.query.deliveries(id), this.query.trace(id)]);
    return {
      ...toMessageSummary(message),
      body: message.body,
      durability: message.durability,
      schemaVersion: message.schemaVersion,
      deliveries: deliveries.map(toDeliveryStatus),
      trace: trace.map(toTraceEvent),
    };
  }

  async list(query: MessageListQuery) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.query.list(query, limit + 1, decodeTimeIdCursor(query.cursor));
    return toPage(rows, limit, (row) => [row.createdAtKey, row.id], toMessageSummary);
  }
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toMessageSummary(row: MessageRow): MessageSummaryView {
  return {
    id: row.id,
    topic: row.topic,
    state: row.state,
    transactionId: row.transactionId,
    key: row.key,
    tag: row.tag,
    headers: row.headers,
    shardingKey: row.shardingKey,
    delayMs: row.delayMs,
    createdAt: row.createdAt.toISOString(),
    publishedAt: iso(row.publishedAt),
  };
}

const toDeliveryStatus = (row: DeliveryStatusRow): DeliveryStatusView => ({
  consumerGroup: row.consumerGroup,
  ...(row.member ? { member: row.member } : {}),
  state: row.state,
  attempts: row.attempts,
  lastError: row.lastError,
  ackedAt: iso(row.ackedAt),
  deadAt: iso(row.deadAt),
});

const toTraceEvent = (row: TraceRow): TraceEventView => ({
  at: row.at.toISOString(),
  type: row.type,
  ...(row.consumerGroup ? { consumerGroup: row.consumerGroup } : {}),
  ...(row.attempt !== null ? { attempt: row.attempt } : {}),
  ...(row.detail ?? {}),
});
