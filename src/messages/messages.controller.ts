import { AcceptsTraceContext } from '../common/http/trace-headers';
import { traceContextOf } from '../observability/trace-context';
import { Body, Controller, Headers, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ParseNamePipe } from '../common/validation/names';
import { MessageFieldsDto, SendBatchDto } from './message.dto';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@AllowRoles('producer')
@Controller('v1/topics/:topic/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** Publishes one message, committed at once (201; 200 for a repeated Idempotency-Key). */
  @Post()
  @AcceptsTraceContext()
  async send(
    @CurrentPrincipal() principal: Principal,
    @Param('topic', ParseNamePipe) topic: string,
    @Body() dto: MessageFieldsDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers() headers: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { status, body } = await this.messages.send(
      principal,
      topic,
      dto,
      idempotencyKey,
      traceContextOf(headers),
    );
    reply.status(status);
    return body;
  }

  /** Publishes 1..1000 messages atomically. */
  @Post('batch')
  @AcceptsTraceContext()
  async sendBatch(
    @CurrentPrincipal() principal: Principal,
    @Param('topic', ParseNamePipe) topic: string,
    @Body() dto: SendBatchDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers() headers: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { status, body } = await this.messages.sendBatch(
      principal,
      topic,
      dto,
      idempotencyKey,
      traceContextOf(headers),
    );
    reply.status(status);
    return body;
  }
}
