// Bulk operator actions on transactions (SPEC §10): by ids (1..500) or by filter (at most
// 10,000, oldest first). Each id succeeds or fails on its own; one failure never stops the rest.
import { Injectable } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { CheckBackScheduler } from '../../check-back/check-back.scheduler';
import { ApiError, ErrorCode } from '../../common/errors/api-error';
import { toApiError } from '../../common/errors/to-api-error';
import { TransactionsService } from '../../transactions/transactions.service';
import type { BulkActionDto } from './admin-transactions.dto';
import { AdminTransactionsRepository } from './admin-transactions.repository';

export const BULK_FILTER_LIMIT = 10_000;
/** Verdicts run a few at a time: each is its own short Postgres transaction. */
const VERDICT_CONCURRENCY = 4;

import type { BulkResultView } from './admin-transaction.view';

export type BulkResult = BulkResultView;

@Injectable()
export class BulkActionsService {
  constructor(
    private readonly repository: AdminTransactionsRepository,
    private readonly transactions: TransactionsService,
    private readonly scheduler: CheckBackScheduler,
  ) {}

  async run(principal: Principal, dto: BulkActionDto): Promise<BulkResult> {
    const ids = await this.select(dto);
    const failed =
      dto.action === 'recheck'
        ? await this.recheck(ids)
        : await this.decide(ids, dto.action === 'commit' ? 'COMMIT' : 'ROLLBACK', principal.operatorLabel);
    return { matched: ids.length, succeeded: ids.length - failed.length, failed };
  }

  private async select(dto: BulkActionDto): Promise<string[]> {
    if ((dto.ids === undefined) === (dto.filter === undefined)) {
      throw ApiError.validation('give exactly one of ids or filter', [
        { field: dto.ids ? 'filter' : 'ids', message: 'exactly one of ids or filter is required' },
      ]);
    }
    if (dto.ids) return [...new Set(dto.ids.map((id) => id.toLowerCase()))];
    const { state, ...filter } = dto.filter as NonNullable<BulkActionDto['filter']>;
    return this.repository.matchingIds({ ...filter, states: [state] }, BULK_FILTER_LIMIT);
  }

  private async decide(ids: string[], verdict: 'COMMIT' | 'ROLLBACK', resolvedBy: string) {
    const failed: BulkResult['failed'] = [];
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++];
        try {
          await this.transactions.resolve(id, verdict, resolvedBy);
        } catch (error) {
          const apiError = toApiError(error);
          failed.push({ id, error: apiError.code, message: apiError.message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(VERDICT_CONCURRENCY, ids.length) }, worker));
    return failed;
  }

  /** Makes every open one due now; the scheduler sends them within its bounds. */
  private async recheck(ids: string[]) {
    if (ids.length === 0) return [];
    const requested = new Set(await this.scheduler.requestChecks(ids));
    const missed = ids.filter((id) => !requested.has(id));
    const states = await this.repository.states(missed);
    return missed.map((id) => {
      const state = states.get(id);
      return state
        ? { id, error: ErrorCode.Conflict, message: `transaction ${id} is already ${state}` }
        : { id, error: ErrorCode.NotFound, message: `transaction ${id} not found` };
    });
  }
}
