import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole contract's schema: auth, topics, producer groups, transactions and their check
 * history, messages, consumer groups, deliveries and their attempts, trace, idempotency keys,
 * and the periodic-task ledger used to run maintenance on one instance at a time.
 */
export class InitialSchema1795238961158 implements MigrationInterface {
  name = 'InitialSchema1795238961158';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CONSTRAINT "CHK_api_keys_role" CHECK (role IN ('admin', 'producer', 'consumer')),
        token_hash text NOT NULL,
        topics text[] NOT NULL DEFAULT '{}',
        producer_groups text[] NOT NULL DEFAULT '{}',
        consumer_groups text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX "UQ_api_keys_token_hash" ON api_keys (token_hash)`);

    await q.query(`
      CREATE TABLE topics (
        name text PRIMARY KEY,
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE producer_groups (
        name text PRIMARY KEY,
        checkback_url text NOT NULL,
        checkback_timeout_ms integer NOT NULL,
        check_immunity_seconds integer NOT NULL,
        check_interval_seconds integer NOT NULL,
        max_check_interval_seconds integer NOT NULL,
        max_checks integer NOT NULL,
        secret text NOT NULL,
        previous_secret text,
        previous_secret_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE transactions (
        id uuid PRIMARY KEY,
        producer_group text NOT NULL CONSTRAINT "FK_transactions_producer_group" REFERENCES producer_groups (name),
        state text NOT NULL CONSTRAINT "CHK_transactions_state"
          CHECK (state IN ('PREPARED', 'COMMITTED', 'ROLLED_BACK', 'STUCK')),
        checks integer NOT NULL DEFAULT 0,
        next_check_at timestamptz,
        check_lease_until timestamptz,
        check_lease_owner text,
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        resolved_by text
      )`);
    await q.query(
      `CREATE INDEX "IDX_transactions_due" ON transactions (next_check_at) WHERE state = 'PREPARED'`,
    );
    await q.query(
      `CREATE INDEX "IDX_transactions_state_created" ON transactions (state, created_at, id) WHERE state IN ('PREPARED', 'STUCK')`,
    );

    await q.query(`
      CREATE TABLE check_attempts (
        id bigserial PRIMARY KEY,
        transaction_id uuid NOT NULL CONSTRAINT "FK_check_attempts_transaction" REFERENCES transactions (id) ON DELETE CASCADE,
        producer_group text NOT NULL,
        attempt integer NOT NULL,
        at timestamptz NOT NULL,
        outcome text NOT NULL CONSTRAINT "CHK_check_attempts_outcome" CHECK (outcome IN ('COMMIT', 'ROLLBACK', 'UNKNOWN', 'ERROR')),
        http_status integer,
        latency_ms integer NOT NULL,
        error text
      )`);
    await q.query(
      `CREATE INDEX "IDX_check_attempts_transaction" ON check_attempts (transaction_id, attempt)`,
    );
    await q.query(`CREATE INDEX "IDX_check_attempts_group_at" ON check_attempts (producer_group, at)`);

    // Bodies are stored as json (not jsonb) so consumers receive exactly what producers sent.
    await q.query(`CREATE SEQUENCE message_commit_seq AS bigint`);
    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY,
        topic text NOT NULL,
        transaction_id uuid,
        state text NOT NULL CONSTRAINT "CHK_messages_state" CHECK (state IN ('PREPARED', 'COMMITTED', 'ROLLED_BACK')),
        body json NOT NULL,
        key text,
        tag text,
        headers jsonb NOT NULL DEFAULT '{}',
        sharding_key text,
        delay_ms integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        commit_seq bigint
      )`);
    await q.query(`CREATE INDEX "IDX_messages_topic_created" ON messages (topic, created_at, id)`);
    await q.query(`CREATE INDEX "IDX_messages_key" ON messages (key, created_at) WHERE key IS NOT NULL`);
    await q.query(`CREATE INDEX "IDX_messages_tag" ON messages (tag, created_at) WHERE tag IS NOT NULL`);
    await q.query(
      `CREATE INDEX "IDX_messages_transaction" ON messages (transaction_id) WHERE transaction_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_messages_commit_seq" ON messages (commit_seq) WHERE commit_seq IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX "IDX_messages_published" ON messages (published_at) WHERE published_at IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE consumer_groups (
        name text PRIMARY KEY,
        topic text NOT NULL CONSTRAINT "FK_consumer_groups_topic" REFERENCES topics (name),
        filter_tags text[],
        mode text NOT NULL CONSTRAINT "CHK_consumer_groups_mode" CHECK (mode IN ('clustering', 'broadcasting')),
        ordered boolean NOT NULL DEFAULT false,
        delivery_type text NOT NULL CONSTRAINT "CHK_consumer_groups_delivery" CHECK (delivery_type IN ('push', 'pull')),
        push_urls text[] NOT NULL DEFAULT '{}',
        push_timeout_ms integer,
        max_concurrency integer,
        max_retries integer NOT NULL,
        retry_backoff_seconds integer[] NOT NULL,
        dedupe_by text CONSTRAINT "CHK_consumer_groups_dedupe" CHECK (dedupe_by IN ('id', 'key')),
        dedupe_window_seconds integer,
        secret text NOT NULL,
        start_seq bigint NOT NULL,
        acked_total bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_consumer_groups_topic" ON consumer_groups (topic)`);

    // One row per (message, group, broadcast member); member is '' for clustering groups.
    await q.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        message_id uuid NOT NULL,
        consumer_group text NOT NULL CONSTRAINT "FK_deliveries_group" REFERENCES consumer_groups (name) ON DELETE CASCADE,
        member text NOT NULL DEFAULT '',
        state text NOT NULL CONSTRAINT "CHK_deliveries_state"
          CHECK (state IN ('pending', 'inflight', 'retrying', 'acked', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        sharding_key text,
        commit_seq bigint NOT NULL,
        available_at timestamptz NOT NULL,
        lease_until timestamptz,
        receipt text,
        last_error text,
        acked_at timestamptz,
        dead_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "UQ_deliveries_message_group_member" UNIQUE (message_id, consumer_group, member)
      )`);
    await q.query(
      `CREATE INDEX "IDX_deliveries_ready" ON deliveries (consumer_group, member, available_at, commit_seq) WHERE state IN ('pending', 'retrying')`,
    );
    await q.query(`CREATE INDEX "IDX_deliveries_lease" ON deliveries (lease_until) WHERE state = 'inflight'`);
    await q.query(
      `CREATE INDEX "IDX_deliveries_ordered_key" ON deliveries (consumer_group, member, sharding_key, commit_seq) WHERE state IN ('pending', 'inflight', 'retrying')`,
    );
    await q.query(
      `CREATE INDEX "IDX_deliveries_dead" ON deliveries (consumer_group, dead_at, id) WHERE state = 'dead'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "UQ_deliveries_receipt" ON deliveries (receipt) WHERE receipt IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL CONSTRAINT "FK_delivery_attempts_delivery" REFERENCES deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        at timestamptz NOT NULL,
        outcome text NOT NULL,
        http_status integer,
        latency_ms integer,
        response_excerpt text,
        error text
      )`);
    await q.query(
      `CREATE INDEX "IDX_delivery_attempts_delivery" ON delivery_attempts (delivery_id, attempt)`,
    );

    await q.query(`
      CREATE TABLE trace_events (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        type text NOT NULL,
        consumer_group text,
        attempt integer,
        detail jsonb
      )`);
    await q.query(`CREATE INDEX "IDX_trace_events_message" ON trace_events (message_id, at, id)`);
    await q.query(`CREATE INDEX "IDX_trace_events_at" ON trace_events (at)`);

    // Idempotency-Key records (SPEC §3): scope = principal + operation, kept at least 24 h.
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status_code integer NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_idempotency_keys" PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX "IDX_idempotency_keys_created" ON idempotency_keys (created_at)`);

    // pg-boss style: an instance runs a periodic task only if it wins the UPDATE on its row.
    await q.query(`
      CREATE TABLE periodic_tasks (
        name text PRIMARY KEY,
        last_run_at timestamptz NOT NULL DEFAULT to_timestamp(0),
        last_owner text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'periodic_tasks',
      'idempotency_keys',
      'trace_events',
      'delivery_attempts',
      'deliveries',
      'consumer_groups',
      'messages',
      'check_attempts',
      'transactions',
      'producer_groups',
      'topics',
      'api_keys',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await q.query(`DROP SEQUENCE IF EXISTS message_commit_seq`);
  }
}
