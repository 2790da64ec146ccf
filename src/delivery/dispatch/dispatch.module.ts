import { Module } from '@nestjs/common';
import { DeliveriesRepository } from './deliveries.repository';
import { DispatchService } from './dispatch.service';
import { PushQueue } from './push-queue';
import { ReadyNotifier } from './ready-notifier';

/** What committing code needs to record and hand over deliveries; no HTTP routes. */
@Module({
  providers: [DeliveriesRepository, DispatchService, PushQueue, ReadyNotifier],
  exports: [DeliveriesRepository, DispatchService, PushQueue, ReadyNotifier],
})
export class DispatchModule {}
