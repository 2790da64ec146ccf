import type { AdminTransactionRow, StuckSummaryRow } from './admin-transactions.repository';

export class LastCheckView {
  at: string;
  outcome: string | null;
  httpStatus?: number;
  error?: string;
}

export class OpenMessageView {
  id: string;
  topic: string;
  key: string | null;
  tag: string | null;
}

export class AdminTransactionView {
  id: string;
  producerGroup: string;
  state: string;
  createdAt: string;
  ageSeconds: number;
  checks: number;
  nextCheckAt: string | null;
  lastCheck: LastCheckView | null;
  messages: OpenMessageView[];
}

export class StuckSummaryView {
  producerGroup: string;
  state: 'PREPARED' | 'STUCK';
  lastError: string | null;
  count: number;
  oldestAt: string;
  newestAt: string;
  lastCheckAt: string | null;
}

export class RecheckView extends AdminTransactionView {
  resolvedAt: string | null;
  resolvedBy: string | null;
  /** Whether the check was sent and recorded before the answer (false: it took too long). */
  checked: boolean;
}

export class BulkFailureView {
  id: string;
  error: string;
  message: string;
}

export class BulkResultView {
  matched: number;
  succeeded: number;
  failed: BulkFailureView[];
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A PREPARED or STUCK transaction as the admin list shows it (SPEC §10). */
export function toAdminTransaction(row: AdminTransactionRow, now = new Date()): AdminTransactionView {
  return {
    id: row.id,
    producerGroup: row.producerGroup,
    state: row.state,
    createdAt: row.createdAt.toISOString(),
    ageSeconds: Math.max(0, Math.floor((now.getTime() - row.createdAt.getTime()) / 1000)),
    checks: row.checks,
    nextCheckAt: iso(row.nextCheckAt),
    lastCheck: row.lastAt
      ? {
          at: row.lastAt.toISOString(),
          outcome: row.lastOutcome,
          ...(row.lastHttpStatus !== null && { httpStatus: row.lastHttpStatus }),
          ...(row.lastError !== null && { error: row.lastError }),
        }
      : null,
    messages: row.messages,
  };
}

export const toStuckSummary = (row: StuckSummaryRow): StuckSummaryView => ({
  producerGroup: row.producerGroup,
  state: row.state,
  lastError: row.lastError,
  count: row.count,
  oldestAt: row.oldestAt.toISOString(),
  newestAt: row.newestAt.toISOString(),
  lastCheckAt: iso(row.lastCheckAt),
});

/** After a recheck: the transaction as it is now, and whether the check was sent and recorded in time. */
export const toRecheckResult = (row: AdminTransactionRow, checked: boolean): RecheckView => ({
  ...toAdminTransaction(row),
  resolvedAt: iso(row.resolvedAt),
  resolvedBy: row.resolvedBy,
  checked,
});
