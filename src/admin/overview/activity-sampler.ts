// Samples the commit sequence and the groups' ack counters every few seconds (on one
// `maintenance` instance at a time), so the overview's series cost nothing on the hot path.
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { PeriodicTask } from '../../infra/database/periodic-task';
import { OverviewRepository } from './overview.repository';

const SAMPLE_INTERVAL_MS = 5000;

@Injectable()
export class ActivitySampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly config: AppConfig,
    repository: OverviewRepository,
  ) {
    this.task = new PeriodicTask(dataSource, 'activity-sampler', SAMPLE_INTERVAL_MS, () =>
      repository.sampleActivity(),
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.hasRole('maintenance')) this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }
}
