import { Module } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { DeliveriesRepository } from './deliveries.repository';
import { DispatchService } from './dispatch.service';
import { LocalPush } from './local-push';
import { PushQueue } from './push-queue';
import { ReadyNotifier } from './ready-notifier';

/** What committing code needs to record and hand over deliveries; no HTTP routes. */
@Module({
  providers: [
    DeliveriesRepository,
    DispatchService,
    PushQueue,
    ReadyNotifier,
    // As many jobs run in the committing process as the push worker runs from the queue.
    {
      provide: LocalPush,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new LocalPush(config.delivery.pushConcurrency),
    },
  ],
  exports: [DeliveriesRepository, DispatchService, PushQueue, ReadyNotifier, LocalPush],
})
export class DispatchModule {}
