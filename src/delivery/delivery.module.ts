import { Module } from '@nestjs/common';
import { ConsumerGroupsModule } from '../consumer-groups/consumer-groups.module';
import { DedupeModule } from '../dedupe/dedupe.module';
import { DeadLettersController } from './dead-letters.controller';
import { DeadLettersRepository } from './dead-letters.repository';
import { DeadLettersService } from './dead-letters.service';
import { DeliveryReconciler } from './delivery-reconciler';
import { DispatchModule } from './dispatch.module';
import { PullController } from './pull.controller';
import { PullRepository } from './pull.repository';
import { PullService } from './pull.service';
import { PushDeliveryProcessor } from './push-delivery.processor';
import { PushDeliveryService } from './push-delivery.service';
import { PushRepository } from './push.repository';
import { ReplayController } from './replay.controller';
import { ReplayRepository } from './replay.repository';
import { ReplayService } from './replay.service';

/** Getting committed messages to consumer groups (SPEC §7): push, pull, retries, dead letters, replay. */
@Module({
  imports: [DispatchModule, ConsumerGroupsModule, DedupeModule],
  controllers: [PullController, DeadLettersController, ReplayController],
  providers: [
    DeadLettersRepository,
    DeadLettersService,
    PullRepository,
    PullService,
    PushRepository,
    PushDeliveryService,
    PushDeliveryProcessor,
    DeliveryReconciler,
    ReplayRepository,
    ReplayService,
  ],
})
export class DeliveryModule {}
