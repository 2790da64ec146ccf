import type { Topic } from './topic.entity';

export interface TopicView {
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export const toTopicView = (topic: Topic): TopicView => ({
  name: topic.name,
  description: topic.description,
  createdAt: topic.createdAt.toISOString(),
  updatedAt: topic.updatedAt.toISOString(),
});
