import type { ConsumerGroupRow, DeliveryStats } from './consumer-groups.repository';

export interface ConsumerGroupView {
  name: string;
  topic: string;
  filter: { tags: string[] } | null;
  mode: 'clustering' | 'broadcasting';
  ordered: boolean;
  delivery:
    | { type: 'push'; url?: string; urls?: string[]; timeoutMs: number; maxConcurrency: number }
    | { type: 'pull' };
  maxRetries: number;
  retryBackoffSeconds: number[];
  dedupe: { by: 'id' | 'key'; windowSeconds: number } | null;
  createdAt: string;
  updatedAt: string;
}

export function toConsumerGroupView(row: ConsumerGroupRow): ConsumerGroupView {
  const members = row.mode === 'broadcasting' ? { urls: row.push_urls } : { url: row.push_urls[0] };
  return {
    name: row.name,
    topic: row.topic,
    filter: row.filter_tags ? { tags: row.filter_tags } : null,
    mode: row.mode,
    ordered: row.ordered,
    delivery:
      row.delivery_type === 'push'
        ? {
            type: 'push',
            ...members,
            timeoutMs: row.push_timeout_ms as number,
            maxConcurrency: row.max_concurrency as number,
          }
        : { type: 'pull' },
    maxRetries: row.max_retries,
    retryBackoffSeconds: row.retry_backoff_seconds,
    dedupe: row.dedupe_by ? { by: row.dedupe_by, windowSeconds: row.dedupe_window_seconds as number } : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const withStats = (view: ConsumerGroupView, stats: DeliveryStats, ackedTotal: string) => ({
  ...view,
  stats: { ...stats, ackedTotal: Number(ackedTotal) },
});
