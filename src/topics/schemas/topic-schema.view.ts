// A topic schema version as the API answers it (SPEC §4).
import { ApiJsonSchema } from '../../common/http/any-json';
import type { TopicSchemaRow } from './topic-schemas.repository';

export class TopicSchemaView {
  topic: string;
  version: number;
  /** The tag this schema is for; absent: every tag without a schema of its own. */
  tag?: string;
  @ApiJsonSchema('JSON Schema (draft 2020-12) for the message body')
  schema: unknown;
  createdAt: string;
}

export class TopicSchemaListView {
  /** The version prepare, send and batch send check against; null while the topic has none. */
  currentVersion: number | null;
  compatibility: 'none' | 'backward';
  items: TopicSchemaView[];
}

export const toTopicSchemaView = (row: TopicSchemaRow): TopicSchemaView => ({
  topic: row.topic,
  version: row.version,
  ...(row.tag ? { tag: row.tag } : {}),
  schema: row.schema,
  createdAt: row.createdAt.toISOString(),
});
