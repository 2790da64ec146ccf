// Producer groups: who answers check-backs for a set of transactions, and how often to ask (SPEC §4).
import type { Upserted } from '../common/http/upsert';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/errors/api-error';
import { OutboundPolicy } from '../common/http/outbound-policy';
import { pageAfterKey, type Page, type PageQuery } from '../common/pagination';
import { generateWebhookSecret } from '../common/signing/webhook-secret';
import { isNameKey } from '../common/validation/names';
import type { TtlCache } from '../common/ttl-cache';
import { ConfigChanges } from '../infra/redis/config-changes';
import { PRODUCER_GROUP_DEFAULTS, type PutProducerGroupDto } from './producer-group.dto';
import {
  toProducerGroupView,
  type CreatedProducerGroupView,
  type ProducerGroupView,
  type ProducerGroupWithHealthView,
  type RotatedSecretView,
} from './producer-group.view';
import type { ProducerGroup } from './producer-group.entity';
import { ProducerGroupsRepository } from './producer-groups.repository';

const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

@Injectable()
export class ProducerGroupsService {
  private readonly cache: TtlCache<ProducerGroup | null>;

  constructor(
    private readonly groups: ProducerGroupsRepository,
    private readonly outbound: OutboundPolicy,
    private readonly changes: ConfigChanges,
  ) {
    this.cache = changes.cache('producer-group');
  }

  /** Creates (returning the secret, once) or replaces the config of a group. */
  async put(name: string, dto: PutProducerGroupDto): Promise<Upserted<CreatedProducerGroupView>> {
    const config = { ...PRODUCER_GROUP_DEFAULTS, ...dto };
    if (config.maxCheckIntervalSeconds < config.checkIntervalSeconds) {
      throw ApiError.validation('maxCheckIntervalSeconds must be at least checkIntervalSeconds', [
        { field: 'maxCheckIntervalSeconds', message: 'must be >= checkIntervalSeconds' },
      ]);
    }
    await this.outbound.assertConfigurable('checkbackUrl', [config.checkbackUrl]);
    const { group, created } = await this.groups.upsert(name, config, generateWebhookSecret());
    await this.changes.changed('producer-group', name);
    const view = toProducerGroupView(group);
    return { resource: created ? { ...view, secret: group.secret } : view, created };
  }

  /** Config plus check-back health; producers read only the groups they are granted. */
  async get(principal: Principal, name: string): Promise<ProducerGroupWithHealthView> {
    principal.assertReadProducerGroup(name);
    const group = await this.require(name);
    return { ...toProducerGroupView(group), checkbackHealth: await this.groups.checkbackHealth(name) };
  }

  async list(query: PageQuery): Promise<Page<ProducerGroupView>> {
    return pageAfterKey(
      query,
      (limit, after) => this.groups.list(limit, after),
      (row) => row.name,
      (row) => toProducerGroupView(row),
      isNameKey,
    );
  }

  async rotateSecret(name: string): Promise<RotatedSecretView> {
    const expires = new Date(Date.now() + ROTATION_OVERLAP_MS);
    const group = await this.groups.rotateSecret(name, generateWebhookSecret(), expires);
    if (!group) throw ApiError.notFound(`producer group '${name}'`);
    await this.changes.changed('producer-group', name);
    return { name, secret: group.secret, previousSecretExpiresAt: expires.toISOString() };
  }

  async require(name: string): Promise<ProducerGroup> {
    const group = await this.groups.findByName(name);
    if (!group) throw ApiError.notFound(`producer group '${name}'`);
    return group;
  }

  /** The group's config for the hot path, from this instance's cache (see ConfigChanges). */
  async cached(name: string): Promise<ProducerGroup> {
    const group = await this.cache.get(name, () => this.groups.findByName(name));
    if (!group) throw ApiError.notFound(`producer group '${name}'`);
    return group;
  }
}
