import type { ConsumerGroupRow } from './consumer-group.row';

export class FilterView {
  tags: string[];
}

export class PushBatchView {
  maxMessages: number;
  maxWaitMs: number;
}

export class CircuitBreakerView {
  failures: number;
  probeSeconds: number;
}

/** How the group gets its messages; the push fields are there for push groups only. */
export class DeliveryView {
  type: 'push' | 'pull';
  /** Clustering push groups: the endpoint. */
  url?: string;
  /** Broadcasting push groups: each member's endpoint. */
  urls?: string[];
  timeoutMs?: number;
  maxConcurrency?: number;
  batch?: PushBatchView;
  maxPerSecond?: number;
  circuitBreaker?: CircuitBreakerView;
}

export class DedupeView {
  by: 'id' | 'key';
  windowSeconds: number;
}

export class ConsumerGroupView {
  name: string;
  topic: string;
  filter: FilterView | null;
  mode: 'clustering' | 'broadcasting';
  ordered: boolean;
  delivery: DeliveryView;
  maxRetries: number;
  retryBackoffSeconds: number[];
  dedupe: DedupeView | null;
  createdAt: string;
  updatedAt: string;
}

export class EndpointView {
  url: string;
  circuit: 'closed' | 'open' | 'half_open';
  since: string;
  lastError: string | null;
}

/** A group's backlog: deliveries by state, and how long the oldest ready one has waited. */
export class DeliveryStatsView {
  ready: number;
  inflight: number;
  retrying: number;
  delayed: number;
  deadLetters: number;
  oldestReadyAgeSeconds: number | null;
}

/** A group's backlog beside its name, as the console's overview lists every group. */
export class GroupBacklogView extends DeliveryStatsView {
  name: string;
  topic: string;
  mode: 'clustering' | 'broadcasting';
  delivery: 'push' | 'pull';
}

export class ConsumerGroupStatsView extends DeliveryStatsView {
  ackedTotal: number;
  paused: boolean;
  pausedAt?: string;
  pausedBy?: string | null;
  /** Push groups: each endpoint and its circuit. */
  endpoints?: EndpointView[];
}

/** A consumer group with its delivery stats (`GET`, pause, resume). */
export class ConsumerGroupWithStatsView extends ConsumerGroupView {
  stats: ConsumerGroupStatsView;
}

/** A created consumer group: its push signing secret is answered this once. */
export class CreatedConsumerGroupView extends ConsumerGroupWithStatsView {
  secret?: string;
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
  stats: DeliveryStatsView,
  row: ConsumerGroupRow,
  endpoints: EndpointView[],
): ConsumerGroupWithStatsView => ({
  ...view,
  stats: {
    ...stats,
    ackedTotal: Number(row.ackedTotal),
    paused: row.pausedAt !== null,
    ...(row.pausedAt && { pausedAt: row.pausedAt.toISOString(), pausedBy: row.pausedBy }),
    ...(row.deliveryType === 'push' && { endpoints }),
  },
});
