// Verdicts (SPEC §5): commit or roll back all messages of a transaction together. Concurrent
// verdicts share one database transaction: the transactions are locked together, resolved with
// their messages by one statement, their deliveries recorded by one, and each caller is answered
// once that transaction has committed.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ApiError } from '../common/errors/api-error';
import { failed, GroupCommit, REQUEST_GROUP_COMMIT, succeeded, type Outcome } from '../common/group-commit';
import { DispatchService } from '../delivery/dispatch/dispatch.service';
import { MessagesRepository } from '../messages/messages.repository';
import { STATE_AFTER, verdictEffect, type Verdict } from './transaction-state';
import { toTransactionSummary, type TransactionSummary } from './transaction.view';
import { TransactionsRepository, type TransactionRow } from './transactions.repository';
import { HotPath } from '../infra/database/hot-path';
import { observeBatches } from '../observability/group-commit.metrics';

export interface VerdictRequest {
  id: string;
  verdict: Verdict;
  /** `producer`, `checkback` or `operator:<name>`. */
  resolvedBy: string;
  /** Refuses the verdict to this caller (a grant check), given the locked transaction. */
  authorize?: (tx: TransactionRow) => void;
}

@Injectable()
export class VerdictWriter {
  private readonly batches = new GroupCommit<VerdictRequest, TransactionSummary>(
    (requests) =>
      this.hotPath.dataSource.transaction(async (manager) => {
        const locked = await this.transactions.lockMany([...new Set(requests.map((r) => r.id))], manager);
        return this.applyMany(manager, locked, requests);
      }),
    { ...REQUEST_GROUP_COMMIT, onBatch: observeBatches('verdict') },
  );

  constructor(
    private readonly hotPath: HotPath,
    private readonly transactions: TransactionsRepository,
    private readonly messages: MessagesRepository,
    private readonly dispatch: DispatchService,
  ) {}

  /** Applies one verdict in the next batch; resolves once it is durable. */
  decide(request: VerdictRequest): Promise<TransactionSummary> {
    return this.batches.add(request);
  }

  /**
   * Applies verdicts to transactions locked by the caller's database transaction, in request
   * order: the first verdict on a transaction wins, a repeat of it is a no-op, the opposite is a
   * conflict (409) — for that request alone.
   */
  async applyMany(
    manager: EntityManager,
    locked: TransactionRow[],
    requests: VerdictRequest[],
  ): Promise<Outcome<TransactionSummary>[]> {
    const current = new Map(locked.map((tx) => [tx.id, tx]));
    const applied = new Map<string, { verdict: Verdict; resolvedBy: string }>();
    const decided = requests.map((request): Outcome<TransactionRow> => {
      const tx = current.get(request.id);
      if (!tx) return failed(ApiError.notFound(`transaction ${request.id}`));
      try {
        request.authorize?.(tx);
      } catch (error) {
        return failed(error);
      }
      const earlier = applied.get(tx.id);
      const state = earlier ? STATE_AFTER[earlier.verdict] : tx.state;
      const effect = verdictEffect(state, request.verdict);
      if (effect === 'conflict') {
        return failed(
          ApiError.conflict(`transaction ${tx.id} is already ${state}; ${request.verdict} is refused`),
        );
      }
      if (effect === 'apply')
        applied.set(tx.id, { verdict: request.verdict, resolvedBy: request.resolvedBy });
      return succeeded(tx);
    });

    const resolved = await this.transactions.resolveMany(
      [...applied].map(([id, a]) => ({ id, state: STATE_AFTER[a.verdict], resolvedBy: a.resolvedBy })),
      manager,
    );
    const messageIds = new Map<string, string[]>();
    for (const { messageIds: ids, ...tx } of resolved) {
      current.set(tx.id, tx);
      messageIds.set(tx.id, ids);
    }
    await this.dispatch.dispatch(
      manager,
      resolved.filter((tx) => tx.state === 'COMMITTED').flatMap((tx) => messageIds.get(tx.id) ?? []),
    );
    const repeated = [
      ...new Set(decided.flatMap((d) => (d.ok && !applied.has(d.value.id) ? [d.value.id] : []))),
    ];
    for (const row of await this.messages.idsOf(repeated, manager))
      messageIds.set(row.transactionId, row.messageIds);
    return decided.map((d) =>
      d.ok
        ? succeeded(
            toTransactionSummary(current.get(d.value.id) as TransactionRow, messageIds.get(d.value.id) ?? []),
          )
        : d,
    );
  }
}
