import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows, queryThroughIndexes } from '../../infra/database/sql';
import { OVERVIEW_SQL } from './overview.sql';

export interface OpenTransactionsRow {
  producerGroup: string;
  state: 'PREPARED' | 'STUCK';
  n: number;
  oldest: Date;
}

export interface ProducerGroupHealthRow {
  name: string;
  checks: number;
  failed: number;
  errorAt: Date | null;
  error: string | null;
  httpStatus: number | null;
}

/** `minute` is null for the live values read now. */
export interface ActivitySampleRow {
  minute: Date | null;
  commitSeq: string;
  ackedTotal: string;
}

export interface MinuteCountRow {
  minute: Date;
  n: number;
}

@Injectable()
export class OverviewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  openTransactions(): Promise<OpenTransactionsRow[]> {
    return queryThroughIndexes(this.dataSource, OVERVIEW_SQL.openTransactions);
  }

  producerGroupHealth(): Promise<ProducerGroupHealthRow[]> {
    return queryRows(this.dataSource, OVERVIEW_SQL.producerGroupHealth);
  }

  activitySamples(from: Date): Promise<ActivitySampleRow[]> {
    return queryRows(this.dataSource, OVERVIEW_SQL.activitySamples, [from]);
  }

  checksFailedPerMinute(from: Date): Promise<MinuteCountRow[]> {
    return queryRows(this.dataSource, OVERVIEW_SQL.checksFailedPerMinute, [from]);
  }

  deadLetteredPerMinute(from: Date): Promise<MinuteCountRow[]> {
    return queryRows(this.dataSource, OVERVIEW_SQL.deadLetteredPerMinute, [from]);
  }

  /**
   * Keeps the last values seen in the current minute: the commit sequence (one number per
   * committed message) and the sum of the groups' ack counters. Samples older than a day go.
   */
  async sampleActivity(): Promise<void> {
    await queryRows(
      this.dataSource,
      `WITH sampled AS (
         INSERT INTO activity_samples (minute, commit_seq, acked_total, sampled_at)
         SELECT date_trunc('minute', now()), coalesce(pg_sequence_last_value('message_commit_seq'), 0),
                coalesce((SELECT sum(acked_total) FROM consumer_groups), 0), now()
         ON CONFLICT (minute) DO UPDATE
           SET commit_seq = EXCLUDED.commit_seq, acked_total = EXCLUDED.acked_total, sampled_at = now()
       )
       DELETE FROM activity_samples WHERE minute < now() - interval '1 day'`,
    );
  }
}
