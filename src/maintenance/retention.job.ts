// Retention of the small tables (TXMSG_RETENTION_HOURS, or TXMSG_RETENTION_MINUTES): on one
// `maintenance` instance at a time, deletes idempotency keys and audit entries older than the
// retention, in bounded batches. Messages and everything hanging off them go by storage window
// (PartitionsJob).
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { AuditRepository } from '../audit/audit.repository';
import { AppConfig } from '../config/app-config';
import { PeriodicJob } from '../infra/database/periodic-task';
import { registry } from '../observability/metrics';
import { RetentionRepository } from './retention.repository';

const BATCH = 1000;
/** Per run and kind; what is left waits for the next run. */
const MAX_BATCHES = 50;

const deletedTotal = new Counter({
  name: 'txmsg_retention_deleted_total',
  help: 'Rows deleted by retention, by kind',
  labelNames: ['kind'] as const,
  registers: [registry],
});

@Injectable()
export class RetentionJob extends PeriodicJob {
  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly retention: RetentionRepository,
    private readonly audit: AuditRepository,
  ) {
    super(dataSource, config.hasRole('maintenance'), 'retention', config.retentionIntervalMs);
  }

  async run(): Promise<void> {
    const minutes = this.config.retentionMinutes;
    const kinds = [
      ['idempotency_keys', (limit: number) => this.retention.deleteIdempotencyKeys(minutes, limit)],
      ['audit_log', (limit: number) => this.audit.deleteOlderThan(minutes, limit)],
    ] as const;
    for (const [kind, deleteBatch] of kinds) {
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        const deleted = await deleteBatch(BATCH);
        deletedTotal.inc({ kind }, deleted);
        if (deleted < BATCH) break;
      }
    }
  }
}
