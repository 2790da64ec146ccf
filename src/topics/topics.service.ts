// Topics: the names messages are published to (SPEC §4).
import type { Upserted } from '../common/http/upsert';
import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error';
import { pageAfterKey, type Page, type PageQuery } from '../common/pagination';
import { isNameKey } from '../common/validation/names';
import type { PutTopicDto } from './topic.dto';
import { toTopicView, type TopicView } from './topic.view';
import { TopicsRepository, type TopicCounts } from './topics.repository';

@Injectable()
export class TopicsService {
  constructor(private readonly topics: TopicsRepository) {}

  async put(name: string, dto: PutTopicDto): Promise<Upserted<TopicView>> {
    const { topic, created } = await this.topics.upsert(name, dto.description ?? '');
    return { resource: toTopicView(topic), created };
  }

  async get(name: string): Promise<TopicView & { counts: TopicCounts }> {
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
  }

  /** For publishers: 404 naming the first topic that does not exist (SPEC §4). */
  async assertExist(names: string[]): Promise<void> {
    const unique = [...new Set(names)];
    const found = new Set(await this.topics.existing(unique));
    const missing = unique.find((name) => !found.has(name));
    if (missing !== undefined) throw ApiError.notFound(`topic '${missing}'`);
  }
}
