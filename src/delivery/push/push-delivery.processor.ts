// Runs push jobs on instances with the `push` role: from BullMQ, and those this instance's own
// commits hand over directly (`LocalPush`). Closing waits for in-flight pushes of both.
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
import type { DeliverJobData } from '../dispatch/push-job';
import { LocalPush } from '../dispatch/local-push';

@Injectable()
export class PushDeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('push-worker');
  private worker?: Worker<DeliverJobData>;
  private connection?: Redis;

  constructor(
    private readonly config: AppConfig,
    private readonly push: PushDeliveryService,
    private readonly local: LocalPush,
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
    this.local.attach((data) => this.push.deliver(data));
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
    await this.local.detach();
    await this.worker?.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }
}
