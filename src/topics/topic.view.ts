import type { Topic } from './topic.entity';

export interface TopicView {
  name: string;
  description: string;
  /** The current schema version and compatibility mode; null while the topic has none. */
  schema: { version: number; compatibility: 'none' | 'backward' } | null;
  createdAt: string;
  updatedAt: string;
}

export const toTopicView = (topic: Topic): TopicView => ({
  name: topic.name,
  description: topic.description,
  schema:
    topic.schemaVersion === null || topic.schemaVersion === undefined
      ? null
      : { version: topic.schemaVersion, compatibility: topic.schemaCompatibility },
  createdAt: topic.createdAt.toISOString(),
  updatedAt: topic.updatedAt.toISOString(),
});
