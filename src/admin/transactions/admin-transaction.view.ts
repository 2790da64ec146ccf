import type { AdminTransactionRow, StuckSummaryRow } from './admin-transactions.repository';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A PREPARED or STUCK transaction as the admin list shows it (SPEC §10). */
export function toAdminTransaction(row: AdminTransactionRow, now = new Date()) {
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

export const toStuckSummary = (row: StuckSummaryRow) => ({
  producerGroup: row.producerGroup,
  state: row.state,
  lastError: row.lastError,
  count: row.count,
  oldestAt: row.oldestAt.toISOString(),
  newestAt: row.newestAt.toISOString(),
  lastCheckAt: iso(row.lastCheckAt),
});

/** After a recheck: the transaction as it is now, and whether the check was sent and recorded in time. */
export const toRecheckResult = (row: AdminTransactionRow, checked: boolean) => ({
  ...toAdminTransaction(row),
  resolvedAt: iso(row.resolvedAt),
  resolvedBy: row.resolvedBy,
  checked,
});
