// Prepare (SPEC §5): half messages stored PREPARED with their transaction. Concurrent prepares
// share one statement that stores the transactions and all their messages (within one database
// transaction with the Idempotency-Key records when any carry a key), and each caller is
// answered once it has committed.
import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { GroupCommit, REQUEST_GROUP_COMMIT, succeeded } from '../common/group-commit';
import { newId } from '../common/ids';
import {
  IdempotencyService,
  type IdempotentResult,
  type KeyedRequest,
} from '../idempotency/idempotency.service';
import type { PrepareTransactionDto } from './transaction.dto';
import { toTransactionSummary, type PreparedTransactionView } from './transaction.view';
import { TransactionsRepository, type TransactionRow } from './transactions.repository';
import { observeBatches } from '../observability/group-commit.metrics';
import type { TraceContext } from '../observability/trace-context';

export interface PrepareRequest extends KeyedRequest {
  request: PrepareTransactionDto;
  immunitySeconds: number;
  /** The caller's W3C trace context, stored with the transaction and each message. */
  trace: TraceContext | null;
  /** The schema version each message was checked against (by index), or null. */
  schemaVersions: (number | null)[];
}

/** What a prepare answers: the transaction as created (nothing resolved yet). */
const toPrepared = (tx: TransactionRow, messageIds: string[]): PreparedTransactionView => {
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
      this.idempotency.run(requests, async (db, indexes) =>
        (await this.create(requests, indexes, db)).map(succeeded),
      ),
    { ...REQUEST_GROUP_COMMIT, onBatch: observeBatches('prepare') },
    (request) => request.request.messages.length,
  );

  constructor(
    private readonly transactions: TransactionsRepository,
    private readonly idempotency: IdempotencyService,
  ) {}

  private async create(
    requests: PrepareRequest[],
    indexes: number[],
    runner: DataSource | EntityManager,
  ): Promise<Prepared[]> {
    const created = indexes.map((i) => {
      const id = newId();
      const { request: dto, immunitySeconds, trace, schemaVersions } = requests[i];
      const messages = dto.messages.map((m, n) => ({
        ...m,
        id: newId(),
        transactionId: id,
        trace,
        schemaVersion: schemaVersions[n],
      }));
      return { id, producerGroup: dto.producerGroup, immunitySeconds, trace, messages };
    });
    const rows = await this.transactions.insertMany(
      created,
      created.flatMap((c) => c.messages),
      runner,
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return created.map((c) =>
      toPrepared(
        byId.get(c.id) as TransactionRow,
        c.messages.map((m) => m.id),
      ),
    );
  }

  /** Prepares one transaction in the next batch; resolves once it is durable. */
  prepare(request: PrepareRequest): Promise<IdempotentResult<Prepared>> {
    return this.batches.add(request);
  }
}
