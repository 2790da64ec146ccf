import { Module } from '@nestjs/common';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { DispatchModule } from '../delivery/dispatch/dispatch.module';
import { TopicsModule } from '../topics/topics.module';
import { MessageQueryController } from './message-query.controller';
import { MessageQueryRepository } from './message-query.repository';
import { MessageQueryService } from './message-query.service';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { SendWriter } from './send-writer';

@Module({
  imports: [TopicsModule, DispatchModule, IdempotencyModule],
  controllers: [MessagesController, MessageQueryController],
  providers: [MessagesRepository, MessagesService, SendWriter, MessageQueryRepository, MessageQueryService],
  exports: [MessagesRepository],
})
export class MessagesModule {}
