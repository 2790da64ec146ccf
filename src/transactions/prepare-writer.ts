// Prepare (SPEC §5): half messages stored PREPARED with their transaction. Concurrent prepares
// share one database transaction — one statement for the transactions, one for all their
// messages, one COMMIT — and each caller is answered once that transaction has committed.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { GroupCommit, REQUEST_GROUP_COMMIT, succeeded } from '../common/group-commit';
import { newId } from '../common/ids';
import { IdempotencyService, type IdempotentResult } from '../idempotency/idempotency.service';
import { MessagesRepository } from '../messages/messages.repository';
import type { PrepareTransactionDto } from './transaction.dto';
import { toTransactionSummary } from './transaction.view';
import { TransactionsRepository, type TransactionRow } from './transactions.repository';

export interface PrepareRequest {
  /** The Idempotency-Key's scope: the caller and the route. */
  scope: string;
  idempotencyKey?: string;
  dto: PrepareTransactionDto;
  immunitySeconds: number;
}

/** What a prepare answers: the transaction as created (nothing resolved yet). */
const toPrepared = (tx: TransactionRow, messageIds: string[]) => {
  const {
    resolvedAt: _resolvedAt,
    resolvedBy: _resolvedBy,
    ...summary
  } = toTransactionSummary(tx, messageIds);
  return summary;
};

export type Prepared = ReturnType<typeof toPrepared>;

@Injectable()
export class PrepareWriter {
  private readonly batches = new GroupCommit<PrepareRequest, IdempotentResult<Prepared>>(
    (requests) =>
      this.dataSource.transaction((manager) =>
        this.idempotency.runMany(
          manager,
          requests.map((r) => ({ scope: r.scope, key: r.idempotencyKey, request: r.dto })),
          async (indexes) => {
            const created = indexes.map((i) => {
              const id = newId();
              const { dto } = requests[i];
              const messages = dto.messages.map((m) => ({ ...m, id: newId(), transactionId: id }));
              return { id, dto, immunitySeconds: requests[i].immunitySeconds, messages };
            });
            const rows = await this.transactions.insertMany(
              created.map((c) => ({
                id: c.id,
                producerGroup: c.dto.producerGroup,
                immunitySeconds: c.immunitySeconds,
              })),
              manager,
            );
            await this.messages.insert(
              created.flatMap((c) => c.messages),
              false,
              manager,
            );
            const byId = new Map(rows.map((row) => [row.id, row]));
            return created.map((c) =>
              succeeded(
                toPrepared(
                  byId.get(c.id) as TransactionRow,
                  c.messages.map((m) => m.id),
                ),
              ),
            );
          },
        ),
      ),
    REQUEST_GROUP_COMMIT,
  );

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionsRepository,
    private readonly messages: MessagesRepository,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** Prepares one transaction in the next batch; resolves once it is durable. */
  prepare(request: PrepareRequest): Promise<IdempotentResult<Prepared>> {
    return this.batches.add(request);
  }
}
