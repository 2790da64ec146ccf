// Redis connections: one shared client for commands, and every other client (BullMQ queues and
// workers, subscribers) from the same factory, so all of them reach Redis the same way: at
// REDIS_URL, or at the master Sentinel names (followed through failovers without a restart).
import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { AppConfig } from '../../config/app-config';

export const REDIS = Symbol('REDIS');
const logger = new Logger('redis');

/** Connection options; BullMQ needs maxRetriesPerRequest null on blocking clients. */
export function redisOptions(config: AppConfig): RedisOptions & { url?: string } {
  const common = { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false };
  const sentinel = config.redisSentinel;
  if (!sentinel) return { ...common, url: config.redisUrl as string };
  return {
    ...common,
    sentinels: sentinel.sentinels,
    name: sentinel.name,
    sentinelPassword: sentinel.sentinelPassword,
    password: sentinel.password,
    // Asked again after a failover: a client that finds its server turned replica reconnects.
    reconnectOnError: (error) => /READONLY/.test(error.message),
    sentinelRetryStrategy: (attempts) => Math.min(attempts * 200, 2000),
  };
}

const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Every client gets an error listener: without one ioredis reports an outage as an "Unhandled
 * error event". Errors are logged at most every 10 s per client; commands fail on their own.
 */
export function createRedis(config: AppConfig, overrides: RedisOptions = {}): Redis {
  const { url, ...options } = redisOptions(config);
  const client = url ? new Redis(url, { ...options, ...overrides }) : new Redis({ ...options, ...overrides });
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    if (Date.now() - lastLogged < ERROR_LOG_INTERVAL_MS) return;
    lastLogged = Date.now();
    logger.warn({ msg: 'Redis connection error; retrying', error: error.message });
  });
  return client;
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      // Commands fail fast while Redis is down instead of queueing forever; callers decide.
      useFactory: (config: AppConfig) => createRedis(config, { maxRetriesPerRequest: 2 }),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
