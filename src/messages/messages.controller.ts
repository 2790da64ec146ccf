import { AcceptsTraceContext } from '../common/http/trace-headers';
import { traceContextOf } from '../observability/trace-context';
import { Body, Controller, Headers, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiAnswer, ApiAuthErrors, ApiErrors } from '../common/http/answers';
import { SentBatchView, SentMessageView } from './sent.view';
import type { FastifyReply } from 'fastify';
import { AllowRoles, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ParseNamePipe } from '../common/validation/names';
import { MessageFieldsDto, SendBatchDto } from './message.dto';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@ApiAuthErrors()
@AllowRoles('producer')
@Controller('v1/topics/:topic/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** Publishes one message, committed at once (201; 200 for a repeated Idempotency-Key). */
  @Post()
  @AcceptsTraceContext()
  @ApiAnswer(201, SentMessageView, { description: 'published' })
  @ApiAnswer(200, SentMessageView, {
    description: 'the answer to an earlier request with this Idempotency-Key',
  })
  @ApiErrors(400, 404, 413, 422)
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
  @ApiAnswer(201, SentBatchView, { description: 'published' })
  @ApiAnswer(200, SentBatchView, {
    description: 'the answer to an earlier request with this Idempotency-Key',
  })
  @ApiErrors(400, 404, 413, 422)
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
