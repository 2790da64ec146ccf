import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Message lists without a filter (newest first) and retention's scan by age. */
export class QueryIndexes1795500000000 implements MigrationInterface {
  name = 'QueryIndexes1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "IDX_messages_created" ON messages (created_at, id)`);
    await q.query(
      `CREATE INDEX "IDX_transactions_resolved" ON transactions (resolved_at) WHERE resolved_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "IDX_transactions_resolved"`);
    await q.query(`DROP INDEX IF EXISTS "IDX_messages_created"`);
  }
}
