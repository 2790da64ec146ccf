// Tells every instance that a topic, producer group or consumer group changed, so that the
// caches that spare the hot path a read per request drop it. Redis pub/sub carries the news to
// the other instances; a lost notification costs at most the cache's time to live.
import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { TtlCache } from '../../common/ttl-cache';
import { AppConfig } from '../../config/app-config';
import { createRedis, REDIS } from './redis.module';

export type ConfigKind = 'topic' | 'producer-group' | 'consumer-group';

@Injectable()
export class ConfigChanges implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('config-changes');
  private readonly listeners = new Map<ConfigKind, ((name: string) => void)[]>();
  private subscriber?: Redis;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private get channel() {
    return `${this.config.redisPrefix}:config-changed`;
  }

  onApplicationBootstrap(): void {
    this.subscriber = createRedis(this.config);
    this.subscriber.on('message', (_channel: string, message: string) => {
      const [kind, name] = message.split('\n', 2) as [ConfigKind, string];
      this.deliver(kind, name);
    });
    // Not awaited: an instance starts while Redis is down (ioredis subscribes once it connects),
    // and until then the caches' time to live bounds staleness.
    this.subscriber
      .subscribe(this.channel)
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'could not subscribe to config changes yet', error: String(error) }),
      );
  }

  /** Calls `listener` with the name of each `kind` changed here or on another instance. */
  on(kind: ConfigKind, listener: (name: string) => void): void {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), listener]);
  }

  /** A per-instance cache of `kind` by name, from which a name is dropped whenever it changes. */
  cache<V>(kind: ConfigKind): TtlCache<V> {
    const cache = new TtlCache<V>(this.config.configCacheTtlMs);
    this.on(kind, (name) => cache.delete(name));
    return cache;
  }

  /** Call once the change is committed. Never throws: the caches' time to live bounds staleness. */
  async changed(kind: ConfigKind, name: string): Promise<void> {
    this.deliver(kind, name);
    try {
      await this.redis.publish(this.channel, `${kind}\n${name}`);
    } catch (error) {
      this.logger.warn({ msg: 'could not announce a config change', kind, name, error: String(error) });
    }
  }

  private deliver(kind: ConfigKind, name: string): void {
    for (const listener of this.listeners.get(kind) ?? []) listener(name);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}

@Global()
@Module({ providers: [ConfigChanges], exports: [ConfigChanges] })
export class ConfigChangesModule {}
