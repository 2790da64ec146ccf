// Redis connections: one shared client for commands; BullMQ workers open their own from `redisOptions`.
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { AppConfig } from '../../config/app-config';

export const REDIS = Symbol('REDIS');

/** Connection options from REDIS_URL; BullMQ needs maxRetriesPerRequest null on blocking clients. */
export function redisOptions(config: AppConfig): RedisOptions & { url: string } {
  return {
    url: config.redisUrl as string,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: false,
  };
}

export function createRedis(config: AppConfig, overrides: RedisOptions = {}): Redis {
  const { url, ...options } = redisOptions(config);
  return new Redis(url, { ...options, ...overrides });
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
