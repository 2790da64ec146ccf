import type { Topic } from './topic.entity';

/** The topic's current schema version and how a new one must relate to it. */
export class TopicSchemaSettingView {
  version: number;
  compatibility: 'none' | 'backward';
}

export class TopicView {
  name: string;
  description: string;
  /** The current schema version and compatibility mode; null while the topic has none. */
  schema: TopicSchemaSettingView | null;
  /** `sync`: a request is answered once its commit is on disk; `async`: before (SPEC §4). */
  durability: 'sync' | 'async';
  createdAt: string;
  updatedAt: string;
}

export class TopicMessageCountsView {
  prepared: number;
  committed: number;
  rolledBack: number;
}

export class TopicCountsView {
  messages: TopicMessageCountsView;
  consumerGroups: number;
}

/** `GET /v1/topics/{topic}`: the topic with its message and consumer group counts. */
export class TopicWithCountsView extends TopicView {
  counts: TopicCountsView;
}

export const toTopicView = (topic: Topic): TopicView => ({
  name: topic.name,
  description: topic.description,
  schema:
    topic.schemaVersion === null || topic.schemaVersion === undefined
      ? null
      : { version: topic.schemaVersion, compatibility: topic.schemaCompatibility },
  durability: topic.durability,
  createdAt: topic.createdAt.toISOString(),
  updatedAt: topic.updatedAt.toISOString(),
});
