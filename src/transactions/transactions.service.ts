// Half messages (SPEC §5): prepare, then commit or roll back all messages of a transaction together.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/errors/api-error';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { newId } from '../common/ids';
import { DispatchService } from '../delivery/dispatch/dispatch.service';
import { MessagesRepository } from '../messages/messages.repository';
import { ProducerGroupsService } from '../producer-groups/producer-groups.service';
import { TopicsService } from '../topics/topics.service';
import type { PrepareTransactionDto } from './transaction.dto';
import { STATE_AFTER, verdictEffect, type Verdict } from './transaction-state';
import { toTransactionDetail, toTransactionSummary } from './transaction.view';
import { TransactionsRepository, type TransactionRow } from './transactions.repository';

@Injectable()
export class TransactionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionsRepository,
    private readonly messages: MessagesRepository,
    private readonly producerGroups: ProducerGroupsService,
    private readonly topics: TopicsService,
    private readonly idempotency: IdempotencyService,
    private readonly dispatch: DispatchService,
  ) {}

  async prepare(principal: Principal, dto: PrepareTransactionDto, idempotencyKey?: string) {
    principal.assertProducerGroup(dto.producerGroup);
    dto.messages.forEach((message) => principal.assertTopic(message.topic));
    const group = await this.producerGroups.require(dto.producerGroup);
    await this.topics.assertExist(dto.messages.map((message) => message.topic));
    const immunity = dto.checkImmunitySeconds ?? group.checkImmunitySeconds;
    return this.idempotency.run(`${principal.id}:prepare`, idempotencyKey, dto, async (manager) => {
      const id = newId();
      const messages = dto.messages.map((message) => ({ ...message, id: newId() }));
      const tx = await this.transactions.insert(id, group.name, immunity, manager);
      await this.messages.insert(messages, id, manager);
      const {
        resolvedAt: _resolvedAt,
        resolvedBy: _resolvedBy,
        ...summary
      } = toTransactionSummary(
        tx,
        messages.map((m) => m.id),
      );
      return summary;
    });
  }

  /** A verdict from the producer API; grants are checked against the transaction's group. */
  async decide(principal: Principal, id: string, verdict: Verdict) {
    return this.dataSource.transaction(async (manager) => {
      const tx = await this.lock(manager, id);
      principal.assertProducerGroup(tx.producerGroup);
      return this.applyVerdict(manager, tx, verdict, 'producer');
    });
  }

  /** A verdict from an operator (admin API) or the check-back worker. */
  async resolve(id: string, verdict: Verdict, resolvedBy: string) {
    return this.dataSource.transaction(async (manager) =>
      this.applyVerdict(manager, await this.lock(manager, id), verdict, resolvedBy),
    );
  }

  /**
   * Applies a verdict to a locked transaction. Row locks order concurrent verdicts (API,
   * operator, check-back): the first wins, a repeat is a no-op, the opposite is a conflict.
   */
  async applyVerdict(manager: EntityManager, tx: TransactionRow, verdict: Verdict, resolvedBy: string) {
    const effect = verdictEffect(tx.state, verdict);
    if (effect === 'conflict') {
      throw ApiError.conflict(`transaction ${tx.id} is already ${tx.state}; ${verdict} is refused`);
    }
    let resolved = tx;
    if (effect === 'apply') {
      if (verdict === 'COMMIT') {
        await this.dispatch.dispatch(manager, await this.messages.commitTransaction(tx.id, manager));
      } else await this.messages.rollbackTransaction(tx.id, manager);
      resolved = await this.transactions.resolve(tx.id, STATE_AFTER[verdict], resolvedBy, manager);
    }
    const messages = await this.messages.summariesOf(tx.id, manager);
    return toTransactionSummary(
      resolved,
      messages.map((m) => m.id),
    );
  }

  async get(principal: Principal, id: string) {
    const manager = this.dataSource.manager;
    const tx = await this.transactions.find(id, false, manager);
    if (!tx) throw ApiError.notFound(`transaction ${id}`);
    principal.assertReadProducerGroup(tx.producerGroup);
    const [messages, history] = await Promise.all([
      this.messages.findByTransaction(id, manager),
      this.transactions.checkHistory(id, manager),
    ]);
    return toTransactionDetail(tx, messages, history);
  }

  private async lock(manager: EntityManager, id: string): Promise<TransactionRow> {
    const tx = await this.transactions.find(id, true, manager);
    if (!tx) throw ApiError.notFound(`transaction ${id}`);
    return tx;
  }
}
