import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Topic schemas (SPEC §4): immutable JSON Schema versions of a topic's message bodies (one per
 * version, plus any per tag), the topic's current version and compatibility mode, and the version
 * each stored message was checked against.
 */
export class TopicSchemas1796100000000 implements MigrationInterface {
  name = 'TopicSchemas1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE topic_schemas (
        topic text NOT NULL CONSTRAINT "FK_topic_schemas_topic" REFERENCES topics (name) ON DELETE CASCADE,
        version integer NOT NULL CONSTRAINT "CHK_topic_schemas_version" CHECK (version > 0),
        tag text NOT NULL DEFAULT '',
        schema jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, version, tag)
      )`);
    await q.query(
      `ALTER TABLE topics ADD COLUMN schema_version integer,
         ADD COLUMN schema_compatibility text NOT NULL DEFAULT 'none'
           CONSTRAINT "CHK_topics_schema_compatibility" CHECK (schema_compatibility IN ('none', 'backward'))`,
    );
    await q.query(`ALTER TABLE messages ADD COLUMN schema_version integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN IF EXISTS schema_version`);
    await q.query(
      `ALTER TABLE topics DROP COLUMN IF EXISTS schema_version, DROP COLUMN IF EXISTS schema_compatibility`,
    );
    await q.query(`DROP TABLE IF EXISTS topic_schemas`);
  }
}
