import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Broker core: members of pull broadcasting groups (each gets messages committed after its
 * first receive), a UUIDv7 generator for rows created by INSERT … SELECT (Postgres < 18 has
 * none built in), and indexes to find deliveries by message and overdue ones across groups.
 */
export class DeliveryMembers1795400000000 implements MigrationInterface {
  name = 'DeliveryMembers1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE consumer_group_members (
        consumer_group text NOT NULL CONSTRAINT "FK_consumer_group_members_group" REFERENCES consumer_groups (name) ON DELETE CASCADE,
        member text NOT NULL,
        start_seq bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_consumer_group_members" PRIMARY KEY (consumer_group, member)
      )`);
    // Millisecond timestamp in the first 48 bits, version 7, the rest random (RFC 9562).
    await q.query(`
      CREATE FUNCTION txmsg_uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
        SELECT encode(
          set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
            PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
            FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
      $$`);
    await q.query(`CREATE INDEX "IDX_deliveries_message" ON deliveries (message_id)`);
    // The reconciler's scan for overdue deliveries across all groups.
    await q.query(
      `CREATE INDEX "IDX_deliveries_due" ON deliveries (available_at) WHERE state IN ('pending', 'retrying')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "IDX_deliveries_due"`);
    await q.query(`DROP INDEX IF EXISTS "IDX_deliveries_message"`);
    await q.query(`DROP FUNCTION IF EXISTS txmsg_uuid_v7()`);
    await q.query(`DROP TABLE IF EXISTS consumer_group_members`);
  }
}
