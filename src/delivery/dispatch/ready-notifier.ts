// Wakes long-polling receivers (SPEC §7 pull) when a group may have something ready: a commit,
// a nack, an ack that frees an ordered key. Redis pub/sub reaches receivers on every instance;
// receivers also wake at the next known due time, so a lost notification only costs latency.
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { createRedis, REDIS } from '../../infra/redis/redis.module';

export interface Wakeup {
  /** Resolves on a notification for the group, after `ms`, on abort, or when the service stops. */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

@Injectable()
export class ReadyNotifier
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('ready-notifier');
  private readonly listeners = new Map<string, Set<() => void>>();
  private subscriber?: Redis;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private channel(group: string) {
    return `${this.config.redisPrefix}:ready:${group}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.hasRole('api')) return;
    const prefix = this.channel('');
    this.subscriber = createRedis(this.config);
    this.subscriber.on('pmessage', (_pattern: string, channel: string) =>
      this.wake(channel.slice(prefix.length)),
    );
    await this.subscriber.psubscribe(`${prefix}*`);
  }

  /** Publishes to every instance; failures are logged (receivers still wake at their due time). */
  async notify(groups: Iterable<string>): Promise<void> {
    const unique = [...new Set(groups)];
    if (unique.length === 0) return;
    try {
      const pipeline = this.redis.pipeline();
      unique.forEach((group) => pipeline.publish(this.channel(group), '1'));
      await pipeline.exec();
    } catch (error) {
      this.logger.warn({ msg: 'could not publish ready notification', error: String(error) });
      unique.forEach((group) => this.wake(group));
    }
  }

  /** Listen before looking for work, so a notification between the look and the wait is not lost. */
  listen(group: string): Wakeup {
    let fired = false;
    let resolveWait: (() => void) | undefined;
    const fire = () => {
      fired = true;
      resolveWait?.();
    };
    const set = this.listeners.get(group) ?? new Set();
    set.add(fire);
    this.listeners.set(group, set);
    const close = () => {
      set.delete(fire);
      if (set.size === 0 && this.listeners.get(group) === set) this.listeners.delete(group);
    };
    const wait = (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve) => {
        if (fired || this.stopping || signal?.aborted) return resolve();
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        resolveWait = done;
        signal?.addEventListener('abort', done);
      }).then(() => {
        fired = false;
        resolveWait = undefined;
      });
    return { wait, close };
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  private wake(group: string) {
    this.listeners.get(group)?.forEach((fire) => fire());
  }

  /** Long polls return at once so the HTTP server can drain. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    this.listeners.forEach((set) => set.forEach((fire) => fire()));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
