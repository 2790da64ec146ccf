import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../infra/database/sql';
import type { TransactionState } from './transaction-state';

export interface TransactionRow {
  id: string;
  producerGroup: string;
  state: TransactionState;
  checks: number;
  nextCheckAt: Date | null;
  checkLeaseUntil: Date | null;
  checkLeaseOwner: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
}

export interface CheckAttemptRow {
  at: Date;
  attempt: number;
  outcome: 'COMMIT' | 'ROLLBACK' | 'UNKNOWN' | 'ERROR';
  httpStatus: number | null;
  latencyMs: number;
  error: string | null;
}

@Injectable()
export class TransactionsRepository {
  async insert(
    id: string,
    producerGroup: string,
    immunitySeconds: number,
    manager: EntityManager,
  ): Promise<TransactionRow> {
    const [row] = await queryRows<TransactionRow>(
      manager,
      `INSERT INTO transactions (id, producer_group, state, next_check_at)
       VALUES ($1, $2, 'PREPARED', now() + make_interval(secs => $3)) RETURNING *`,
      [id, producerGroup, immunitySeconds],
    );
    return row;
  }

  async find(id: string, lock: boolean, manager: EntityManager): Promise<TransactionRow | null> {
    const [row] = await queryRows<TransactionRow>(
      manager,
      `SELECT * FROM transactions WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** A resolved transaction is never checked again: its schedule and lease are cleared. */
  async resolve(
    id: string,
    state: TransactionState,
    resolvedBy: string,
    manager: EntityManager,
  ): Promise<TransactionRow> {
    const [row] = await queryRows<TransactionRow>(
      manager,
      `UPDATE transactions SET state = $2, resolved_at = now(), resolved_by = $3, next_check_at = NULL,
              check_lease_until = NULL, check_lease_owner = NULL
        WHERE id = $1 RETURNING *`,
      [id, state, resolvedBy],
    );
    return row;
  }

  checkHistory(id: string, manager: EntityManager): Promise<CheckAttemptRow[]> {
    return queryRows<CheckAttemptRow>(
      manager,
      `SELECT at, attempt, outcome, http_status, latency_ms, error FROM check_attempts
        WHERE transaction_id = $1 ORDER BY attempt, id`,
      [id],
    );
  }
}
