import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../infra/database/sql';
import type { CheckResult } from './check-back.client';

export interface ClaimedCheck {
  id: string;
  producerGroup: string;
  checks: number;
  createdAt: Date;
  /** The W3C trace context the transaction was prepared in, sent on with its check-backs. */
  traceparent: string | null;
  tracestate: string | null;
}

/** Leases never end before the check's own time-out, so a slow producer is never asked twice at once. */
export const LEASE_MARGIN_SECONDS = 30;

@Injectable()
export class CheckBackRepository {
  /**
   * Leases due transactions for `owner` — PREPARED ones, and STUCK ones an operator asked to
   * recheck — with FOR UPDATE SKIP LOCKED, so instances never claim the same one, and so that no
   * producer group has more than `perGroup` checks in flight here, counting those already
   * `inflight` (group name → count).
   */
  claimDue(
    owner: string,
    limit: number,
    perGroup: number,
    inflight: Map<string, number>,
    db: DataSource,
  ): Promise<ClaimedCheck[]> {
    return queryRows<ClaimedCheck>(
      db,
      `WITH candidates AS (
         SELECT t.id, row_number() OVER (PARTITION BY t.producer_group ORDER BY t.next_check_at) AS rn,
                coalesce(busy.n, 0) AS busy
           FROM transactions t
           LEFT JOIN unnest($3::text[], $5::int[]) AS busy(name, n) ON busy.name = t.producer_group
          WHERE t.next_check_at <= now() AND t.state IN ('PREPARED', 'STUCK')
            AND (t.check_lease_until IS NULL OR t.check_lease_until < now())
            AND coalesce(busy.n, 0) < $2
       ), picked AS (
         SELECT t.id FROM transactions t JOIN candidates c ON c.id = t.id
          WHERE c.rn <= $2 - c.busy AND t.state IN ('PREPARED', 'STUCK') AND t.next_check_at IS NOT NULL
            AND (t.check_lease_until IS NULL OR t.check_lease_until < now())
          ORDER BY t.next_check_at LIMIT $1
          FOR UPDATE OF t SKIP LOCKED
       )
       UPDATE transactions t
          SET check_lease_owner = $4,
              check_lease_until = now() + make_interval(secs => g.checkback_timeout_ms / 1000.0 + ${LEASE_MARGIN_SECONDS})
         FROM picked, producer_groups g
        WHERE t.id = picked.id AND g.name = t.producer_group
       RETURNING t.id, t.producer_group, t.checks, t.created_at, t.traceparent, t.tracestate`,
      [limit, perGroup, [...inflight.keys()], owner, [...inflight.values()]],
    );
  }

  async insertAttempt(
    transactionId: string,
    group: string,
    attempt: number,
    result: CheckResult,
    manager: EntityManager,
  ) {
    await queryRows(
      manager,
      `INSERT INTO check_attempts (transaction_id, producer_group, attempt, at, outcome, http_status, latency_ms, error)
       VALUES ($1, $2, $3, now(), $4, $5, $6, $7)`,
      [transactionId, group, attempt, result.outcome, result.httpStatus, result.latencyMs, result.error],
    );
  }

  /** Counts a sent check; resolved or not, the lease is released. */
  async countCheck(transactionId: string, manager: EntityManager): Promise<number> {
    const [row] = await queryRows<{ checks: number }>(
      manager,
      `UPDATE transactions SET checks = checks + 1, check_lease_until = NULL, check_lease_owner = NULL
        WHERE id = $1 RETURNING checks`,
      [transactionId],
    );
    return row.checks;
  }

  async scheduleNext(transactionId: string, delaySeconds: number, manager: EntityManager): Promise<void> {
    await queryRows(
      manager,
      `UPDATE transactions SET next_check_at = now() + make_interval(secs => $2) WHERE id = $1 AND state = 'PREPARED'`,
      [transactionId, delaySeconds],
    );
  }

  /** A STUCK transaction's recheck went unanswered: it stays STUCK and is not checked again. */
  async endRecheck(transactionId: string, manager: EntityManager): Promise<void> {
    await queryRows(
      manager,
      `UPDATE transactions SET next_check_at = NULL WHERE id = $1 AND state = 'STUCK'`,
      [transactionId],
    );
  }

  /**
   * An operator's recheck: the transactions' next check is due now, so the scheduler sends it
   * with every rule of an ordinary check (lease, per-group bound, signing, strict verdict,
   * history). Returns the ids that are PREPARED or STUCK; resolved ones are left alone.
   */
  async requestCheck(ids: string[], db: DataSource | EntityManager): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      db,
      `UPDATE transactions SET next_check_at = now()
        WHERE id = ANY ($1::uuid[]) AND state IN ('PREPARED', 'STUCK') RETURNING id`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  async markStuck(transactionId: string, manager: EntityManager): Promise<void> {
    await queryRows(
      manager,
      `UPDATE transactions SET state = 'STUCK', next_check_at = NULL WHERE id = $1 AND state = 'PREPARED'`,
      [transactionId],
    );
  }
}
