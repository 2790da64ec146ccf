import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryPrepared, queryRows } from '../infra/database/sql';
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
  insertMany(
    transactions: { id: string; producerGroup: string; immunitySeconds: number }[],
    manager: EntityManager,
  ): Promise<TransactionRow[]> {
    return queryPrepared<TransactionRow>(
      manager,
      'txmsg_transactions_insert',
      `INSERT INTO transactions (id, producer_group, state, next_check_at)
       SELECT id, producer_group, 'PREPARED', now() + make_interval(secs => immunity)
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS t(id, producer_group, immunity)
       RETURNING *`,
      [
        transactions.map((t) => t.id),
        transactions.map((t) => t.producerGroup),
        transactions.map((t) => t.immunitySeconds),
      ],
    );
  }

  async find(id: string, lock: boolean, manager: EntityManager): Promise<TransactionRow | null> {
    const [row] = await queryRows<TransactionRow>(
      manager,
      `SELECT * FROM transactions WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** Locks transactions for a verdict, in id order so that concurrent batches never deadlock. */
  lockMany(ids: string[], manager: EntityManager): Promise<TransactionRow[]> {
    return queryPrepared<TransactionRow>(
      manager,
      'txmsg_transactions_lock',
      `SELECT * FROM transactions WHERE id = ANY ($1::uuid[]) ORDER BY id FOR UPDATE`,
      [ids],
    );
  }

  /** A resolved transaction is never checked again: its schedule and lease are cleared. */
  resolveMany(
    verdicts: { id: string; state: TransactionState; resolvedBy: string }[],
    manager: EntityManager,
  ): Promise<TransactionRow[]> {
    if (verdicts.length === 0) return Promise.resolve([]);
    return queryPrepared<TransactionRow>(
      manager,
      'txmsg_transactions_resolve',
      `UPDATE transactions t
          SET state = v.state, resolved_at = now(), resolved_by = v.resolved_by, next_check_at = NULL,
              check_lease_until = NULL, check_lease_owner = NULL
         FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(id, state, resolved_by)
        WHERE t.id = v.id
       RETURNING t.*`,
      [verdicts.map((v) => v.id), verdicts.map((v) => v.state), verdicts.map((v) => v.resolvedBy)],
    );
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
