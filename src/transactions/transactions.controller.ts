import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ParseIdPipe } from '../common/validation/parse-uuid.pipe';
import { PrepareTransactionDto } from './transaction.dto';
import { TransactionsService } from './transactions.service';

@ApiTags('transactions')
@ApiBearerAuth()
@AllowRoles('producer')
@Controller('v1/transactions')
export class TransactionsController {
  constructor(private readonly transactions: TransactionsService) {}

  /** Prepares a half transaction (201); a repeated Idempotency-Key returns the original (200). */
  @Post()
  async prepare(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: PrepareTransactionDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { status, body } = await this.transactions.prepare(principal, dto, idempotencyKey);
    reply.status(status);
    return body;
  }

  @Post(':id/commit')
  @HttpCode(200)
  commit(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.transactions.decide(principal, id, 'COMMIT');
  }

  @Post(':id/rollback')
  @HttpCode(200)
  rollback(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.transactions.decide(principal, id, 'ROLLBACK');
  }

  @Get(':id')
  @AllowRoles('producer', 'operator')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.transactions.get(principal, id);
  }
}
