import { Module } from '@nestjs/common';
import { IdempotencyService } from '../common/idempotency/idempotency.service';
import { DispatchModule } from '../delivery/dispatch.module';
import { TopicsModule } from '../topics/topics.module';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';

@Module({
  imports: [TopicsModule, DispatchModule],
  controllers: [MessagesController],
  providers: [MessagesRepository, MessagesService, IdempotencyService],
  exports: [MessagesRepository, IdempotencyService],
})
export class MessagesModule {}
