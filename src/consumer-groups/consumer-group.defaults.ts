// What a consumer group gets for what its PUT leaves out (SPEC §7): clustering, unordered, push
// time-out 10 s and 32 in flight, RocketMQ's 16 retry steps, dedupe by id for 7 days.
export const DEFAULT_MAX_RETRIES = 16;
export const DEFAULT_RETRY_BACKOFF_SECONDS = [
  10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200,
];

export const CONSUMER_GROUP_DEFAULTS = {
  mode: 'clustering' as const,
  ordered: false,
  pushTimeoutMs: 10_000,
  maxConcurrency: 32,
  maxRetries: DEFAULT_MAX_RETRIES,
  retryBackoffSeconds: DEFAULT_RETRY_BACKOFF_SECONDS,
  dedupe: { by: 'id' as const, windowSeconds: 604_800 },
};
