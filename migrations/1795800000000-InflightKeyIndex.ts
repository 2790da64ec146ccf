import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ordered groups start a message only while no message of its key is in flight: this finds the
 * key's in-flight rows (at most a few) without walking the key's whole backlog.
 */
export class InflightKeyIndex1795800000000 implements MigrationInterface {
  name = 'InflightKeyIndex1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "IDX_deliveries_inflight_key" ON deliveries (consumer_group, member, sharding_key)
        WHERE state = 'inflight' AND sharding_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "IDX_deliveries_inflight_key"`);
  }
}
