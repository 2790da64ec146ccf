import { Module } from '@nestjs/common';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { DispatchModule } from '../delivery/dispatch/dispatch.module';
import { TopicsModule } from '../topics/topics.module';
import { MessageQueryController } from './message-query.controller';
import { MessageQueryRepository } from './message-query.repository';
import { MessageQueryService } from './message-query.service';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';

@Module({
  imports: [TopicsModule, DispatchModule],
  controllers: [MessagesController, MessageQueryController],
  providers: [
    MessagesRepository,
    MessagesService,
    IdempotencyService,
    MessageQueryRepository,
    MessageQueryService,
  ],
  exports: [MessagesRepository, IdempotencyService],
})
export class MessagesModule {}
