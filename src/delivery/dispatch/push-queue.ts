// Producer side of the push queue. A job carries the attempts one hand-over made for one group
// (a commit of many messages is one job, a retry is a job of one), so queue overhead is paid per
// commit rather than per message. Job ids are deterministic (`<first delivery id>.<attempt>`),
// so handing the same attempts over twice queues them once. A job due now runs in this process
// instead when it also pushes and has room (`LocalPush`).
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { PushJobName, QueueName } from '../../infra/queue/queue-names';
import { createRedis } from '../../infra/redis/redis.module';
import type { QueuedDelivery } from './deliveries.repository';
import { LocalPush } from './local-push';
import type { DeliverJobData } from './push-job';
import { pushHandOversTotal } from './hand-over.metrics';

const MAX_ATTEMPTS_PER_JOB = 100;

/** A queue job for `data`: its id is its first attempt's, so the same attempts queue once. */
const queueJob = (data: DeliverJobData, delay = 0) => {
  const [first] = data.attempts;
  return { name: PushJobName.Deliver, data, opts: { jobId: `${first.deliveryId}.${first.attempt}`, delay } };
};

@Injectable()
export class PushQueue implements OnApplicationShutdown {
  private readonly logger = new Logger('push-queue');
  private readonly connection;
  private readonly queue: Queue<DeliverJobData>;

  constructor(
    config: AppConfig,
    private readonly local: LocalPush,
  ) {
    // Fail fast while Redis is down: Postgres holds the delivery and the reconciler re-queues it.
    this.connection = createRedis(config, { maxRetriesPerRequest: 1 });
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
    const byGroupAndDelay = new Map<string, QueuedDelivery[]>();
    for (const delivery of deliveries) {
      if (delivery.deliveryType !== 'push') continue;
      const key = `${delivery.consumerGroup}\n${delivery.delayMs}`;
      const list = byGroupAndDelay.get(key);
      if (list) list.push(delivery);
      else byGroupAndDelay.set(key, [delivery]);
    }
    const jobs = [...byGroupAndDelay.values()]
      .flatMap((list) => chunk(list, MAX_ATTEMPTS_PER_JOB))
      .map((batch) =>
        queueJob(
          {
            group: batch[0].consumerGroup,
            attempts: batch.map((delivery) => ({ deliveryId: delivery.id, attempt: delivery.attempt })),
          },
          batch[0].delayMs,
        ),
      );
    const queued = jobs.filter((job) => job.opts.delay > 0 || !this.local.tryRun(job.data, this.requeue));
    pushHandOversTotal.inc({ path: 'local' }, jobs.length - queued.length);
    if (queued.length === 0) return;
    await this.queue.addBulk(queued);
    pushHandOversTotal.inc({ path: 'queue' }, queued.length);
  }

  /** A job that failed here goes to the queue, which retries it; failing that, the reconciler. */
  private readonly requeue = (job: DeliverJobData, error: unknown): void => {
    this.logger.warn({ msg: 'push job failed here; queueing it', group: job.group, error: String(error) });
    const { name, data, opts } = queueJob(job);
    this.queue
      .add(name, data, opts)
      .catch((queueError: unknown) =>
        this.logger.warn({ msg: 'could not queue it; the reconciler will', error: String(queueError) }),
      );
  };

  /** Jobs queued and waiting for a worker (not delayed, not being worked on). */
  async waitingJobs(): Promise<number> {
    return this.queue.getJobCountByTypes('waiting', 'prioritized');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}
