// Runs push jobs from BullMQ on instances with the `push` role; closing waits for in-flight pushes.
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { PushJobName, QueueName } from '../../infra/queue/queue-names';
import { createRedis } from '../../infra/redis/redis.module';
import { PushDeliveryService } from './push-delivery.service';
import type { DeliverJobData } from '../dispatch/push-queue';

@Injectable()
export class PushDeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('push-worker');
  private worker?: Worker<DeliverJobData>;
  private connection?: Redis;

  constructor(
    private readonly config: AppConfig,
    private readonly push: PushDeliveryService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.hasRole('push')) return;
    this.connection = createRedis(this.config);
    this.worker = new Worker<DeliverJobData>(QueueName.Push, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.config.redisPrefix,
      concurrency: this.config.delivery.pushConcurrency,
    });
    this.worker.on('error', (error) => this.logger.warn({ msg: 'push worker error', error: String(error) }));
    this.worker.on('failed', (job, error) =>
      this.logger.warn({ msg: 'push job failed', jobId: job?.id, error: String(error) }),
    );
  }

  process(job: Job<DeliverJobData>): Promise<void> {
    switch (job.name) {
      case PushJobName.Deliver:
        return this.push.deliver(job.data);
      default:
        throw new UnrecoverableError(`unknown push job '${job.name}'`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}
