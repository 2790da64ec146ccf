import { Module } from '@nestjs/common';
import { PartitionsJob } from './partitions.job';
import { RetentionJob } from './retention.job';
import { RetentionRepository } from './retention.repository';

/** Periodic housekeeping run by instances with the `maintenance` role. */
@Module({ providers: [RetentionRepository, RetentionJob, PartitionsJob] })
export class MaintenanceModule {}
