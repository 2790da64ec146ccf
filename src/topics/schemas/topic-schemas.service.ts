// Topic schemas (SPEC §4): immutable versions of what a topic's message bodies look like, the
// topic's current version and compatibility mode, and the check at the door — prepare, send and
// batch send refuse a request whose bodies do not match (422 `schema_violation`, nothing stored).
import { Injectable } from '@nestjs/common';
import type { ErrorObject } from 'ajv';
import { ApiError, ErrorCode } from '../../common/errors/api-error';
import type { TtlCache } from '../../common/ttl-cache';
import { ConfigChanges } from '../../infra/redis/config-changes';
import { backwardBreaks } from './schema-compatibility';
import { assertUsableSchema } from './schema-rules';
import { SchemaValidators } from './schema-validators';
import { toTopicSchemaView, type TopicSchemaListView } from './topic-schema.view';
import type { PutTopicSchemaDto, TopicSchemaSettingDto } from './topic-schema.dto';
import {
  TopicSchemasRepository,
  type TopicSchemaRow,
  type TopicSchemaSetting,
} from './topic-schemas.repository';

/** A topic's current version with its schemas by tag ('' for every other tag), as the hot path needs it. */
interface CurrentSchemas {
  version: number | null;
  byTag: Map<string, unknown>;
}

/** A message as the check sees it. */
export interface CheckedMessage {
  topic: string;
  tag?: string | null;
  body: unknown;
}

/** How many failing places one message reports at most. */
const MAX_DETAILS_PER_MESSAGE = 10;

@Injectable()
export class TopicSchemasService {
  private readonly current: TtlCache<CurrentSchemas | null>;
  private readonly validators = new SchemaValidators();

  constructor(
    private readonly schemas: TopicSchemasRepository,
    private readonly changes: ConfigChanges,
  ) {
    this.current = changes.cache('topic');
  }

  /** Stores version `version` (for `dto.tag`): 201 when new, 200 when the same is there, 409 when another is. */
  async put(topic: string, version: number, dto: PutTopicSchemaDto) {
    if (!(await this.schemas.setting(topic))) throw ApiError.notFound(`topic '${topic}'`);
    assertUsableSchema(dto.schema);
    const { stored, created } = await this.schemas.insert({
      topic,
      version,
      tag: dto.tag ?? '',
      schema: dto.schema,
    });
    if (!created && JSON.stringify(canonical(stored.schema)) !== JSON.stringify(canonical(dto.schema))) {
      throw ApiError.conflict(
        `schema version ${version}${dto.tag ? ` of tag '${dto.tag}'` : ''} of topic '${topic}' exists with another schema; versions are immutable`,
      );
    }
    // A new tag's schema can join the current version: the caches of it must learn.
    if (created) await this.changes.changed('topic', topic);
    return { resource: toTopicSchemaView(stored), created };
  }

  async list(topic: string): Promise<TopicSchemaListView> {
    const setting = await this.schemas.setting(topic);
    if (!setting) throw ApiError.notFound(`topic '${topic}'`);
    const rows = await this.schemas.list(topic);
    return {
      currentVersion: setting.version,
      compatibility: setting.compatibility,
      items: rows.map(toTopicSchemaView),
    };
  }

  /**
   * Moves the topic to `setting.version` (it must exist) under `setting.compatibility` (default
   * `none`); with `backward`, 409 naming each change that would refuse a body the current version
   * accepts. Called by the topic's PUT before anything else of it is stored.
   */
  async assertSettable(topic: string, setting: TopicSchemaSettingDto): Promise<TopicSchemaSetting> {
    const next = await this.schemas.list(topic, setting.version);
    if (next.length === 0) {
      throw ApiError.validation(`schema version ${setting.version} of topic '${topic}' does not exist`, [
        { field: 'schema.version', message: `version ${setting.version} has no schema; PUT it first` },
      ]);
    }
    const compatibility = setting.compatibility ?? 'none';
    const now = await this.schemas.setting(topic);
    if (compatibility === 'backward' && now?.version && now.version !== setting.version) {
      const previous = await this.schemas.list(topic, now.version);
      const breaks = compatibilityBreaks(previous, next);
      if (breaks.length > 0) {
        throw ApiError.conflict(
          `schema version ${setting.version} is not backward compatible with version ${now.version}: ${breaks.join('; ')}`,
          breaks.map((message) => ({ field: 'schema.version', message })),
        );
      }
    }
    return { version: setting.version, compatibility };
  }

  apply(topic: string, setting: TopicSchemaSetting): Promise<void> {
    return this.schemas.setSetting(topic, setting);
  }

  /**
   * Checks each message's body against its topic's current version (its tag's schema, else the
   * version's); returns the version each was checked against (null: the topic has none). Any
   * failing message makes it a 422 `schema_violation` listing every failing place.
   */
  async check(messages: CheckedMessage[]): Promise<(number | null)[]> {
    const topics = [...new Set(messages.map((message) => message.topic))];
    const currents = new Map(
      await Promise.all(topics.map(async (topic) => [topic, await this.currentOf(topic)] as const)),
    );
    const versions: (number | null)[] = [];
    const details: ReturnType<typeof toDetail>[] = [];
    for (const [index, message] of messages.entries()) {
      const current = currents.get(message.topic);
      if (!current?.version) {
        versions.push(null);
        continue;
      }
      versions.push(current.version);
      const tag = message.tag && current.byTag.has(message.tag) ? message.tag : '';
      if (!current.byTag.has(tag)) continue; // only other tags have a schema in this version
      const validate = this.validators.validator(message.topic, current.version, tag, current.byTag.get(tag));
      if (validate(message.body)) continue;
      for (const error of (validate.errors ?? []).slice(0, MAX_DETAILS_PER_MESSAGE)) {
        details.push(toDetail(index, error));
      }
    }
    if (details.length > 0) {
      throw new ApiError(
        ErrorCode.SchemaViolation,
        `${new Set(details.map((d) => d.index)).size} message(s) do not match their topic's schema; nothing was stored`,
        details,
      );
    }
    return versions;
  }

  private currentOf(topic: string): Promise<CurrentSchemas | null> {
    return this.current.get(topic, async () => {
      const setting = await this.schemas.setting(topic);
      if (!setting) return null;
      const rows = setting.version ? await this.schemas.list(topic, setting.version) : [];
      return { version: setting.version, byTag: new Map(rows.map((row) => [row.tag, row.schema])) };
    });
  }
}

/** What breaks backward compatibility between two versions, per tag (a tag without its own schema uses the version's). */
function compatibilityBreaks(previous: TopicSchemaRow[], next: TopicSchemaRow[]): string[] {
  const schemaOf = (rows: TopicSchemaRow[], tag: string) =>
    (rows.find((row) => row.tag === tag) ?? rows.find((row) => row.tag === ''))?.schema ?? true;
  const tags = new Set([...previous, ...next].map((row) => row.tag));
  return [...tags].flatMap((tag) =>
    backwardBreaks(schemaOf(previous, tag), schemaOf(next, tag)).map((change) =>
      tag ? `tag '${tag}' ${change}` : change,
    ),
  );
}

function toDetail(index: number, error: ErrorObject) {
  const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
  const pointer = `${error.instancePath}${missing}` || '/';
  return {
    index,
    pointer,
    rule: error.schemaPath,
    message: `${pointer} ${error.message ?? 'is invalid'}`,
    field: `messages[${index}].body${pointer === '/' ? '' : pointer.replace(/\//g, '.')}`,
  };
}

/** JSON with object keys sorted, so equal schemas compare equal whatever their key order (jsonb reorders). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}
