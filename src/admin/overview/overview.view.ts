// What the console's overview answers (SPEC §10): totals, per-group health and per-minute series.
import { type GroupBacklogView } from '../../consumer-groups/consumer-group.view';

export class OpenTransactionTotalsView {
  prepared: number;
  stuck: number;
  oldestPreparedAgeSeconds: number | null;
  checksFailed1h: number;
}

export class MessageTotalsView {
  committed1h: number;
  delivered1h: number;
  deadLetters: number;
}

export class CheckbackHealth1hView {
  checks1h: number;
  failed1h: number;
  successRate: number | null;
}

export class LastCheckErrorView {
  at: string;
  error: string | null;
  httpStatus: number | null;
}

export class ProducerGroupSummaryView {
  name: string;
  prepared: number;
  stuck: number;
  checkbackHealth: CheckbackHealth1hView;
  lastError: LastCheckErrorView | null;
}

/** Per-minute counts of the last hour, oldest first, from `from`. */
export class ActivitySeriesView {
  bucketSeconds: number;
  from: string;
  committed: number[];
  delivered: number[];
  checksFailed: number[];
  deadLettered: number[];
}

export class OverviewView {
  generatedAt: string;
  transactions: OpenTransactionTotalsView;
  messages: MessageTotalsView;
  producerGroups: ProducerGroupSummaryView[];
  consumerGroups: GroupBacklogView[];
  series: ActivitySeriesView;
}
