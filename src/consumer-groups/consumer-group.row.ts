// A consumer group as the repository reads it from Postgres, and the part of it a PUT sets.
export interface ConsumerGroupRow {
  name: string;
  topic: string;
  filterTags: string[] | null;
  mode: 'clustering' | 'broadcasting';
  ordered: boolean;
  deliveryType: 'push' | 'pull';
  pushUrls: string[];
  pushTimeoutMs: number | null;
  maxConcurrency: number | null;
  /** Batched push: most messages a request carries, and how long the first waits for company. */
  pushBatchMaxMessages: number | null;
  pushBatchMaxWaitMs: number | null;
  /** Rate limit of the whole group across instances (push), messages per second. */
  pushMaxPerSecond: number | null;
  /** Circuit breaker (push): consecutive failures that open an endpoint's circuit, probe interval. */
  circuitFailures: number | null;
  circuitProbeSeconds: number | null;
  maxRetries: number;
  retryBackoffSeconds: number[];
  dedupeBy: 'id' | 'key' | null;
  dedupeWindowSeconds: number | null;
  secret: string;
  ackedTotal: string;
  pausedAt: Date | null;
  pausedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type ConsumerGroupConfig = Omit<
  ConsumerGroupRow,
  'name' | 'secret' | 'ackedTotal' | 'createdAt' | 'updatedAt' | 'pausedAt' | 'pausedBy'
>;
