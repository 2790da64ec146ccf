import type { AdminTransactionRow, StuckSummaryRow } from './admin-transactions.repository';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** A PREPARED or STUCK transaction as the admin list shows it (SPEC §10). */
export function toAdminTransaction(row: AdminTransactionRow, now = new Date()) {
  return {
    id: row.id,
    producerGroup: row.producer_group,
    state: row.state,
    createdAt: row.created_at.toISOString(),
    ageSeconds: Math.max(0, Math.floor((now.getTime() - row.created_at.getTime()) / 1000)),
    checks: row.checks,
    nextCheckAt: iso(row.next_check_at),
    lastCheck: row.last_at
      ? {
          at: row.last_at.toISOString(),
          outcome: row.last_outcome,
          ...(row.last_http_status !== null && { httpStatus: row.last_http_status }),
          ...(row.last_error !== null && { error: row.last_error }),
        }
      : null,
    messages: row.messages,
  };
}

export const toStuckSummary = (row: StuckSummaryRow) => ({
  producerGroup: row.producer_group,
  state: row.state,
  lastError: row.last_error,
  count: row.count,
  oldestAt: row.oldest_at.toISOString(),
  newestAt: row.newest_at.toISOString(),
  lastCheckAt: iso(row.last_check_at),
});

/** After a recheck: the transaction as it is now, and whether the check was sent and recorded in time. */
export const toRecheckResult = (row: AdminTransactionRow, checked: boolean) => ({
  ...toAdminTransaction(row),
  resolvedAt: iso(row.resolved_at),
  resolvedBy: row.resolved_by,
  checked,
});
