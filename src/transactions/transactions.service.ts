// Half messages (SPEC §5): prepare, then commit or roll back all messages of a transaction together.
import { inSpan, SpanKind, type TraceContext } from '../observability/trace-context';
import { TopicSchemasService } from '../topics/schemas/topic-schemas.service';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '../auth/principal';
import { ApiError } from '../common/errors/api-error';
import { assertIdempotencyKey } from '../idempotency/idempotency.service';
import { MessagesRepository } from '../messages/messages.repository';
import { ProducerGroupsService } from '../producer-groups/producer-groups.service';
import { TopicsService } from '../topics/topics.service';
import { PrepareWriter } from './prepare-writer';
import type { PrepareTransactionDto } from './transaction.dto';
import type { Verdict } from './transaction-state';
import { toTransactionDetail, type TransactionSummary } from './transaction.view';
import { TransactionsRepository, type TransactionRow } from './transactions.repository';
import { VerdictWriter } from './verdict-writer';

@Injectable()
export class TransactionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionsRepository,
    private readonly messages: MessagesRepository,
    private readonly producerGroups: ProducerGroupsService,
    private readonly topics: TopicsService,
    private readonly schemas: TopicSchemasService,
    private readonly preparer: PrepareWriter,
    private readonly verdicts: VerdictWriter,
  ) {}

  /** Prepares a transaction, in a span that is a child of the caller's `trace` (stored with it). */
  prepare(
    principal: Principal,
    dto: PrepareTransactionDto,
    idempotencyKey?: string,
    trace: TraceContext | null = null,
  ) {
    return inSpan(
      'txmsg prepare',
      { kind: SpanKind.SERVER, parent: trace, attributes: { 'txmsg.producer_group': dto.producerGroup } },
      async () => {
        principal.assertProducerGroup(dto.producerGroup);
        dto.messages.forEach((message) => principal.assertTopic(message.topic));
        assertIdempotencyKey(idempotencyKey);
        const group = await this.producerGroups.cached(dto.producerGroup);
        await this.topics.assertExist(dto.messages.map((message) => message.topic));
        const schemaVersions = await this.schemas.check(dto.messages);
        return this.preparer.prepare({
          schemaVersions,
          scope: `${principal.id}:prepare`,
          key: idempotencyKey,
          request: dto,
          immunitySeconds: dto.checkImmunitySeconds ?? group.checkImmunitySeconds,
          trace,
        });
      },
    );
  }

  /** A verdict from the producer API; grants are checked against the transaction's group. */
  decide(
    principal: Principal,
    id: string,
    verdict: Verdict,
    trace: TraceContext | null = null,
  ): Promise<TransactionSummary> {
    return inSpan(
      verdict === 'COMMIT' ? 'txmsg commit' : 'txmsg rollback',
      { kind: SpanKind.SERVER, parent: trace, attributes: { 'txmsg.transaction_id': id } },
      () => this.verdicts.decide({ id, verdict, resolvedBy: 'producer', principal }),
    );
  }

  /** A verdict from an operator (admin API). */
  resolve(id: string, verdict: Verdict, resolvedBy: string): Promise<TransactionSummary> {
    return this.verdicts.decide({ id, verdict, resolvedBy });
  }

  /** A verdict on a transaction the caller has locked (the check-back worker). */
  async applyVerdict(manager: EntityManager, tx: TransactionRow, verdict: Verdict, resolvedBy: string) {
    const [outcome] = await this.verdicts.applyMany(manager, [tx], [{ id: tx.id, verdict, resolvedBy }]);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
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
}
