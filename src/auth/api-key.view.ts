import type { ApiKey, ApiKeyRole } from './api-key.entity';

export interface ApiKeyView {
  id: string;
  name: string;
  role: ApiKeyRole;
  topics: string[];
  producerGroups: string[];
  consumerGroups: string[];
  createdAt: string;
}

export const toApiKeyView = (key: ApiKey): ApiKeyView => ({
  id: key.id,
  name: key.name,
  role: key.role,
  topics: key.topics,
  producerGroups: key.producerGroups,
  consumerGroups: key.consumerGroups,
  createdAt: key.createdAt.toISOString(),
});
