import { Module } from '@nestjs/common';
import { ConsumerGroupsModule } from '../consumer-groups/consumer-groups.module';
import { DedupeModule } from '../dedupe/dedupe.module';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DeadLettersRepository } from './dead-letters/dead-letters.repository';
import { DeadLettersService } from './dead-letters/dead-letters.service';
import { ReconcilerJob } from './retries/reconciler.job';
import { CircuitBreaker } from './controls/circuit-breaker';
import { RateLimiter } from './controls/rate-limiter';
import { PauseController } from './controls/pause.controller';
import { PauseService } from './controls/pause.service';
import { DispatchModule } from './dispatch/dispatch.module';
import { AckWriter } from './pull/ack-writer';
import { PullController } from './pull/pull.controller';
import { PullRepository } from './pull/pull.repository';
import { PullService } from './pull/pull.service';
import { PushDeliveryProcessor } from './push/push-delivery.processor';
import { PushDeliveryService } from './push/push-delivery.service';
import { PushRepository } from './push/push.repository';
import { ReplayController } from './replay/replay.controller';
import { ReplayRepository } from './replay/replay.repository';
import { ReplayService } from './replay/replay.service';

/** Getting committed messages to consumer groups (SPEC §7): push, pull, retries, dead letters, replay. */
@Module({
  imports: [DispatchModule, ConsumerGroupsModule, DedupeModule],
  controllers: [PullController, DeadLettersController, ReplayController, PauseController],
  providers: [
    AckWriter,
    CircuitBreaker,
    DeadLettersRepository,
    DeadLettersService,
    PauseService,
    PullRepository,
    PullService,
    PushRepository,
    PushDeliveryService,
    PushDeliveryProcessor,
    RateLimiter,
    ReconcilerJob,
    ReplayRepository,
    ReplayService,
  ],
})
export class DeliveryModule {}
