import { Module } from '@nestjs/common';
import { DedupeStoreModule } from '../dedupe/dedupe-store.module';
import { TopicsModule } from '../topics/topics.module';
import { ConsumerGroupsController } from './consumer-groups.controller';
import { ConsumerGroupsRepository } from './consumer-groups.repository';
import { ConsumerGroupsService } from './consumer-groups.service';
import { DeadLettersRepository } from './dead-letters.repository';
import { DeadLettersService } from './dead-letters.service';
import { DeliveryReconciler } from './delivery-reconciler';
import { DispatchModule } from './dispatch.module';
import { KeyDedupe } from './key-dedupe';
import { PullController } from './pull.controller';
import { PullRepository } from './pull.repository';
import { PullService } from './pull.service';
import { PushDeliveryProcessor } from './push-delivery.processor';
import { PushDeliveryService } from './push-delivery.service';
import { PushRepository } from './push.repository';
import { ReplayRepository } from './replay.repository';
import { ReplayService } from './replay.service';

/** Consumer groups, push worker, pull API, dead letters and the reconciler (SPEC §7). */
@Module({
  imports: [DispatchModule, TopicsModule, DedupeStoreModule],
  controllers: [ConsumerGroupsController, PullController],
  providers: [
    ConsumerGroupsRepository,
    ConsumerGroupsService,
    DeadLettersRepository,
    DeadLettersService,
    PullRepository,
    PullService,
    PushRepository,
    PushDeliveryService,
    PushDeliveryProcessor,
    DeliveryReconciler,
    KeyDedupe,
    ReplayRepository,
    ReplayService,
  ],
  exports: [ConsumerGroupsService],
})
export class DeliveryModule {}
