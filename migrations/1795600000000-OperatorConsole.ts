import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator console (SPEC §10): the `operator` role for API keys; the audit log of operator
 * writes; per-minute samples of the commit sequence and of the groups' ack counters, from which
 * the overview's series are read without counting messages; a due-check index that also holds a
 * STUCK transaction an operator asked to recheck; and an index of checks by time (failures per minute, health per group).
 */
export class OperatorConsole1795600000000 implements MigrationInterface {
  name = 'OperatorConsole1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT "CHK_api_keys_role"`);
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT "CHK_api_keys_role" CHECK (role IN ('admin', 'producer', 'consumer', 'operator'))`,
    );

    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        count integer NOT NULL,
        result text NOT NULL,
        detail jsonb
      )`);
    await q.query(`CREATE INDEX "IDX_audit_log_at" ON audit_log (at)`);

    // One row per minute: the last values seen in that minute (sampled every few seconds).
    await q.query(`
      CREATE TABLE activity_samples (
        minute timestamptz PRIMARY KEY,
        commit_seq bigint NOT NULL,
        acked_total bigint NOT NULL,
        sampled_at timestamptz NOT NULL
      )`);
    // The baseline: what was committed and acked before the console existed is not in the series.
    await q.query(`
      INSERT INTO activity_samples (minute, commit_seq, acked_total, sampled_at)
      SELECT date_trunc('minute', now()) - interval '1 minute',
             coalesce(pg_sequence_last_value('message_commit_seq'), 0),
             coalesce((SELECT sum(acked_total) FROM consumer_groups), 0), now()`);

    // Resolved and STUCK transactions have no next_check_at, except a STUCK one being rechecked.
    await q.query(
      `CREATE INDEX "IDX_transactions_check_due" ON transactions (next_check_at) WHERE next_check_at IS NOT NULL`,
    );
    await q.query(`DROP INDEX IF EXISTS "IDX_transactions_due"`);
    await q.query(`CREATE INDEX "IDX_check_attempts_at" ON check_attempts (at, producer_group, outcome)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS "IDX_check_attempts_at"`);
    await q.query(
      `CREATE INDEX "IDX_transactions_due" ON transactions (next_check_at) WHERE state = 'PREPARED'`,
    );
    await q.query(`DROP INDEX IF EXISTS "IDX_transactions_check_due"`);
    await q.query(`DROP TABLE IF EXISTS activity_samples`);
    await q.query(`DROP TABLE IF EXISTS audit_log`);
    await q.query(`DELETE FROM api_keys WHERE role = 'operator'`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT "CHK_api_keys_role"`);
    await q.query(
      `ALTER TABLE api_keys ADD CONSTRAINT "CHK_api_keys_role" CHECK (role IN ('admin', 'producer', 'consumer'))`,
    );
  }
}
