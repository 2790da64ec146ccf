// The dedupe table in Redis (SPEC §8). Keys, namespaced per group, every one written with a TTL
// so memory stays bounded:
//   `<prefix>:dedupe:<group>:claim:<key>` = "processing:<token>" (TTL = lease) or "done:<token>"
//   (TTL = the group's window) — claims for consumers' own side effects;
//   `<prefix>:dedupe:<group>:key:<message key>` = the first message id delivered with that key
//   (TTL = the group's window) — group-level dedupe by key.
// Scripts make each transition atomic; the token fences a holder whose lease ran out.
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { REDIS } from '../infra/redis/redis.module';

export type ClaimState = 'processing' | 'done';

/** Claims the key unless held or done; returns the current state when it cannot. */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current then return string.match(current, '^[a-z]+') end
redis.call('SET', KEYS[1], 'processing:' .. ARGV[1], 'PX', ARGV[2])
return 'claimed'`;

/** Moves a claim held with this token on: to done (ARGV[2] = window ms) or away (ARGV[2] = 0). */
const FINISH = `
if redis.call('GET', KEYS[1]) ~= 'processing:' .. ARGV[1] then return 0 end
if ARGV[2] == '0' then redis.call('DEL', KEYS[1])
else redis.call('SET', KEYS[1], 'done:' .. ARGV[1], 'PX', ARGV[2]) end
return 1`;

/** True for the first message with this key in the window (and for that same message again). */
const FIRST_WITH_KEY = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then return 1 end
return 0`;

@Injectable()
export class DedupeStore {
  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private claimKey(group: string, key: string) {
    return `${this.config.redisPrefix}:dedupe:${group}:claim:${key}`;
  }

  async claim(
    group: string,
    key: string,
    leaseSeconds: number,
  ): Promise<{ claimed: true; token: string } | { claimed: false; state: ClaimState }> {
    const token = randomUUID();
    const result = (await this.redis.eval(
      CLAIM,
      1,
      this.claimKey(group, key),
      token,
      leaseSeconds * 1000,
    )) as string;
    return result === 'claimed' ? { claimed: true, token } : { claimed: false, state: result as ClaimState };
  }

  /** True if the token still held the claim (its lease had not run out and nobody re-claimed). */
  async complete(group: string, key: string, token: string, windowSeconds: number): Promise<boolean> {
    return (await this.redis.eval(FINISH, 1, this.claimKey(group, key), token, windowSeconds * 1000)) === 1;
  }

  /** Whether `messageId` is the one message with `key` this group gets in the window. */
  async isFirstWithKey(
    group: string,
    key: string,
    messageId: string,
    windowSeconds: number,
  ): Promise<boolean> {
    const redisKey = `${this.config.redisPrefix}:dedupe:${group}:key:${key}`;
    return (await this.redis.eval(FIRST_WITH_KEY, 1, redisKey, messageId, windowSeconds * 1000)) === 1;
  }

  async release(group: string, key: string, token: string): Promise<boolean> {
    return (await this.redis.eval(FINISH, 1, this.claimKey(group, key), token, 0)) === 1;
  }
}
