// Samples the commit sequence and the groups' ack counters every few seconds (on one
// `maintenance` instance at a time), so the overview's series cost nothing on the hot path.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { PeriodicJob } from '../../infra/database/periodic-task';
import { OverviewRepository } from './overview.repository';

const SAMPLE_INTERVAL_MS = 5000;

@Injectable()
export class ActivitySamplerJob extends PeriodicJob {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    config: AppConfig,
    private readonly repository: OverviewRepository,
  ) {
    super(dataSource, config.hasRole('maintenance'), 'activity-sampler', SAMPLE_INTERVAL_MS);
  }

  run(): Promise<void> {
    return this.repository.sampleActivity();
  }
}
