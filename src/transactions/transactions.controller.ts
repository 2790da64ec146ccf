import { AcceptsTraceContext } from '../common/http/trace-headers';
import { traceContextOf } from '../observability/trace-context';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors } from '../common/http/answers';
import {
  PrepareBatchView,
  PreparedTransactionView,
  TransactionDetailView,
  TransactionSummaryView,
  VerdictBatchView,
} from './transaction.view';
import type { FastifyReply } from 'fastify';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ParseIdPipe } from '../common/validation/parse-uuid.pipe';
import { PrepareTransactionDto } from './transaction.dto';
import { TransactionsService } from './transactions.service';
import { TransactionBatchesService } from './transaction-batches.service';
import { PrepareBatchDto, VerdictBatchDto } from './transaction-batch.dto';

@ApiTags('transactions')
@ApiBearerAuth()
@ApiAuthErrors()
@AllowRoles('producer')
@Controller('v1/transactions')
export class TransactionsController {
  constructor(
    private readonly transactions: TransactionsService,
    private readonly batches: TransactionBatchesService,
  ) {}

  /** Prepares a half transaction (201); a repeated Idempotency-Key returns the original (200). */
  @Post()
  @AcceptsTraceContext()
  @ApiAnswer(201, PreparedTransactionView, { description: 'prepared' })
  @ApiAnswer(200, PreparedTransactionView, {
    description: 'the answer to an earlier request with this Idempotency-Key',
  })
  @ApiErrors(400, 404, 413, 422)
  async prepare(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: PrepareTransactionDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers() headers: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { status, body } = await this.transactions.prepare(
      principal,
      dto,
      idempotencyKey,
      traceContextOf(headers),
    );
    reply.status(status);
    return body;
  }

  /** Independent transactions, each answered as `POST /v1/transactions` would answer it. */
  @Post('batch')
  @AcceptsTraceContext()
  @HttpCode(200)
  @ApiAnswer(200, PrepareBatchView, { description: "each entry's own status and answer" })
  @ApiErrors(400, 413)
  prepareBatch(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: PrepareBatchDto,
    @Headers() headers: Record<string, unknown>,
  ) {
    return this.batches.prepare(principal, dto.transactions, traceContextOf(headers));
  }

  /** Verdicts on independent transactions, each answered as its commit or rollback call would be. */
  @Post('verdicts')
  @AcceptsTraceContext()
  @HttpCode(200)
  @ApiAnswer(200, VerdictBatchView, { description: "each entry's own status and answer" })
  @ApiErrors(400, 413)
  decideBatch(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: VerdictBatchDto,
    @Headers() headers: Record<string, unknown>,
  ) {
    return this.batches.decide(principal, dto.verdicts, traceContextOf(headers));
  }

  @Post(':id/commit')
  @AcceptsTraceContext()
  @HttpCode(200)
  @ApiAnswer(200, TransactionSummaryView)
  @ApiErrors(400, 404, 409)
  commit(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers() headers: Record<string, unknown>,
  ) {
    return this.transactions.decide(principal, id, 'COMMIT', traceContextOf(headers));
  }

  @Post(':id/rollback')
  @AcceptsTraceContext()
  @HttpCode(200)
  @ApiAnswer(200, TransactionSummaryView)
  @ApiErrors(400, 404, 409)
  rollback(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers() headers: Record<string, unknown>,
  ) {
    return this.transactions.decide(principal, id, 'ROLLBACK', traceContextOf(headers));
  }

  @Get(':id')
  @AllowRoles('producer', 'operator')
  @ApiAnswer(200, TransactionDetailView)
  @ApiErrors(400, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.transactions.get(principal, id);
  }
}
