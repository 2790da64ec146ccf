// Postgres is the source of truth (G2): on one `dispatch` instance at a time, the reconciler
// expires leases that ran out (dead push workers, unacknowledged pull receives) and, when no job
// is waiting for a worker, hands overdue push deliveries back to the queue — a Redis flush or
// restart loses queue jobs, never deliveries. Claims are conditional, so a job queued twice
// delivers once.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { PeriodicJob } from '../../infra/database/periodic-task';
import { DeliveriesRepository } from '../dispatch/deliveries.repository';
import { reconciledTotal } from '../delivery.metrics';
import { DispatchService } from '../dispatch/dispatch.service';
import { PushQueue } from '../dispatch/push-queue';
import { CircuitBreaker } from '../controls/circuit-breaker';

const OVERDUE_BATCH = 5000;

@Injectable()
export class ReconcilerJob extends PeriodicJob {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly deliveries: DeliveriesRepository,
    private readonly dispatch: DispatchService,
    private readonly pushQueue: PushQueue,
    private readonly circuits: CircuitBreaker,
  ) {
    super(dataSource, config.hasRole('dispatch'), 'delivery-reconciler', config.delivery.reconcileIntervalMs);
  }

  run(): Promise<void> {
    return this.reconcile(this.config.delivery.reconcileIntervalMs);
  }

  /** One round; `graceMs` is how long a due delivery may wait in the queue before it is re-queued. */
  async reconcile(graceMs: number): Promise<void> {
    const expired = await this.deliveries.expireLeases();
    if (expired.length > 0) {
      reconciledTotal.inc({ reason: 'lease_expired' }, expired.length);
      await this.dispatch.handOver(expired);
    }
    await this.circuits.probe();
    // While jobs wait for a worker, overdue deliveries are most likely among them (a backlog):
    // queuing them again would only add duplicate work. A lost job is queued again once the
    // queue has drained.
    if ((await this.pushQueue.waitingJobs()) > 0) return;
    const overdue = await this.deliveries.overduePush(graceMs, OVERDUE_BATCH);
    if (overdue.length > 0) {
      reconciledTotal.inc({ reason: 'overdue' }, overdue.length);
      await this.pushQueue.enqueue(overdue);
    }
  }
}
