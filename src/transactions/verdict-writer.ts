// Verdicts (SPEC §5): commit or roll back all messages of a transaction together. Concurrent
// verdicts share one statement: it resolves the transactions that are open and granted, with
// their messages and their deliveries, and commits on its own. Only what it leaves (a repeat, an
// opposite verdict, a missing grant or transaction, a second verdict on one transaction in the
// batch) takes the careful way: the transactions are locked and each verdict is judged on what
// it finds. Each caller is answered once what it changed has committed.
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/errors/api-error';
import { failed, GroupCommit, REQUEST_GROUP_COMMIT, succeeded, type Outcome } from '../common/group-commit';
import { DispatchService } from '../delivery/dispatch/dispatch.service';
import { HotPath } from '../infra/database/hot-path';
import { MessagesRepository } from '../messages/messages.repository';
import { observeBatches } from '../observability/group-commit.metrics';
import { STATE_AFTER, verdictEffect, type Verdict } from './transaction-state';
import { toTransactionSummary, type TransactionSummary } from './transaction.view';
import { TransactionsRepository, type TransactionRow } from './transactions.repository';

export interface VerdictRequest {
  id: string;
  verdict: Verdict;
  /** `producer`, `checkback` or `operator:<name>`. */
  resolvedBy: string;
  /** The caller, whose producer-group grants the transaction must match; none: not checked. */
  principal?: Principal;
}

@Injectable()
export class VerdictWriter {
  private readonly batches = new GroupCommit<VerdictRequest, TransactionSummary>(
    (requests) => this.write(requests),
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

  private async write(requests: VerdictRequest[]): Promise<Outcome<TransactionSummary>[]> {
    const first = new Map<string, number>();
    requests.forEach((request, i) => {
      if (!first.has(request.id)) first.set(request.id, i);
    });
    const direct = [...first.values()].map((i) => requests[i]);
    const resolved = await this.transactions.decideMany(direct.map(resolving), this.hotPath.dataSource);
    const decided = new Map(resolved.map((tx) => [tx.id, tx]));
    this.dispatch.handOverAfterCommit(
      this.hotPath.dataSource,
      resolved.flatMap((tx) => tx.queued),
    );

    const outcomes: (Outcome<TransactionSummary> | undefined)[] = requests.map((request, i) => {
      const tx = first.get(request.id) === i ? decided.get(request.id) : undefined;
      return tx && succeeded(toTransactionSummary(tx, tx.messageIds));
    });
    const left = requests.filter((_, i) => outcomes[i] === undefined);
    if (left.length > 0) {
      const judged = await this.hotPath.dataSource.transaction(async (manager) => {
        const locked = await this.transactions.lockMany([...new Set(left.map((r) => r.id))], manager);
        return this.applyMany(manager, locked, left);
      });
      outcomes.forEach((outcome, i) => {
        if (outcome === undefined) outcomes[i] = judged.shift();
      });
    }
    return outcomes as Outcome<TransactionSummary>[];
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
    const applied = new Map<string, VerdictRequest>();
    const decided = requests.map((request): Outcome<TransactionRow> => {
      const tx = current.get(request.id);
      if (!tx) return failed(ApiError.notFound(`transaction ${request.id}`));
      try {
        request.principal?.assertProducerGroup(tx.producerGroup);
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
      if (effect === 'apply') applied.set(tx.id, request);
      return succeeded(tx);
    });

    // Judged here on locked rows: the statement needs no grants and finds them in their state.
    const resolved = await this.transactions.decideMany(
      [...applied.values()].map((request) => ({ ...resolving(request), producerGroups: null })),
      manager,
    );
    const messageIds = new Map<string, string[]>();
    for (const tx of resolved) {
      current.set(tx.id, tx);
      messageIds.set(tx.id, tx.messageIds);
    }
    this.dispatch.handOverAfterCommit(
      manager,
      resolved.flatMap((tx) => tx.queued),
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

const resolving = (request: VerdictRequest) => ({
  id: request.id,
  state: STATE_AFTER[request.verdict],
  resolvedBy: request.resolvedBy,
  producerGroups: request.principal ? request.principal.actsForProducerGroups : null,
});
