import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../infra/database/sql';
import { BACKLOG_SQL } from './backlog.sql';
import { holdCommitLockAndReadSeq } from './commit-lock';

export interface ConsumerGroupRow {
  name: string;
  topic: string;
  filter_tags: string[] | null;
  mode: 'clustering' | 'broadcasting';
  ordered: boolean;
  delivery_type: 'push' | 'pull';
  push_urls: string[];
  push_timeout_ms: number | null;
  max_concurrency: number | null;
  max_retries: number;
  retry_backoff_seconds: number[];
  dedupe_by: 'id' | 'key' | null;
  dedupe_window_seconds: number | null;
  secret: string;
  acked_total: string;
  created_at: Date;
  updated_at: Date;
}

export type ConsumerGroupConfig = Omit<
  ConsumerGroupRow,
  'name' | 'secret' | 'acked_total' | 'created_at' | 'updated_at'
>;

export interface DeliveryStats {
  ready: number;
  inflight: number;
  retrying: number;
  delayed: number;
  deadLetters: number;
  oldestReadyAgeSeconds: number | null;
}

export interface GroupBacklog extends DeliveryStats {
  name: string;
  topic: string;
  mode: ConsumerGroupRow['mode'];
  delivery: ConsumerGroupRow['delivery_type'];
}

const EMPTY_STATS: DeliveryStats = {
  ready: 0,
  inflight: 0,
  retrying: 0,
  delayed: 0,
  deadLetters: 0,
  oldestReadyAgeSeconds: null,
};

const CONFIG_COLUMNS = [
  'topic',
  'filter_tags',
  'mode',
  'ordered',
  'delivery_type',
  'push_urls',
  'push_timeout_ms',
  'max_concurrency',
  'max_retries',
  'retry_backoff_seconds',
  'dedupe_by',
  'dedupe_window_seconds',
] as const satisfies readonly (keyof ConsumerGroupConfig)[];

@Injectable()
export class ConsumerGroupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Creates the group starting after the last commit, or replaces the config of an existing one
   * with the same topic and mode (its secret, start point and deliveries stay). Returns null when
   * the existing group has another topic or mode.
   */
  upsert(
    name: string,
    config: ConsumerGroupConfig,
    secret: string,
  ): Promise<{ group: ConsumerGroupRow; created: boolean } | null> {
    return this.dataSource.transaction(async (manager) => {
      const startSeq = await holdCommitLockAndReadSeq(manager);
      const values = CONFIG_COLUMNS.map((column) => config[column]);
      const placeholders = CONFIG_COLUMNS.map((_, i) => `$${i + 4}`).join(', ');
      const updates = CONFIG_COLUMNS.filter((c) => c !== 'topic' && c !== 'mode')
        .map((column) => `${column} = EXCLUDED.${column}`)
        .join(', ');
      const [row] = await queryRows<ConsumerGroupRow & { created: boolean }>(
        manager,
        `INSERT INTO consumer_groups (name, secret, start_seq, ${CONFIG_COLUMNS.join(', ')})
         VALUES ($1, $2, $3, ${placeholders})
         ON CONFLICT (name) DO UPDATE SET ${updates}, updated_at = now()
           WHERE consumer_groups.topic = EXCLUDED.topic AND consumer_groups.mode = EXCLUDED.mode
         RETURNING *, (xmax = 0) AS created`,
        [name, secret, startSeq, ...values],
      );
      if (!row) return null;
      const { created, ...group } = row;
      return { group, created };
    });
  }

  async find(name: string): Promise<ConsumerGroupRow | null> {
    const [row] = await queryRows<ConsumerGroupRow>(
      this.dataSource,
      `SELECT * FROM consumer_groups WHERE name = $1`,
      [name],
    );
    return row ?? null;
  }

  list(limit: number, afterName?: string): Promise<ConsumerGroupRow[]> {
    return queryRows<ConsumerGroupRow>(
      this.dataSource,
      `SELECT * FROM consumer_groups WHERE $2::text IS NULL OR name > $2 ORDER BY name LIMIT $1`,
      [limit, afterName ?? null],
    );
  }

  async delete(name: string): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM consumer_groups WHERE name = $1 RETURNING name`,
      [name],
    );
    return rows.length > 0;
  }

  async stats(name: string): Promise<DeliveryStats> {
    const [row] = await this.backlog([name]);
    if (!row) return EMPTY_STATS;
    const { name: _name, topic: _topic, mode: _mode, delivery: _delivery, ...stats } = row;
    return stats;
  }

  /** Delivery stats per group (all when `names` is null); acked ones are counted in `acked_total`. */
  async backlog(names: string[] | null): Promise<GroupBacklog[]> {
    const rows = await queryRows<Record<string, string | null>>(this.dataSource, BACKLOG_SQL, [names]);
    return rows.map((row) => ({
      name: row.name as string,
      topic: row.topic as string,
      mode: row.mode as ConsumerGroupRow['mode'],
      delivery: row.delivery_type as ConsumerGroupRow['delivery_type'],
      ready: Number(row.ready ?? 0),
      inflight: Number(row.inflight ?? 0),
      retrying: Number(row.retrying ?? 0),
      delayed: Number(row.delayed ?? 0),
      deadLetters: Number(row.dead ?? 0),
      oldestReadyAgeSeconds: row.oldest === null ? null : Math.max(0, Math.floor(Number(row.oldest))),
    }));
  }

  /** A pull broadcasting member's first receive: it gets messages committed from now on. */
  async registerMember(group: string, member: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [known] = await queryRows(
        manager,
        `SELECT 1 FROM consumer_group_members WHERE consumer_group = $1 AND member = $2`,
        [group, member],
      );
      if (known) return;
      const startSeq = await holdCommitLockAndReadSeq(manager);
      await queryRows(
        manager,
        `INSERT INTO consumer_group_members (consumer_group, member, start_seq) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING`,
        [group, member, startSeq],
      );
    });
  }
}
