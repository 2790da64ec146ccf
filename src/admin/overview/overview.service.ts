// The admin overview (SPEC §10): headline figures, per-group health and backlog, and per-minute
// series for the last hour, read from indexes and samples so it answers fast at any data size.
import type { OverviewView, ProducerGroupSummaryView } from './overview.view';
import { Injectable } from '@nestjs/common';
import { ConsumerGroupsService } from '../../consumer-groups/consumer-groups.service';
import { BUCKET_SECONDS, countsPerMinute, incrementsPerMinute, seriesStart } from './activity-series';
import {
  OverviewRepository,
  type OpenTransactionsRow,
  type ProducerGroupHealthRow,
} from './overview.repository';

export type Overview = OverviewView;

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const ageSeconds = (since: Date, now: Date) =>
  Math.max(0, Math.floor((now.getTime() - since.getTime()) / 1000));

@Injectable()
export class OverviewService {
  constructor(
    private readonly repository: OverviewRepository,
    private readonly consumerGroups: ConsumerGroupsService,
  ) {}

  async overview(): Promise<OverviewView> {
    const now = new Date();
    const from = seriesStart(now);
    const [open, health, backlog, samples, checksFailed, deadLettered] = await Promise.all([
      this.repository.openTransactions(),
      this.repository.producerGroupHealth(),
      this.consumerGroups.backlogOfAll(),
      this.repository.activitySamples(from),
      this.repository.checksFailedPerMinute(from),
      this.repository.deadLetteredPerMinute(from),
    ]);
    const series = {
      bucketSeconds: BUCKET_SECONDS,
      from: from.toISOString(),
      committed: incrementsPerMinute(from, samples, 'commitSeq'),
      delivered: incrementsPerMinute(from, samples, 'ackedTotal'),
      checksFailed: countsPerMinute(from, checksFailed),
      deadLettered: countsPerMinute(from, deadLettered),
    };
    const prepared = open.filter((row) => row.state === 'PREPARED');
    const oldestPrepared = prepared.reduce<Date | null>(
      (oldest, row) => (oldest === null || row.oldest < oldest ? row.oldest : oldest),
      null,
    );
    return {
      generatedAt: now.toISOString(),
      transactions: {
        prepared: sum(prepared.map((row) => row.n)),
        stuck: sum(open.filter((row) => row.state === 'STUCK').map((row) => row.n)),
        oldestPreparedAgeSeconds: oldestPrepared ? ageSeconds(oldestPrepared, now) : null,
        checksFailed1h: sum(series.checksFailed),
      },
      messages: {
        committed1h: sum(series.committed),
        delivered1h: sum(series.delivered),
        deadLetters: sum(backlog.map((group) => group.deadLetters)),
      },
      producerGroups: health.map((row) => toProducerGroupSummary(row, open)),
      consumerGroups: backlog,
      series,
    };
  }
}

function toProducerGroupSummary(
  row: ProducerGroupHealthRow,
  open: OpenTransactionsRow[],
): ProducerGroupSummaryView {
  const count = (state: OpenTransactionsRow['state']) =>
    open.find((o) => o.producerGroup === row.name && o.state === state)?.n ?? 0;
  return {
    name: row.name,
    prepared: count('PREPARED'),
    stuck: count('STUCK'),
    checkbackHealth: {
      checks1h: row.checks,
      failed1h: row.failed,
      successRate: row.checks > 0 ? (row.checks - row.failed) / row.checks : null,
    },
    lastError: row.errorAt
      ? { at: row.errorAt.toISOString(), error: row.error, httpStatus: row.httpStatus }
      : null,
  };
}
