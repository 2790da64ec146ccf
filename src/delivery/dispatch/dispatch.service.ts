// Dispatch (SPEC §7, G1/G2): a commit records its deliveries in Postgres in the same database
// transaction (the statement that commits the messages creates them, `insertDeliveriesSql`);
// once committed they are handed to the push queue or announced to pull receivers.
// If that hand-over fails the deliveries are still in Postgres and the reconciler re-queues them.
import { Injectable, Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
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
   * Hands deliveries written through `db` over once they have committed: after `db`'s transaction,
   * or now for a statement run on a DataSource. The caller's answer does not wait for the
   * hand-over: it never fails (the reconciler covers a queue that is down), so it would only add a
   * Redis round trip to the answer.
   */
  handOverAfterCommit(db: DataSource | EntityManager, queued: QueuedDelivery[]): void {
    if (queued.length > 0) afterCommit(db, () => void this.handOver(queued));
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
