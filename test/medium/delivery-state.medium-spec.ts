// The dead-or-retry rule exists once (delivery-state.ts) and is used in TypeScript (push
// outcomes, pull nacks) and in SQL (leases that ran out). Both paths must agree everywhere.
import { isOutOfRetries, outOfRetriesSql } from '../../src/delivery/delivery-state';
import { afterFailure } from '../../src/delivery/retries/retry-policy';
import { useTestDatabase } from '../support/test-database';

describe('delivery state: the SQL and TypeScript paths agree', () => {
  const db = useTestDatabase();

  it('dead-letters exactly when no retries are left, for every attempt and maxRetries', async () => {
    const rows = await db.sql<{ attempts: number; max_retries: number; dead: boolean }>(
      `SELECT a AS attempts, m AS max_retries, ${outOfRetriesSql('a', 'm')} AS dead
         FROM generate_series(0, 20) a, generate_series(0, 16) m`,
    );
    expect(rows).toHaveLength(21 * 17);
    const disagreements = rows.filter(
      (row) =>
        row.dead !== isOutOfRetries(row.attempts, row.max_retries) ||
        row.dead !== (afterFailure(row.attempts, row.max_retries, [1], null).state === 'dead'),
    );
    expect(disagreements).toEqual([]);
    // The edge: with maxRetries 2, the 2nd failed attempt is retried and the 3rd is dead.
    expect(
      rows.filter((r) => r.max_retries === 2 && r.attempts >= 1 && r.attempts <= 3).map((r) => r.dead),
    ).toEqual([false, false, true]);
  });
});
