import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Topic } from './topic.entity';

export class PutTopicDto {
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
}

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
