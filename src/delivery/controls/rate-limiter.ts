// The rate limit of a push group across all instances (SPEC §7 `delivery.maxPerSecond`): a
// generic cell rate algorithm in Redis, one key per group holding the theoretical arrival time
// of the next message, on Redis's clock. Each push reserves the next slot (one every 1/rate
// seconds, no burst) and waits for it, so the consumer sees the rate spread evenly and never more
// than `maxPerSecond` in any second. While Redis is away each instance keeps its own slots at its
// share of the rate: the limit divided by the instances that pushed recently (a heartbeat set in
// Redis, last read before it went away).
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { createRedis } from '../../infra/redis/redis.module';

/** Reserves the next slot: returns how many microseconds to wait for it. */
const RESERVE_LUA = `
local interval = tonumber(ARGV[1])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local nextTat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', nextTat), 'PX', math.ceil((nextTat - now) / 1000) + 1000)
return tat - now`;

const HEARTBEAT_MS = 5000;
const INSTANCE_TTL_MS = 15_000;

@Injectable()
export class RateLimiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('rate-limit');
  private redis?: Redis;
  private heartbeat?: NodeJS.Timeout;
  private readonly id = randomUUID();
  /** Instances that pushed within the last heartbeats, as last read from Redis. */
  private instances = 1;
  /** The per-instance fallback: the next free slot of each group, in ms (performance clock). */
  private readonly localNext = new Map<string, number>();

  constructor(private readonly config: AppConfig) {}

  /** Pushing instances connect at once, so they count among the instances from the start. */
  onApplicationBootstrap(): void {
    if (this.config.hasRole('push')) this.connection();
  }

  /**
   * Reserves group `group`'s next slot at `maxPerSecond`; returns the milliseconds to wait for it
   * (the caller waits, then pushes).
   */
  reserve(group: string, maxPerSecond: number): Promise<number> {
    return this.reserveShared(group, maxPerSecond).catch((error: unknown) => {
      this.logger.warn({
        msg: 'Redis unavailable; limiting at this instance share',
        group,
        error: String(error),
      });
      return this.reserveLocal(group, maxPerSecond / this.instances);
    });
  }

  private async reserveShared(group: string, maxPerSecond: number): Promise<number> {
    const redis = this.connection();
    const waitUs = (await redis.eval(
      RESERVE_LUA,
      1,
      `${this.config.redisPrefix}:rate:${group}`,
      Math.round(1_000_000 / maxPerSecond),
    )) as number;
    return waitUs / 1000;
  }

  private reserveLocal(group: string, perSecond: number): number {
    const now = performance.now();
    const slot = Math.max(now, this.localNext.get(group) ?? 0);
    this.localNext.set(group, slot + 1000 / perSecond);
    return slot - now;
  }

  private connection(): Redis {
    if (!this.redis) {
      // Fails at once while Redis is down, so pushes fall back instead of waiting for it.
      this.redis = createRedis(this.config, {
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        commandTimeout: 1000,
      });
      this.beat();
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS).unref();
    }
    return this.redis;
  }

  /** Announces this instance and reads how many pushed lately. */
  private beat(): void {
    const redis = this.redis;
    if (!redis) return;
    const key = `${this.config.redisPrefix}:push-instances`;
    const now = Date.now();
    redis
      .multi()
      .zadd(key, now, this.id)
      .zremrangebyscore(key, 0, now - INSTANCE_TTL_MS)
      .zcard(key)
      .exec()
      .then((results) => {
        const count = Number(results?.[2]?.[1] ?? 0);
        if (count > 0) this.instances = count;
      })
      .catch(() => undefined); // keeps the last count while Redis is away
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    if (!this.redis) return;
    await this.redis.zrem(`${this.config.redisPrefix}:push-instances`, this.id).catch(() => undefined);
    await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
