import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery controls (SPEC §7) and trace context (SPEC §5): a push group's rate limit and circuit
 * breaker settings, its pause, one row per push endpoint with its circuit, the attempts a failed
 * probe made that do not count against maxRetries, and the W3C trace context of each message and
 * transaction.
 */
export class DeliveryControls1796000000000 implements MigrationInterface {
  name = 'DeliveryControls1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE consumer_groups ADD COLUMN push_max_per_second integer,
         ADD COLUMN circuit_failures integer, ADD COLUMN circuit_probe_seconds integer,
         ADD COLUMN paused_at timestamptz, ADD COLUMN paused_by text`,
    );
    await q.query(`
      CREATE TABLE push_endpoints (
        consumer_group text NOT NULL CONSTRAINT "FK_push_endpoints_group" REFERENCES consumer_groups (name) ON DELETE CASCADE,
        url text NOT NULL,
        state text NOT NULL DEFAULT 'closed'
          CONSTRAINT "CHK_push_endpoints_state" CHECK (state IN ('closed', 'open', 'half_open')),
        consecutive_failures integer NOT NULL DEFAULT 0,
        since timestamptz NOT NULL DEFAULT now(),
        last_error text,
        next_probe_at timestamptz,
        probe_delivery_id uuid,
        PRIMARY KEY (consumer_group, url)
      )`);
    await q.query(
      `INSERT INTO push_endpoints (consumer_group, url)
       SELECT g.name, url FROM consumer_groups g, unnest(g.push_urls) AS url WHERE g.delivery_type = 'push'`,
    );
    await q.query(`ALTER TABLE deliveries ADD COLUMN free_attempts integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE messages ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
    await q.query(`ALTER TABLE transactions ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE transactions DROP COLUMN IF EXISTS traceparent, DROP COLUMN IF EXISTS tracestate`,
    );
    await q.query(`ALTER TABLE messages DROP COLUMN IF EXISTS traceparent, DROP COLUMN IF EXISTS tracestate`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN IF EXISTS free_attempts`);
    await q.query(`DROP TABLE IF EXISTS push_endpoints`);
    await q.query(
      `ALTER TABLE consumer_groups DROP COLUMN IF EXISTS push_max_per_second,
         DROP COLUMN IF EXISTS circuit_failures, DROP COLUMN IF EXISTS circuit_probe_seconds,
         DROP COLUMN IF EXISTS paused_at, DROP COLUMN IF EXISTS paused_by`,
    );
  }
}
