import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../../auth/principal';
import { ConsumerGroupsService } from '../../consumer-groups/consumer-groups.service';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { PushQueue } from '../dispatch/push-queue';
import { ReadyNotifier } from '../dispatch/ready-notifier';

@Injectable()
export class PauseService {
  private readonly logger = new Logger('pause');

  constructor(
    private readonly groups: ConsumerGroupsService,
    private readonly deliveries: DeliveriesRepository,
    private readonly queue: PushQueue,
    private readonly notifier: ReadyNotifier,
  ) {}

  async pause(name: string, principal: Principal) {
    const { view } = await this.groups.setPaused(name, principal.operatorLabel);
    this.logger.log({ msg: 'consumer group paused', group: name, by: principal.operatorLabel });
    return view;
  }

  async resume(name: string) {
    const { group, view } = await this.groups.setPaused(name, null);
    this.logger.log({ msg: 'consumer group resumed', group: name });
    try {
      if (group.deliveryType === 'push') {
        await this.queue.enqueue(await this.deliveries.readyToPush(name, null));
      } else {
        await this.notifier.notify([name]);
      }
    } catch (error) {
      // Postgres has the deliveries; the reconciler (push) or the next receive (pull) finds them.
      this.logger.warn({
        msg: 'could not hand the backlog over on resume',
        group: name,
        error: String(error),
      });
    }
    return view;
  }
}
