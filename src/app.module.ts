import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './infra/database/database.module';
import { ConfigChangesModule } from './infra/redis/config-changes';
import { RedisModule } from './infra/redis/redis.module';
import { ObservabilityModule } from './observability/observability.module';
import { ProducerGroupsModule } from './producer-groups/producer-groups.module';
import { TopicsModule } from './topics/topics.module';
import { MessagesModule } from './messages/messages.module';
import { TransactionsModule } from './transactions/transactions.module';
import { CheckBackModule } from './check-back/check-back.module';
import { DedupeModule } from './dedupe/dedupe.module';
import { ConsumerGroupsModule } from './consumer-groups/consumer-groups.module';
import { DeliveryModule } from './delivery/delivery.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { AuditModule } from './audit/audit.module';
import { AdminModule } from './admin/admin.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        RedisModule,
        ConfigChangesModule,
        ObservabilityModule,
        AuthModule,
        TopicsModule,
        ProducerGroupsModule,
        MessagesModule,
        TransactionsModule,
        CheckBackModule,
        ConsumerGroupsModule,
        DeliveryModule,
        DedupeModule,
        MaintenanceModule,
        AuditModule,
        AdminModule,
      ],
    };
  }
}
