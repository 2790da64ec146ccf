// Producer side of the push queue: one BullMQ job per delivery attempt, with a deterministic id
// (`<delivery id>.<attempt>`) so handing the same attempt over twice queues it once.
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { PushJobName, QueueName } from '../infra/queue/queue-names';
import { createRedis } from '../infra/redis/redis.module';
import type { QueuedDelivery } from './deliveries.repository';

export interface DeliverJobData {
  deliveryId: string;
  attempt: number;
  group: string;
}

export const pushJobId = (deliveryId: string, attempt: number) => `${deliveryId}.${attempt}`;

@Injectable()
export class PushQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('push-queue');
  private readonly connection;
  readonly queue: Queue<DeliverJobData>;

  constructor(config: AppConfig) {
    // Fail fast while Redis is down: Postgres holds the delivery and the reconciler re-queues it.
    this.connection = createRedis(config, { maxRetriesPerRequest: 1 });
    this.connection.on('error', () => undefined);
    this.queue = new Queue<DeliverJobData>(QueueName.Push, {
      connection: this.connection,
      prefix: config.redisPrefix,
      defaultJobOptions: {
        // Completed and failed jobs are dropped so a later hand-over of the same id is not ignored;
        // the record of every attempt lives in Postgres.
        removeOnComplete: true,
        removeOnFail: true,
        // Retries of the job itself cover infrastructure errors (Postgres unreachable), not
        // consumer failures, which are scheduled as new attempts.
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
      },
    });
    this.queue.on('error', (error) => this.logger.warn({ msg: 'push queue error', error: String(error) }));
  }

  /** Queues push deliveries; pull deliveries in `deliveries` are skipped. */
  async enqueue(deliveries: QueuedDelivery[]): Promise<void> {
    const push = deliveries.filter((delivery) => delivery.delivery_type === 'push');
    if (push.length === 0) return;
    await this.queue.addBulk(
      push.map((delivery) => ({
        name: PushJobName.Deliver,
        data: { deliveryId: delivery.id, attempt: delivery.attempt, group: delivery.consumer_group },
        opts: { jobId: pushJobId(delivery.id, delivery.attempt), delay: delivery.delay_ms },
      })),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
