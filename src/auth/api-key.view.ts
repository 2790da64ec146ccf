import type { ApiKey } from './api-key.entity';

import { type ApiKeyRole } from './api-key.entity';

export class ApiKeyView {
  id: string;
  name: string;
  role: ApiKeyRole;
  topics: string[];
  producerGroups: string[];
  consumerGroups: string[];
  createdAt: string;
}

/** A created key: its token is answered this once. */
export class CreatedApiKeyView extends ApiKeyView {
  token: string;
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
