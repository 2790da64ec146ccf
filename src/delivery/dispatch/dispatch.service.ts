// Dispatch (SPEC §7, G1/G2): a commit records its deliveries in Postgres in the same database
// transaction (the statement that commits the messages creates them, `insertDeliveriesSql`);
// once committed they are handed to the push queue or announced to pull receivers.
// If that hand-over fails the deliveries are still in Postgres and the reconciler re-queues them.
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { afterCommit } from '../../infra/database/after-commit';
import type { QueuedDelivery } from './deliveries.repository';
import { PushQueue } from './push-queue';
import { ReadyNotifier } from './ready-notifier';

@Injectable()
export class DispatchService {
  private readonly logger = new Logger('dispatch');

  constructor(
    private readonly pushQueue: PushQueue,
    private readonly notifier: ReadyNotifier,
  ) {}

  /**
   * Hands deliveries created in `manager`'s transaction over once it has committed. The caller's
   * answer does not wait for the hand-over: it never fails (the reconciler covers a queue that
   * is down), so it would only add a Redis round trip to the answer.
   */
  handOverAfterCommit(manager: EntityManager, queued: QueuedDelivery[]): void {
    if (queued.length > 0) afterCommit(manager, () => void this.handOver(queued));
  }

  /** Queues push deliveries and wakes pull receivers; never throws (Postgres already has them). */
  async handOver(queued: QueuedDelivery[]): Promise<void> {
    if (queued.length === 0) return;
    const pullGroups = queued.filter((d) => d.deliveryType === 'pull').map((d) => d.consumerGroup);
    try {
      await Promise.all([this.pushQueue.enqueue(queued), this.notifier.notify(pullGroups)]);
    } catch (error) {
      this.logger.warn({
        msg: 'could not queue deliveries; the reconciler will',
        deliveries: queued.length,
        error: String(error),
      });
    }
  }
}
