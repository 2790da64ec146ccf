// Topics: the names messages are published to (SPEC §4).
import type { Upserted } from '../common/http/upsert';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error';
import { pageAfterKey, type Page, type PageQuery } from '../common/pagination';
import { isNameKey } from '../common/validation/names';
import type { TtlCache } from '../common/ttl-cache';
import { ConfigChanges } from '../infra/redis/config-changes';
import type { PutTopicDto } from './topic.dto';
import { toTopicView, type TopicView, type TopicWithCountsView } from './topic.view';
import { TopicsRepository } from './topics.repository';
import { TopicSchemasService } from './schemas/topic-schemas.service';

@Injectable()
export class TopicsService {
  private readonly exists: TtlCache<boolean>;

  constructor(
    private readonly topics: TopicsRepository,
    private readonly changes: ConfigChanges,
    private readonly schemas: TopicSchemasService,
  ) {
    this.exists = changes.cache('topic');
  }

  async put(name: string, dto: PutTopicDto): Promise<Upserted<TopicView>> {
    // A schema setting is checked before anything is stored (a refused one changes nothing).
    const setting = dto.schema ? await this.schemas.assertSettable(name, dto.schema) : null;
    const { created } = await this.topics.upsert(name, {
      description: dto.description ?? '',
      durability: dto.durability ?? 'sync',
    });
    if (setting) await this.schemas.apply(name, setting);
    if (created || setting) await this.changes.changed('topic', name);
    const topic = await this.topics.findByName(name);
    return { resource: toTopicView(topic as NonNullable<typeof topic>), created };
  }

  async get(name: string): Promise<TopicWithCountsView> {
    const topic = await this.topics.findByName(name);
    if (!topic) throw ApiError.notFound(`topic '${name}'`);
    return { ...toTopicView(topic), counts: await this.topics.counts(name) };
  }

  async list(query: PageQuery): Promise<Page<TopicView>> {
    return pageAfterKey(
      query,
      (limit, after) => this.topics.list(limit, after),
      (row) => row.name,
      toTopicView,
      isNameKey,
    );
  }

  async delete(name: string): Promise<void> {
    const outcome = await this.topics.deleteUnlessSubscribed(name);
    if (outcome === 'missing') throw ApiError.notFound(`topic '${name}'`);
    if (outcome === 'subscribed') {
      throw ApiError.conflict(`topic '${name}' still has consumer groups; delete them first`);
    }
    await this.changes.changed('topic', name);
  }

  /**
   * For publishers: 404 naming the first topic that does not exist (SPEC §4). Existence comes
   * from this instance's cache (see ConfigChanges), so a publish usually costs no read.
   */
  async assertExist(names: string[]): Promise<void> {
    const unique = [...new Set(names)];
    const found = await Promise.all(
      unique.map((name) =>
        this.exists.get(name, async () => (await this.topics.existing([name])).length > 0),
      ),
    );
    const missing = unique.find((_, i) => !found[i]);
    if (missing !== undefined) throw ApiError.notFound(`topic '${missing}'`);
  }
}
