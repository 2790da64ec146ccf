// Storage windows (docs/operations.md, "Storage and retention"): on one `maintenance` instance at a time, keeps windows
// created two widths ahead and reclaims those older than the retention, whole or compacted.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { inTransactionOf } from '../infra/database/migrate';
import { createWindowsAhead, reclaimWindows } from '../infra/database/partitions';
import { PeriodicJob } from '../infra/database/periodic-task';
import { registry } from '../observability/metrics';

const windowsTotal = new Counter({
  name: 'txmsg_storage_windows_total',
  help: 'Storage windows by what happened to them: created, dropped, compacted, held (rows still to keep), busy (lock not granted at once), failed',
  labelNames: ['action'] as const,
  registers: [registry],
});

@Injectable()
export class PartitionsJob extends PeriodicJob {
  private readonly logger = new Logger('partitions');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    super(dataSource, config.hasRole('maintenance'), 'partitions', config.retentionIntervalMs);
  }

  async run(): Promise<void> {
    const inTransaction = inTransactionOf(this.dataSource);
    const widthMs = this.config.partitionMinutes * 60_000;
    const created = await createWindowsAhead(inTransaction, { widthMs, aheadMs: 2 * widthMs });
    windowsTotal.inc({ action: 'created' }, created.length);
    const results = await reclaimWindows(inTransaction, { retentionMinutes: this.config.retentionMinutes });
    for (const { window, action, kept, error, lockedMs } of results) {
      windowsTotal.inc({ action });
      const detail = {
        msg: `storage window ${action}`,
        from: new Date(window.fromMs),
        kept,
        lockedMs,
        error,
      };
      if (action === 'failed') this.logger.warn(detail);
      else if (action === 'compacted' || action === 'dropped') this.logger.log(detail);
    }
  }
}
