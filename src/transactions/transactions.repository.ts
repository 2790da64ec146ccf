import type { TraceContext } from '../observability/trace-context';
import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { ASYNC_COMMIT_JOIN, asyncCommitCte } from '../topics/durability.sql';
import { insertMessagesParams, insertMessagesSql, type StoredMessage } from '../messages/messages.sql';
import { queryPrepared, queryRows } from '../infra/database/sql';
import { OPEN_STATES, type TransactionState } from './transaction-state';
import { DECIDE_SQL, LOCK_SQL } from './transactions.sql';
import type { QueuedDelivery } from '../delivery/dispatch/deliveries.repository';

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

/** A verdict to record: the state it leads to, by whom, for a caller granted `producerGroups` (null: any). */
export interface ResolvingVerdict {
  id: string;
  state: TransactionState;
  resolvedBy: string;
  producerGroups: readonly string[] | null;
}

/** A transaction a verdict resolved, with its messages and the deliveries its commit created. */
export interface DecidedTransaction extends TransactionRow {
  messageIds: string[];
  queued: QueuedDelivery[];
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
  /** Inserts PREPARED transactions with their messages, in one statement. */
  insertMany(
    transactions: {
      id: string;
      producerGroup: string;
      immunitySeconds: number;
      trace: TraceContext | null;
    }[],
    messages: StoredMessage[],
    runner: DataSource | EntityManager,
  ): Promise<TransactionRow[]> {
    return queryPrepared<TransactionRow>(
      runner,
      'txmsg_transactions_insert',
      `WITH prepared AS (
         INSERT INTO transactions (id, producer_group, state, next_check_at, traceparent, tracestate)
         SELECT id, producer_group, 'PREPARED', now() + make_interval(secs => immunity), traceparent, tracestate
           FROM unnest($1::uuid[], $2::text[], $3::int[], $18::text[], $19::text[])
             AS t(id, producer_group, immunity, traceparent, tracestate)
         RETURNING *
       ), stored AS (${insertMessagesSql(4)}
       ), ${asyncCommitCte('unnest($5::text[]) AS q(topic)')}
       SELECT prepared.* FROM prepared ${ASYNC_COMMIT_JOIN}`,
      [
        transactions.map((t) => t.id),
        transactions.map((t) => t.producerGroup),
        transactions.map((t) => t.immunitySeconds),
        ...insertMessagesParams(messages, false),
        transactions.map((t) => t.trace?.traceparent ?? null),
        transactions.map((t) => t.trace?.tracestate ?? null),
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
    return queryPrepared<TransactionRow>(manager, 'txmsg_transactions_lock', LOCK_SQL, [ids]);
  }

  /**
   * Applies verdicts to the transactions still open (`OPEN_STATES`) and of a granted producer
   * group, with their messages and the published messages' deliveries, in one statement
   * (`DECIDE_SQL`). Returns the transactions it resolved, each with its message ids and the
   * deliveries to queue once the statement's transaction has committed.
   */
  decideMany(
    verdicts: ResolvingVerdict[],
    runner: DataSource | EntityManager,
  ): Promise<DecidedTransaction[]> {
    if (verdicts.length === 0) return Promise.resolve([]);
    return queryPrepared<DecidedTransaction>(runner, 'txmsg_transactions_decide', DECIDE_SQL, [
      verdicts.map((v) => v.id),
      verdicts.map((v) => v.state),
      verdicts.map((v) => v.resolvedBy),
      verdicts.map((v) => (v.producerGroups === null ? null : v.producerGroups.join('\n'))),
      OPEN_STATES,
    ]);
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
