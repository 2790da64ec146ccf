import { AcceptsTraceContext } from '../common/http/trace-headers';
import { traceContextOf } from '../observability/trace-context';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  rollback(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers() headers: Record<string, unknown>,
  ) {
    return this.transactions.decide(principal, id, 'ROLLBACK', traceContextOf(headers));
  }

  @Get(':id')
  @AllowRoles('producer', 'operator')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.transactions.get(principal, id);
  }
}
