import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { ProducerGroupsModule } from '../producer-groups/producer-groups.module';
import { TransactionsModule } from '../transactions/transactions.module';
import { CheckBackRepository } from './check-back.repository';
import { CheckBackScheduler } from './check-back.scheduler';

@Module({
  imports: [TransactionsModule, ProducerGroupsModule, MessagesModule],
  providers: [CheckBackRepository, CheckBackScheduler],
  exports: [CheckBackScheduler],
})
export class CheckBackModule {}
