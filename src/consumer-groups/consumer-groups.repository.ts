import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows, queryThroughIndexes } from '../infra/database/sql';
import type { ConsumerGroupConfig, ConsumerGroupRow } from './consumer-group.row';
import type { DeliveryStatsView, EndpointView, GroupBacklogView } from './consumer-group.view';
import { BACKLOG_SQL } from './backlog.sql';
import { holdCommitLockAndReadSeq } from './commit-lock';

const EMPTY_STATS: DeliveryStatsView = {
  ready: 0,
  inflight: 0,
  retrying: 0,
  delayed: 0,
  deadLetters: 0,
  oldestReadyAgeSeconds: null,
};

/** The column of each config field. */
const CONFIG_COLUMNS: Record<keyof ConsumerGroupConfig, string> = {
  topic: 'topic',
  filterTags: 'filter_tags',
  mode: 'mode',
  ordered: 'ordered',
  deliveryType: 'delivery_type',
  pushUrls: 'push_urls',
  pushTimeoutMs: 'push_timeout_ms',
  maxConcurrency: 'max_concurrency',
  pushBatchMaxMessages: 'push_batch_max_messages',
  pushBatchMaxWaitMs: 'push_batch_max_wait_ms',
  pushMaxPerSecond: 'push_max_per_second',
  circuitFailures: 'circuit_failures',
  circuitProbeSeconds: 'circuit_probe_seconds',
  maxRetries: 'max_retries',
  retryBackoffSeconds: 'retry_backoff_seconds',
  dedupeBy: 'dedupe_by',
  dedupeWindowSeconds: 'dedupe_window_seconds',
};
const CONFIG_FIELDS = Object.keys(CONFIG_COLUMNS) as (keyof ConsumerGroupConfig)[];

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
      const columns = CONFIG_FIELDS.map((field) => CONFIG_COLUMNS[field]);
      const values = CONFIG_FIELDS.map((field) => config[field]);
      const placeholders = columns.map((_, i) => `$${i + 4}`).join(', ');
      const updates = columns
        .filter((column) => column !== 'topic' && column !== 'mode')
        .map((column) => `${column} = EXCLUDED.${column}`)
        .join(', ');
      const [row] = await queryRows<ConsumerGroupRow & { created: boolean }>(
        manager,
        `INSERT INTO consumer_groups (name, secret, start_seq, ${columns.join(', ')})
         VALUES ($1, $2, $3, ${placeholders})
         ON CONFLICT (name) DO UPDATE SET ${updates}, updated_at = now()
           WHERE consumer_groups.topic = EXCLUDED.topic AND consumer_groups.mode = EXCLUDED.mode
         RETURNING *, (xmax = 0) AS created`,
        [name, secret, startSeq, ...values],
      );
      if (!row) return null;
      // One row per push URL, where its circuit lives; a URL no longer listed takes its row along.
      await queryRows(
        manager,
        `WITH gone AS (DELETE FROM push_endpoints WHERE consumer_group = $1 AND NOT (url = ANY ($2::text[])))
         INSERT INTO push_endpoints (consumer_group, url) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
        [name, config.deliveryType === 'push' ? config.pushUrls : []],
      );
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

  /** Pauses (with who did it) or resumes a group; null when there is no such group. */
  async setPaused(name: string, by: string | null): Promise<ConsumerGroupRow | null> {
    const [row] = await queryRows<ConsumerGroupRow>(
      this.dataSource,
      `UPDATE consumer_groups
          SET paused_at = CASE WHEN $2::text IS NULL THEN NULL ELSE coalesce(paused_at, now()) END,
              paused_by = CASE WHEN $2::text IS NULL THEN NULL ELSE coalesce(paused_by, $2) END
        WHERE name = $1 RETURNING *`,
      [name, by],
    );
    return row ?? null;
  }

  /** A push group's endpoints and their circuits (SPEC §7 `stats.endpoints`). */
  async endpoints(name: string): Promise<EndpointView[]> {
    const rows = await queryRows<{
      url: string;
      state: EndpointView['circuit'];
      since: Date;
      lastError: string | null;
    }>(
      this.dataSource,
      `SELECT url, state, since, last_error FROM push_endpoints WHERE consumer_group = $1 ORDER BY url`,
      [name],
    );
    return rows.map((row) => ({
      url: row.url,
      circuit: row.state,
      since: row.since.toISOString(),
      lastError: row.lastError,
    }));
  }

  async delete(name: string): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM consumer_groups WHERE name = $1 RETURNING name`,
      [name],
    );
    return rows.length > 0;
  }

  async stats(name: string): Promise<DeliveryStatsView> {
    const [row] = await this.backlog([name]);
    if (!row) return EMPTY_STATS;
    const { name: _name, topic: _topic, mode: _mode, delivery: _delivery, ...stats } = row;
    return stats;
  }

  /** Delivery stats per group (all when `names` is null); acked ones are counted in `acked_total`. */
  async backlog(names: string[] | null): Promise<GroupBacklogView[]> {
    const rows = await queryThroughIndexes<Record<string, string | null>>(this.dataSource, BACKLOG_SQL, [
      names,
    ]);
    return rows.map((row) => ({
      name: row.name as string,
      topic: row.topic as string,
      mode: row.mode as ConsumerGroupRow['mode'],
      delivery: row.deliveryType as ConsumerGroupRow['deliveryType'],
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
