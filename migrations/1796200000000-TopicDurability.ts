import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durability per topic (SPEC §4): `sync` (the default: a request is answered once its commit is
 * on disk) or `async` (answered before the WAL reaches disk; a crash can lose the last moments).
 */
export class TopicDurability1796200000000 implements MigrationInterface {
  name = 'TopicDurability1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE topics ADD COLUMN durability text NOT NULL DEFAULT 'sync'
         CONSTRAINT "CHK_topics_durability" CHECK (durability IN ('sync', 'async'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE topics DROP COLUMN IF EXISTS durability`);
  }
}
