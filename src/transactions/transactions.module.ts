import { TransactionBatchesService } from './transaction-batches.service';
import { Module } from '@nestjs/common';
import { DispatchModule } from '../delivery/dispatch/dispatch.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { MessagesModule } from '../messages/messages.module';
import { ProducerGroupsModule } from '../producer-groups/producer-groups.module';
import { TopicsModule } from '../topics/topics.module';
import { PrepareWriter } from './prepare-writer';
import { TransactionsController } from './transactions.controller';
import { TransactionsRepository } from './transactions.repository';
import { TransactionsService } from './transactions.service';
import { VerdictWriter } from './verdict-writer';

@Module({
  imports: [MessagesModule, DispatchModule, ProducerGroupsModule, TopicsModule, IdempotencyModule],
  controllers: [TransactionsController],
  providers: [
    TransactionsRepository,
    TransactionsService,
    TransactionBatchesService,
    PrepareWriter,
    VerdictWriter,
  ],
  exports: [TransactionsService, TransactionsRepository],
})
export class TransactionsModule {}
