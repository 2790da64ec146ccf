import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { HotPath } from '../../infra/database/hot-path';
import { queryPrepared, queryRows } from '../../infra/database/sql';
import { traceLeftInflightSql } from '../delivery-state';
import type { DeliveredMessageRow } from '../delivered-message.sql';
import { PULL_NEXT_DUE_SQL, PULL_RECEIVE_SQL, receiptTarget } from './pull.sql';

export interface ReceivedRow extends DeliveredMessageRow {
  receipt: string;
  attempts: number;
}

export interface HeldDelivery {
  id: string;
  attempts: number;
  maxRetries: number;
  retryBackoffSeconds: number[];
}

@Injectable()
export class PullRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hotPath: HotPath,
  ) {}

  /**
   * Takes up to `limit` ready deliveries of a group's member for `invisibleSeconds`, each with a
   * fresh receipt handle. SKIP LOCKED keeps concurrent receivers from taking the same one (G6).
   */
  receive(group: string, member: string, limit: number, invisibleSeconds: number): Promise<ReceivedRow[]> {
    return queryPrepared<ReceivedRow>(this.hotPath.dataSource, 'pull_receive', PULL_RECEIVE_SQL, [
      group,
      member,
      limit,
      invisibleSeconds,
    ]);
  }

  /** Milliseconds until something of the member's may become ready (a delay or a lease ends). */
  async nextDueMs(group: string, member: string): Promise<number | null> {
    const [row] = await queryPrepared<{ ms: string | null }>(
      this.hotPath.dataSource,
      'pull_next_due',
      PULL_NEXT_DUE_SQL,
      [group, member],
    );
    return row.ms === null ? null : Number(row.ms);
  }

  /**
   * The inflight delivery a current receipt names, locked until `manager`'s transaction ends. A
   * receipt carries its delivery's id (`NEW_RECEIPT_SQL`), so this and `setVisibility` find it by
   * primary key in one window; a string that is no receipt finds nothing.
   */
  async hold(group: string, receipt: string, manager: EntityManager): Promise<HeldDelivery | null> {
    const id = receiptTarget(receipt);
    if (id === null) return null;
    const [row] = await queryRows<HeldDelivery>(
      manager,
      `SELECT d.id, d.attempts, g.max_retries, g.retry_backoff_seconds
         FROM deliveries d JOIN consumer_groups g ON g.name = d.consumer_group
        WHERE d.id = $3 AND d.consumer_group = $1 AND d.receipt = $2 AND d.state = 'inflight'
        FOR UPDATE OF d`,
      [group, receipt, id],
    );
    return row ?? null;
  }

  /** A nack: retry after `delaySeconds`, or dead-letter; the attempt is recorded as nacked. */
  async release(
    manager: EntityManager,
    delivery: HeldDelivery,
    next: { state: 'retrying'; delaySeconds: number } | { state: 'dead' },
  ): Promise<void> {
    await queryRows(
      manager,
      `WITH moved AS (
         UPDATE deliveries
            SET state = $2, receipt = NULL, lease_until = NULL, last_error = 'nacked by the consumer',
                available_at = CASE WHEN $2 = 'retrying' THEN now() + make_interval(secs => $3) ELSE available_at END,
                dead_at = CASE WHEN $2 = 'dead' THEN now() END
          WHERE id = $1 RETURNING id, message_id, consumer_group, attempts, state, available_at
       ), traced AS (${traceLeftInflightSql('moved')}
       )
       INSERT INTO delivery_attempts (delivery_id, attempt, at, outcome, error)
       SELECT id, attempts, now(), 'nacked', 'nacked by the consumer' FROM moved`,
      [delivery.id, next.state, next.state === 'retrying' ? next.delaySeconds : 0],
    );
  }

  /** Sets a current receipt's invisible time from now; false when the receipt is not current. */
  async setVisibility(group: string, receipt: string, invisibleSeconds: number): Promise<boolean> {
    const id = receiptTarget(receipt);
    if (id === null) return false;
    const rows = await queryRows(
      this.dataSource,
      `UPDATE deliveries SET lease_until = now() + make_interval(secs => $3)
        WHERE id = $4 AND consumer_group = $1 AND receipt = $2 AND state = 'inflight' RETURNING id`,
      [group, receipt, invisibleSeconds, id],
    );
    return rows.length > 0;
  }
}
