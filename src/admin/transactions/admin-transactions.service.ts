// Stuck and long-pending transactions for operators (SPEC §10): lists, the stuck summary, and
// verdicts and rechecks on one transaction, all through the same rules as producers and the
// check-back scheduler.
import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { CheckBackScheduler } from '../../check-back/check-back.scheduler';
import { ApiError } from '../../common/errors/api-error';
import { DEFAULT_PAGE_SIZE, decodeTimeIdCursor, toPage } from '../../common/pagination';
import { AppConfig } from '../../config/app-config';
import { ProducerGroupsService } from '../../producer-groups/producer-groups.service';
import { OPEN_STATES, type Verdict } from '../../transactions/transaction-state';
import { TransactionsService } from '../../transactions/transactions.service';
import { toAdminTransaction, toRecheckResult, toStuckSummary } from './admin-transaction.view';
import { type AdminTransactionsQuery, type OpenTransactionsQuery } from './admin-transactions.dto';
import { AdminTransactionsRepository } from './admin-transactions.repository';

/** A recheck answers once its check is recorded, or after the producer's time-out and this. */
const RECHECK_WAIT_MARGIN_MS = 5000;
const RECHECK_POLL_MS = 100;

@Injectable()
export class AdminTransactionsService {
  constructor(
    private readonly repository: AdminTransactionsRepository,
    private readonly transactions: TransactionsService,
    private readonly scheduler: CheckBackScheduler,
    private readonly producerGroups: ProducerGroupsService,
    private readonly config: AppConfig,
  ) {}

  async list(query: AdminTransactionsQuery) {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.repository.list(
      { ...query, states: query.state ? [query.state] : [...OPEN_STATES] },
      limit + 1,
      decodeTimeIdCursor(query.cursor),
    );
    const now = new Date();
    return toPage(
      rows,
      limit,
      (row) => [row.createdAtKey, row.id],
      (row) => toAdminTransaction(row, now),
    );
  }

  async stuckSummary(query: OpenTransactionsQuery) {
    return (await this.repository.stuckSummary(query)).map(toStuckSummary);
  }

  /** The operator's verdict, recorded as `operator:<token name>` (SPEC §5 rules). */
  decide(principal: Principal, id: string, verdict: Verdict) {
    return this.transactions.resolve(id, verdict, principal.operatorLabel);
  }

  /**
   * Makes the transaction's next check due now and waits for the scheduler to send and record
   * it (signed, leased, within the per-group bound). A STUCK transaction is resolved only by an
   * explicit verdict; anything else leaves it STUCK. A resolved transaction is 409.
   */
  async recheck(id: string) {
    const before = await this.requireOpen(id);
    const group = await this.producerGroups.require(before.producerGroup);
    if ((await this.scheduler.requestChecks([id])).length === 0) {
      await this.requireOpen(id); // resolved meanwhile: 409
    }
    const deadline =
      Date.now() + group.checkbackTimeoutMs + this.config.checkback.pollMs + RECHECK_WAIT_MARGIN_MS;
    for (;;) {
      const row = await this.repository.find(id);
      const checked = row !== null && row.checks > before.checks;
      if (checked || Date.now() > deadline) return toRecheckResult(row ?? before, checked);
      await new Promise((resolve) => setTimeout(resolve, RECHECK_POLL_MS));
    }
  }

  private async requireOpen(id: string) {
    const row = await this.repository.find(id);
    if (!row) throw ApiError.notFound(`transaction ${id}`);
    if (row.state !== 'PREPARED' && row.state !== 'STUCK') {
      throw ApiError.conflict(`transaction ${id} is already ${row.state}; there is nothing to recheck`);
    }
    return row;
  }
}
