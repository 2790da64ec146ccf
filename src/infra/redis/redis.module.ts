// Redis connections: one shared client for commands; BullMQ workers open their own from `redisOptions`.
import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { AppConfig } from '../../config/app-config';

export const REDIS = Symbol('REDIS');
const logger = new Logger('redis');

/** Connection options from REDIS_URL; BullMQ needs maxRetriesPerRequest null on blocking clients. */
export function redisOptions(config: AppConfig): RedisOptions & { url: string } {
  return {
    url: config.redisUrl as string,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
  };
}

const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Every client gets an error listener: without one ioredis reports an outage as an "Unhandled
 * error event". Errors are logged at most every 10 s per client; commands fail on their own.
 */
export function createRedis(config: AppConfig, overrides: RedisOptions = {}): Redis {
  const { url, ...options } = redisOptions(config);
  const client = new Redis(url, { ...options, ...overrides });
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
