import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time-partitioned storage (README "Storage"): the six high-volume tables become range-partitioned
 * by a UUIDv7 whose first 48 bits are the creation time of their message or transaction. Each
 * existing table becomes the first partition (`<table>_p0`, every id up to now) as it is: no row is
 * copied. Its indexes are renamed and adopted by the partitioned table's, so only the keys that
 * change are built. Windows from now on are created by the service before it listens.
 *
 * Keys: transactions and messages by id; deliveries by id, which is derived from (message, group,
 * member) and carries the message's time (`txmsg_delivery_id`), so a delivery lives in its
 * message's window and its id is its dedupe key; attempts, trace and checks by the id they hang
 * off. A unique index of a partitioned table must hold its key, so the commit sequence and receipt
 * indexes become plain ones (a sequence and random receipts keep them unique); the foreign keys
 * between these tables go (their rows are dropped together, by window).
 */
export class TimePartitions1795700000000 implements MigrationInterface {
  name = 'TimePartitions1795700000000';

  async up(q: QueryRunner): Promise<void> {
    // Same first 48 bits as the message id; the rest from a hash of the dedupe key, as version 7.
    await q.query(`
      CREATE FUNCTION txmsg_delivery_id(message_id uuid, consumer_group text, member text)
        RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT encode(set_byte(set_byte(b, 6, (get_byte(b, 6) & 15) | 112), 8, (get_byte(b, 8) & 63) | 128), 'hex')::uuid
          FROM (SELECT overlay(decode(md5(message_id::text || '/' || consumer_group || '/' || member), 'hex')
                       PLACING substring(uuid_send(message_id) FROM 1 FOR 6) FROM 1 FOR 6) AS b) AS hashed
      $$`);

    await q.query(`ALTER TABLE check_attempts DROP CONSTRAINT "FK_check_attempts_transaction"`);
    await q.query(`ALTER TABLE delivery_attempts DROP CONSTRAINT "FK_delivery_attempts_delivery"`);

    const bound = await this.firstWindowStart(q);
    for (const table of TABLES) await this.partition(q, table, bound);
  }

  /** Now, or just past the newest key if a clock ran ahead: every existing row falls before it. */
  private async firstWindowStart(q: QueryRunner): Promise<string> {
    const newest = TABLES.map(
      ({ name, key }) => `(SELECT ${key} FROM ${name} ORDER BY ${key} DESC LIMIT 1)`,
    ).join(', ');
    const [row] = (await q.query(
      `SELECT greatest(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint,
                       max(('x' || substr(replace(k::text, '-', ''), 1, 12))::bit(48)::bigint) + 1) AS ms,
              floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms
         FROM unnest(ARRAY[${newest}]::uuid[]) AS k`,
    )) as { ms: string; now_ms: string }[];
    if (Number(row.ms) - Number(row.now_ms) > 86_400_000) {
      throw new Error(
        'an id is more than a day ahead of the clock: not a UUIDv7 made by txmsg; fix it first',
      );
    }
    const hex = BigInt(row.ms).toString(16).padStart(12, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
  }

  private async partition(q: QueryRunner, table: Table, bound: string): Promise<void> {
    const legacy = `${table.name}_p0`;
    await q.query(`ALTER TABLE ${table.name} RENAME TO ${legacy}`);
    const indexes = (await q.query(`SELECT indexname FROM pg_indexes WHERE tablename = $1`, [legacy])) as {
      indexname: string;
    }[];
    for (const { indexname } of indexes) {
      await q.query(`ALTER INDEX "${indexname}" RENAME TO "${`${indexname}_p0`.slice(0, 63)}"`);
    }
    if (table.key !== 'id') await q.query(`ALTER TABLE ${legacy} DROP CONSTRAINT "${table.name}_pkey_p0"`);
    for (const constraint of table.dropOnLegacy ?? []) {
      await q.query(`ALTER TABLE ${legacy} DROP CONSTRAINT "${constraint}"`);
    }

    await q.query(
      `CREATE TABLE ${table.name} (LIKE ${legacy} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (${table.key})`,
    );
    if (table.sequence) await q.query(`ALTER SEQUENCE ${table.sequence} OWNED BY ${table.name}.id`);
    await q.query(
      `ALTER TABLE ${table.name} ATTACH PARTITION ${legacy} FOR VALUES FROM (MINVALUE) TO ('${bound}')`,
    );
    const key = table.key === 'id' ? '(id)' : `(${table.key}, id)`;
    await q.query(`ALTER TABLE ${table.name} ADD CONSTRAINT "${table.name}_pkey" PRIMARY KEY ${key}`);
    for (const statement of table.indexes) await q.query(statement);
  }

  async down(): Promise<void> {
    throw new Error('TimePartitions cannot be undone: restore a backup taken before it');
  }
}

interface Table {
  name: string;
  key: string;
  sequence?: string;
  /** Constraints the partitioned table does not keep (their rows go by window). */
  dropOnLegacy?: string[];
  indexes: string[];
}

// The indexes as they were, on the partitioned tables; a matching one on `_p0` is adopted, not rebuilt.
const TABLES: Table[] = [
  {
    name: 'transactions',
    key: 'id',
    indexes: [
      `ALTER TABLE transactions ADD CONSTRAINT "FK_transactions_producer_group" FOREIGN KEY (producer_group) REFERENCES producer_groups (name)`,
      `CREATE INDEX "IDX_transactions_check_due" ON transactions (next_check_at) WHERE next_check_at IS NOT NULL`,
      `CREATE INDEX "IDX_transactions_resolved" ON transactions (resolved_at) WHERE resolved_at IS NOT NULL`,
      `CREATE INDEX "IDX_transactions_state_created" ON transactions (state, created_at, id) WHERE state IN ('PREPARED', 'STUCK')`,
    ],
    dropOnLegacy: ['FK_transactions_producer_group'],
  },
  {
    name: 'messages',
    key: 'id',
    indexes: [
      `CREATE INDEX "IDX_messages_created" ON messages (created_at, id)`,
      `CREATE INDEX "IDX_messages_key" ON messages (key, created_at) WHERE key IS NOT NULL`,
      `CREATE INDEX "IDX_messages_published" ON messages (published_at) WHERE published_at IS NOT NULL`,
      `CREATE INDEX "IDX_messages_tag" ON messages (tag, created_at) WHERE tag IS NOT NULL`,
      `CREATE INDEX "IDX_messages_topic_created" ON messages (topic, created_at, id)`,
      `CREATE INDEX "IDX_messages_transaction" ON messages (transaction_id) WHERE transaction_id IS NOT NULL`,
      `CREATE INDEX "IDX_messages_commit_seq" ON messages (commit_seq) WHERE commit_seq IS NOT NULL`,
    ],
  },
  {
    name: 'deliveries',
    key: 'id',
    indexes: [
      `ALTER TABLE deliveries ADD CONSTRAINT "FK_deliveries_group" FOREIGN KEY (consumer_group) REFERENCES consumer_groups (name) ON DELETE CASCADE`,
      `CREATE INDEX "IDX_deliveries_dead" ON deliveries (consumer_group, dead_at, id) WHERE state = 'dead'`,
      `CREATE INDEX "IDX_deliveries_due" ON deliveries (available_at) WHERE state IN ('pending', 'retrying')`,
      `CREATE INDEX "IDX_deliveries_lease" ON deliveries (lease_until) WHERE state = 'inflight'`,
      `CREATE INDEX "IDX_deliveries_message" ON deliveries (message_id)`,
      `CREATE INDEX "IDX_deliveries_ordered_key" ON deliveries (consumer_group, member, sharding_key, commit_seq) WHERE state IN ('pending', 'inflight', 'retrying')`,
      `CREATE INDEX "IDX_deliveries_ready" ON deliveries (consumer_group, member, available_at, commit_seq) WHERE state IN ('pending', 'retrying')`,
      `CREATE INDEX "IDX_deliveries_receipt" ON deliveries (receipt) WHERE receipt IS NOT NULL`,
    ],
    dropOnLegacy: ['FK_deliveries_group'],
  },
  {
    name: 'delivery_attempts',
    key: 'delivery_id',
    sequence: 'delivery_attempts_id_seq',
    indexes: [`CREATE INDEX "IDX_delivery_attempts_delivery" ON delivery_attempts (delivery_id, attempt)`],
  },
  {
    name: 'trace_events',
    key: 'message_id',
    sequence: 'trace_events_id_seq',
    indexes: [
      `CREATE INDEX "IDX_trace_events_at" ON trace_events (at)`,
      `CREATE INDEX "IDX_trace_events_message" ON trace_events (message_id, at, id)`,
    ],
  },
  {
    name: 'check_attempts',
    key: 'transaction_id',
    sequence: 'check_attempts_id_seq',
    indexes: [
      `CREATE INDEX "IDX_check_attempts_at" ON check_attempts (at, producer_group, outcome)`,
      `CREATE INDEX "IDX_check_attempts_group_at" ON check_attempts (producer_group, at)`,
      `CREATE INDEX "IDX_check_attempts_transaction" ON check_attempts (transaction_id, attempt)`,
    ],
  },
];
