import { Module } from '@nestjs/common';
import { CheckBackModule } from '../check-back/check-back.module';
import { ConsumerGroupsModule } from '../consumer-groups/consumer-groups.module';
import { ProducerGroupsModule } from '../producer-groups/producer-groups.module';
import { TransactionsModule } from '../transactions/transactions.module';
import { AuditController } from './audit.controller';
import { ActivitySamplerJob } from './overview/activity-sampler.job';
import { OverviewController } from './overview/overview.controller';
import { OverviewMetrics } from './overview/overview.metrics';
import { OverviewRepository } from './overview/overview.repository';
import { OverviewService } from './overview/overview.service';
import { AdminTransactionsController } from './transactions/admin-transactions.controller';
import { AdminTransactionsRepository } from './transactions/admin-transactions.repository';
import { AdminTransactionsService } from './transactions/admin-transactions.service';
import { BulkActionsService } from './transactions/bulk-actions.service';

/** The operator console's server side (SPEC §10): overview, transactions, bulk, audit. */
@Module({
  imports: [TransactionsModule, CheckBackModule, ProducerGroupsModule, ConsumerGroupsModule],
  controllers: [OverviewController, AdminTransactionsController, AuditController],
  providers: [
    OverviewRepository,
    OverviewService,
    OverviewMetrics,
    ActivitySamplerJob,
    AdminTransactionsRepository,
    AdminTransactionsService,
    BulkActionsService,
  ],
})
export class AdminModule {}
