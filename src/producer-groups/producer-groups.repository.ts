import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '../infra/database/sql';
import { ProducerGroup } from './producer-group.entity';
import type { CheckbackHealthView } from './producer-group.view';

export type ProducerGroupConfig = Pick<
  ProducerGroup,
  | 'checkbackUrl'
  | 'checkbackTimeoutMs'
  | 'checkImmunitySeconds'
  | 'checkIntervalSeconds'
  | 'maxCheckIntervalSeconds'
  | 'maxChecks'
>;

@Injectable()
export class ProducerGroupsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(ProducerGroup);
  }

  findByName(name: string, manager?: EntityManager): Promise<ProducerGroup | null> {
    return this.repo(manager).findOneBy({ name });
  }

  /** Inserts with `secret`, or replaces the config of an existing group (its secrets stay). */
  async upsert(
    name: string,
    config: ProducerGroupConfig,
    secret: string,
  ): Promise<{ group: ProducerGroup; created: boolean }> {
    const rows = await queryRows<{ created: boolean }>(
      this.dataSource,
      `INSERT INTO producer_groups (name, checkback_url, checkback_timeout_ms, check_immunity_seconds,
         check_interval_seconds, max_check_interval_seconds, max_checks, secret)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (name) DO UPDATE SET
         checkback_url = EXCLUDED.checkback_url,
         checkback_timeout_ms = EXCLUDED.checkback_timeout_ms,
         check_immunity_seconds = EXCLUDED.check_immunity_seconds,
         check_interval_seconds = EXCLUDED.check_interval_seconds,
         max_check_interval_seconds = EXCLUDED.max_check_interval_seconds,
         max_checks = EXCLUDED.max_checks,
         updated_at = now()
       RETURNING (xmax = 0) AS created`,
      [
        name,
        config.checkbackUrl,
        config.checkbackTimeoutMs,
        config.checkImmunitySeconds,
        config.checkIntervalSeconds,
        config.maxCheckIntervalSeconds,
        config.maxChecks,
        secret,
      ],
    );
    const group = await this.findByName(name);
    return { group: group as ProducerGroup, created: rows[0].created };
  }

  list(limit: number, afterName?: string): Promise<ProducerGroup[]> {
    const query = this.repo().createQueryBuilder('g').orderBy('g.name', 'ASC').limit(limit);
    if (afterName !== undefined) query.where('g.name > :afterName', { afterName });
    return query.getMany();
  }

  /** Makes `secret` current; the old one keeps signing until `previousExpiresAt`. */
  async rotateSecret(name: string, secret: string, previousExpiresAt: Date): Promise<ProducerGroup | null> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE producer_groups
         SET previous_secret = secret, previous_secret_expires_at = $3, secret = $2, updated_at = now()
       WHERE name = $1 RETURNING name`,
      [name, secret, previousExpiresAt],
    );
    return rows.length > 0 ? this.findByName(name) : null;
  }

  async checkbackHealth(name: string): Promise<CheckbackHealthView> {
    const [stats] = await queryRows<Record<string, string | null>>(
      this.dataSource,
      `SELECT count(*) AS checks,
              count(*) FILTER (WHERE outcome <> 'ERROR') AS answered,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
         FROM check_attempts
        WHERE producer_group = $1 AND at > now() - interval '24 hours'`,
      [name],
    );
    const [lastError] = await queryRows<{
      at: Date;
      attempt: number;
      httpStatus: number | null;
      error: string | null;
    }>(
      this.dataSource,
      `SELECT at, attempt, http_status, error FROM check_attempts
          WHERE producer_group = $1 AND outcome = 'ERROR' ORDER BY at DESC LIMIT 1`,
      [name],
    );
    const checks = Number(stats.checks);
    return {
      checks24h: checks,
      successRate: checks > 0 ? Number(stats.answered) / checks : null,
      latencyMs: {
        p50: stats.p50 === null ? null : Number(stats.p50),
        p99: stats.p99 === null ? null : Number(stats.p99),
      },
      lastError: lastError
        ? {
            at: lastError.at.toISOString(),
            attempt: lastError.attempt,
            httpStatus: lastError.httpStatus,
            error: lastError.error,
          }
        : null,
    };
  }
}
