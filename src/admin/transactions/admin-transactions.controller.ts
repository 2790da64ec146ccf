import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors, ApiPage } from '../../common/http/answers';
import { TransactionSummaryView } from '../../transactions/transaction.view';
import {
  AdminTransactionView,
  BulkResultView,
  RecheckView,
  StuckSummaryView,
} from './admin-transaction.view';
import { AllowRoles, CurrentPrincipal } from '../../auth/auth.decorators';
import type { Principal } from '../../auth/principal';
import type { AuditedCall } from '../../audit/audit-spec';
import { Audited } from '../../audit/audited.decorator';
import { ParseIdPipe } from '../../common/validation/parse-uuid.pipe';
import { AdminTransactionsQuery, BulkActionDto, OpenTransactionsQuery } from './admin-transactions.dto';
import { AdminTransactionsService } from './admin-transactions.service';
import { BulkActionsService, type BulkResult } from './bulk-actions.service';

const oneTransaction = ({ params }: AuditedCall) => `transaction:${params.id}`;

function bulkTarget({ body }: AuditedCall): string {
  if (Array.isArray(body?.ids)) return `transactions: ${body.ids.length} ids`;
  return `transactions: filter ${JSON.stringify(body?.filter ?? null)}`;
}

@ApiTags('admin')
@ApiBearerAuth()
@ApiAuthErrors()
@AllowRoles('operator')
@Controller('v1/admin/transactions')
export class AdminTransactionsController {
  constructor(
    private readonly transactions: AdminTransactionsService,
    private readonly bulk: BulkActionsService,
  ) {}

  /** PREPARED and STUCK transactions, oldest first, with their last check and messages. */
  @Get()
  @ApiPage(AdminTransactionView)
  @ApiErrors(400)
  list(@Query() query: AdminTransactionsQuery) {
    return this.transactions.list(query);
  }

  /** STUCK and long-pending (a check went unanswered) transactions by group and last error. */
  @Get('stuck-summary')
  @ApiAnswer(200, StuckSummaryView, { isArray: true })
  @ApiErrors(400)
  stuckSummary(@Query() query: OpenTransactionsQuery) {
    return this.transactions.stuckSummary(query);
  }

  @Post('bulk')
  @HttpCode(200)
  @ApiAnswer(200, BulkResultView)
  @ApiErrors(400)
  @Audited({
    action: 'transactions.bulk',
    target: (call) => `${String(call.body?.action)} ${bulkTarget(call)}`,
    count: (result) => (result as BulkResult).succeeded,
    result: (result) => ((result as BulkResult).failed.length > 0 ? 'partial' : 'ok'),
  })
  runBulk(@CurrentPrincipal() principal: Principal, @Body() dto: BulkActionDto) {
    return this.bulk.run(principal, dto);
  }

  @Post(':id/commit')
  @HttpCode(200)
  @ApiAnswer(200, TransactionSummaryView)
  @ApiErrors(400, 404, 409)
  @Audited({ action: 'transaction.commit', target: oneTransaction })
  commit(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.transactions.decide(principal, id, 'COMMIT');
  }

  @Post(':id/rollback')
  @HttpCode(200)
  @ApiAnswer(200, TransactionSummaryView)
  @ApiErrors(400, 404, 409)
  @Audited({ action: 'transaction.rollback', target: oneTransaction })
  rollback(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.transactions.decide(principal, id, 'ROLLBACK');
  }

  /** Sends one check-back now and answers with what it found (`checked: false` if it took too long). */
  @Post(':id/recheck')
  @HttpCode(200)
  @ApiAnswer(200, RecheckView)
  @ApiErrors(400, 404, 409)
  @Audited({ action: 'transaction.recheck', target: oneTransaction })
  recheck(@Param('id', ParseIdPipe) id: string) {
    return this.transactions.recheck(id);
  }
}
