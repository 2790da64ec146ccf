import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../../infra/database/sql';

export interface TopicSchemaRow {
  topic: string;
  version: number;
  /** '' for the version's schema of every tag without its own. */
  tag: string;
  schema: unknown;
  createdAt: Date;
}

export interface TopicSchemaSetting {
  version: number | null;
  compatibility: 'none' | 'backward';
}

@Injectable()
export class TopicSchemasRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a version's schema (for a tag) unless one is there; returns the stored one and whether it is new. */
  async insert(
    row: Omit<TopicSchemaRow, 'createdAt'>,
  ): Promise<{ stored: TopicSchemaRow; created: boolean }> {
    const [created] = await queryRows<TopicSchemaRow>(
      this.dataSource,
      `INSERT INTO topic_schemas (topic, version, tag, schema) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT DO NOTHING RETURNING *`,
      [row.topic, row.version, row.tag, JSON.stringify(row.schema)],
    );
    if (created) return { stored: created, created: true };
    const [stored] = await queryRows<TopicSchemaRow>(
      this.dataSource,
      `SELECT * FROM topic_schemas WHERE topic = $1 AND version = $2 AND tag = $3`,
      [row.topic, row.version, row.tag],
    );
    return { stored, created: false };
  }

  /** A topic's schemas, or one version's (every tag), by version then tag. */
  list(topic: string, version?: number): Promise<TopicSchemaRow[]> {
    return queryRows<TopicSchemaRow>(
      this.dataSource,
      `SELECT * FROM topic_schemas WHERE topic = $1 AND ($2::int IS NULL OR version = $2) ORDER BY version, tag`,
      [topic, version ?? null],
    );
  }

  async setting(topic: string): Promise<TopicSchemaSetting | null> {
    const [row] = await queryRows<{ schemaVersion: number | null; schemaCompatibility: 'none' | 'backward' }>(
      this.dataSource,
      `SELECT schema_version, schema_compatibility FROM topics WHERE name = $1`,
      [topic],
    );
    return row ? { version: row.schemaVersion, compatibility: row.schemaCompatibility } : null;
  }

  async setSetting(topic: string, setting: TopicSchemaSetting): Promise<void> {
    await queryRows(
      this.dataSource,
      `UPDATE topics SET schema_version = $2, schema_compatibility = $3, updated_at = now() WHERE name = $1`,
      [topic, setting.version, setting.compatibility],
    );
  }
}
