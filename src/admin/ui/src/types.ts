// What the admin API answers, as the console reads it: named from the service's OpenAPI document
// (the SDK's generated `schema.ts`), so the console cannot drift from what the service declares.
import type { components } from '../../../../sdk/src/schema';

type Schemas = components['schemas'];

export type Overview = Schemas['OverviewView'];
export type ConsumerGroupBacklog = Schemas['GroupBacklogView'];
export type OpenTransaction = Schemas['AdminTransactionView'];
export type StuckSummaryRow = Schemas['StuckSummaryView'];
export type TransactionDetail = Schemas['TransactionDetailView'];
export type BulkResult = Schemas['BulkResultView'];
export type ProducerGroup = Schemas['ProducerGroupWithHealthView'];
export type ConsumerGroup = Schemas['ConsumerGroupWithStatsView'];
export type EndpointState = Schemas['EndpointView'];
export type DeadLetter = Schemas['DeadLetterView'];
export type MessageSummary = Schemas['MessageSummaryView'];
/** A trace event: its type, and fields that depend on it (`url`, `httpStatus`, `error`, …). */
export type TraceEvent = Schemas['TraceEventView'] & Record<string, unknown>;
export type MessageDetail = Omit<Schemas['MessageDetailView'], 'trace'> & { trace: TraceEvent[] };
export type AuditRow = Schemas['AuditEntryView'];
export type TopicSummary = Schemas['TopicView'];
export type TopicDetail = Schemas['TopicWithCountsView'];
export type TopicSchemas = Schemas['TopicSchemaListView'];
export type TopicSchemaVersion = Schemas['TopicSchemaView'];
