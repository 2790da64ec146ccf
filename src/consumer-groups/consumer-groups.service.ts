// Consumer groups (SPEC §7): who receives a topic's messages, how (push or pull), and how retries go.
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import type { TtlCache } from '../common/ttl-cache';
import { ConfigChanges } from '../infra/redis/config-changes';
import { ApiError } from '../common/errors/api-error';
import { OutboundPolicy } from '../common/http/outbound-policy';
import { pageAfterKey, type Page, type PageQuery } from '../common/pagination';
import { generateWebhookSecret } from '../common/signing/webhook-secret';
import { isNameKey } from '../common/validation/names';
import { TopicsService } from '../topics/topics.service';
import { CONSUMER_GROUP_DEFAULTS } from './consumer-group.defaults';
import type { PutConsumerGroupDto } from './consumer-group.dto';
import {
  toConsumerGroupView,
  withStats,
  type ConsumerGroupView,
  type GroupBacklogView,
} from './consumer-group.view';
import type { ConsumerGroupConfig, ConsumerGroupRow } from './consumer-group.row';
import { ConsumerGroupsRepository } from './consumer-groups.repository';

@Injectable()
export class ConsumerGroupsService {
  private readonly cache: TtlCache<ConsumerGroupRow | null>;

  constructor(
    private readonly groups: ConsumerGroupsRepository,
    private readonly topics: TopicsService,
    private readonly outbound: OutboundPolicy,
    private readonly changes: ConfigChanges,
  ) {
    this.cache = changes.cache('consumer-group');
  }

  /** Creates (returning the push secret, once) or replaces a group's config. */
  async put(name: string, dto: PutConsumerGroupDto) {
    const config = toConfig(dto);
    await this.outbound.assertConfigurable(
      dto.mode === 'broadcasting' ? 'delivery.urls' : 'delivery.url',
      config.pushUrls,
    );
    await this.topics.assertExist([dto.topic]);
    const result = await this.groups.upsert(name, config, generateWebhookSecret());
    await this.changes.changed('consumer-group', name);
    if (!result) {
      throw ApiError.conflict(
        `consumer group '${name}' exists with another topic or mode; delete it and create it again`,
      );
    }
    const view = await this.withStats(result.group);
    return {
      resource: result.created ? { ...view, secret: result.group.secret } : view,
      created: result.created,
    };
  }

  /** Config plus delivery stats; consumers read only the groups they are granted. */
  async get(principal: Principal, name: string) {
    principal.assertReadConsumerGroup(name);
    return this.withStats(await this.require(name));
  }

  /**
   * Pauses (`by` names who) or resumes (`by` null) a group: claims and receives skip a paused
   * group, so it gets nothing and keeps its backlog (SPEC §7). Returns the group as it is now.
   */
  async setPaused(name: string, by: string | null) {
    const group = await this.groups.setPaused(name, by);
    if (!group) throw ApiError.notFound(`consumer group '${name}'`);
    await this.changes.changed('consumer-group', name);
    return { group, view: await this.withStats(group) };
  }

  private async withStats(group: ConsumerGroupRow) {
    const [stats, endpoints] = await Promise.all([
      this.groups.stats(group.name),
      group.deliveryType === 'push' ? this.groups.endpoints(group.name) : [],
    ]);
    return withStats(toConsumerGroupView(group), stats, group, endpoints);
  }

  async list(query: PageQuery): Promise<Page<ConsumerGroupView>> {
    return pageAfterKey(
      query,
      (limit, after) => this.groups.list(limit, after),
      (row) => row.name,
      toConsumerGroupView,
      isNameKey,
    );
  }

  /** Every group with its backlog (admin overview, metrics). */
  backlogOfAll(): Promise<GroupBacklogView[]> {
    return this.groups.backlog(null);
  }

  /** A pull broadcasting member's first receive: it gets messages committed from now on. */
  registerMember(group: string, member: string): Promise<void> {
    return this.groups.registerMember(group, member);
  }

  async delete(name: string): Promise<void> {
    if (!(await this.groups.delete(name))) throw ApiError.notFound(`consumer group '${name}'`);
    await this.changes.changed('consumer-group', name);
  }

  async require(name: string): Promise<ConsumerGroupRow> {
    const group = await this.groups.find(name);
    if (!group) throw ApiError.notFound(`consumer group '${name}'`);
    return group;
  }

  /** The group's config for the hot path, from this instance's cache (see ConfigChanges). */
  async cached(name: string): Promise<ConsumerGroupRow> {
    const group = await this.cache.get(name, () => this.groups.find(name));
    if (!group) throw ApiError.notFound(`consumer group '${name}'`);
    return group;
  }
}

/** Applies defaults and the rules class-validator cannot express (url vs urls by mode). */
function toConfig(dto: PutConsumerGroupDto): ConsumerGroupConfig {
  const mode = dto.mode ?? CONSUMER_GROUP_DEFAULTS.mode;
  const { delivery } = dto;
  const invalid = (field: string, message: string) =>
    ApiError.validation(`${field} ${message}`, [{ field, message }]);
  let urls: string[] = [];
  if (delivery.type === 'push') {
    if (mode === 'clustering') {
      if (delivery.urls !== undefined) throw invalid('delivery.urls', 'is for broadcasting groups; use url');
      if (delivery.url === undefined) throw invalid('delivery.url', 'is required for push delivery');
      urls = [delivery.url];
    } else {
      if (delivery.url !== undefined) throw invalid('delivery.url', 'is for clustering groups; use urls');
      if (delivery.urls === undefined)
        throw invalid('delivery.urls', 'is required for broadcasting push delivery');
      urls = delivery.urls;
    }
  } else {
    const extra = (
      ['url', 'urls', 'timeoutMs', 'maxConcurrency', 'batch', 'maxPerSecond', 'circuitBreaker'] as const
    ).find((f) => delivery[f] !== undefined);
    if (extra) throw invalid(`delivery.${extra}`, 'is only for push delivery');
  }
  const dedupe = dto.dedupe ?? CONSUMER_GROUP_DEFAULTS.dedupe;
  return {
    topic: dto.topic,
    filterTags: dto.filter?.tags ?? null,
    mode,
    ordered: dto.ordered ?? CONSUMER_GROUP_DEFAULTS.ordered,
    deliveryType: delivery.type,
    pushUrls: urls,
    pushTimeoutMs:
      delivery.type === 'push' ? (delivery.timeoutMs ?? CONSUMER_GROUP_DEFAULTS.pushTimeoutMs) : null,
    maxConcurrency:
      delivery.type === 'push' ? (delivery.maxConcurrency ?? CONSUMER_GROUP_DEFAULTS.maxConcurrency) : null,
    pushBatchMaxMessages: delivery.type === 'push' ? (delivery.batch?.maxMessages ?? null) : null,
    pushBatchMaxWaitMs: delivery.type === 'push' && delivery.batch ? (delivery.batch.maxWaitMs ?? 0) : null,
    pushMaxPerSecond: delivery.type === 'push' ? (delivery.maxPerSecond ?? null) : null,
    circuitFailures: delivery.type === 'push' ? (delivery.circuitBreaker?.failures ?? null) : null,
    circuitProbeSeconds: delivery.type === 'push' ? (delivery.circuitBreaker?.probeSeconds ?? null) : null,
    maxRetries: dto.maxRetries ?? CONSUMER_GROUP_DEFAULTS.maxRetries,
    retryBackoffSeconds: dto.retryBackoffSeconds ?? CONSUMER_GROUP_DEFAULTS.retryBackoffSeconds,
    dedupeBy: dedupe.by,
    dedupeWindowSeconds: dedupe.windowSeconds ?? CONSUMER_GROUP_DEFAULTS.dedupe.windowSeconds,
  };
}
