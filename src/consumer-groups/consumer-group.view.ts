import type { ConsumerGroupRow, DeliveryStats, EndpointStats } from './consumer-groups.repository';

export interface ConsumerGroupView {
  name: string;
  topic: string;
  filter: { tags: string[] } | null;
  mode: 'clustering' | 'broadcasting';
  ordered: boolean;
  delivery:
    | {
        type: 'push';
        url?: string;
        urls?: string[];
        timeoutMs: number;
        maxConcurrency: number;
        batch?: { maxMessages: number; maxWaitMs: number };
        maxPerSecond?: number;
        circuitBreaker?: { failures: number; probeSeconds: number };
      }
    | { type: 'pull' };
  maxRetries: number;
  retryBackoffSeconds: number[];
  dedupe: { by: 'id' | 'key'; windowSeconds: number } | null;
  createdAt: string;
  updatedAt: string;
}

export function toConsumerGroupView(row: ConsumerGroupRow): ConsumerGroupView {
  const members = row.mode === 'broadcasting' ? { urls: row.pushUrls } : { url: row.pushUrls[0] };
  return {
    name: row.name,
    topic: row.topic,
    filter: row.filterTags ? { tags: row.filterTags } : null,
    mode: row.mode,
    ordered: row.ordered,
    delivery:
      row.deliveryType === 'push'
        ? {
            type: 'push',
            ...members,
            timeoutMs: row.pushTimeoutMs as number,
            maxConcurrency: row.maxConcurrency as number,
            ...(row.pushBatchMaxMessages !== null && {
              batch: { maxMessages: row.pushBatchMaxMessages, maxWaitMs: row.pushBatchMaxWaitMs ?? 0 },
            }),
            ...(row.pushMaxPerSecond !== null && { maxPerSecond: row.pushMaxPerSecond }),
            ...(row.circuitFailures !== null && {
              circuitBreaker: {
                failures: row.circuitFailures,
                probeSeconds: row.circuitProbeSeconds as number,
              },
            }),
          }
        : { type: 'pull' },
    maxRetries: row.maxRetries,
    retryBackoffSeconds: row.retryBackoffSeconds,
    dedupe: row.dedupeBy ? { by: row.dedupeBy, windowSeconds: row.dedupeWindowSeconds as number } : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The view with `stats`: backlog, acked total, pause, and each push endpoint's circuit. */
export const withStats = (
  view: ConsumerGroupView,
  stats: DeliveryStats,
  row: ConsumerGroupRow,
  endpoints: EndpointStats[],
) => ({
  ...view,
  stats: {
    ...stats,
    ackedTotal: Number(row.ackedTotal),
    paused: row.pausedAt !== null,
    ...(row.pausedAt && { pausedAt: row.pausedAt.toISOString(), pausedBy: row.pausedBy }),
    ...(row.deliveryType === 'push' && { endpoints }),
  },
});
