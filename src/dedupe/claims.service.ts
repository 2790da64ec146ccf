// Claims for idempotent consumers (SPEC §8): one holder per key at a time, "done" remembered for
// the group's dedupe window, a released or expired claim can be taken again.
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { ApiError, ErrorCode } from '../common/errors/api-error';
import { CONSUMER_GROUP_DEFAULTS } from '../consumer-groups/consumer-group.defaults';
import { ConsumerGroupsService } from '../consumer-groups/consumer-groups.service';
import { MAX_CLAIM_KEY_LENGTH, type ClaimDto } from './claim.dto';
import { DedupeStore } from './dedupe-store';

export const DEFAULT_LEASE_SECONDS = 60;

@Injectable()
export class ClaimsService {
  constructor(
    private readonly groups: ConsumerGroupsService,
    private readonly store: DedupeStore,
  ) {}

  async claim(principal: Principal, group: string, dto: ClaimDto) {
    await this.requireGroup(principal, group);
    const result = await this.store.claim(group, dto.key, dto.leaseSeconds ?? DEFAULT_LEASE_SECONDS);
    if (!result.claimed) {
      throw new ApiError(ErrorCode.Conflict, `key '${dto.key}' is already ${result.state}`, [], result);
    }
    return result;
  }

  async complete(principal: Principal, group: string, key: string, token: string) {
    const config = await this.requireGroup(principal, group);
    checkKey(key);
    const window = config.dedupeWindowSeconds ?? CONSUMER_GROUP_DEFAULTS.dedupe.windowSeconds;
    if (!(await this.store.complete(group, key, token, window))) throw notHeld(key);
    return { key, state: 'done' as const, rememberedForSeconds: window };
  }

  async release(principal: Principal, group: string, key: string, token: string) {
    await this.requireGroup(principal, group);
    checkKey(key);
    if (!(await this.store.release(group, key, token))) throw notHeld(key);
    return { key, state: 'released' as const };
  }

  private async requireGroup(principal: Principal, group: string) {
    principal.assertConsumerGroup(group);
    return this.groups.cached(group);
  }
}

function checkKey(key: string) {
  if (key.length === 0 || key.length > MAX_CLAIM_KEY_LENGTH) {
    throw ApiError.validation(`key must be 1..${MAX_CLAIM_KEY_LENGTH} characters`, [
      { field: 'key', message: `must be 1..${MAX_CLAIM_KEY_LENGTH} characters` },
    ]);
  }
}

/** The token's lease ran out (and maybe someone else holds the key now), or it was never valid. */
const notHeld = (key: string) =>
  ApiError.conflict(
    `this token does not hold key '${key}': its lease expired, or it was completed or released`,
  );
