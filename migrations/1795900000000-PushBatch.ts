import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Batched push (SPEC §7 `delivery.batch`): up to N messages of a group in one request. */
export class PushBatch1795900000000 implements MigrationInterface {
  name = 'PushBatch1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE consumer_groups ADD COLUMN push_batch_max_messages integer, ADD COLUMN push_batch_max_wait_ms integer`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE consumer_groups DROP COLUMN IF EXISTS push_batch_max_messages, DROP COLUMN IF EXISTS push_batch_max_wait_ms`,
    );
  }
}
