// A deterministic signal for "nothing more happens": the reconciler is the only thing that sends a
// delivery again on its own, and every round it runs is recorded in periodic_tasks.
import type { Pool } from 'pg';
import { expectEventually } from './eventually';

const lastRun = async (db: Pool): Promise<number> => {
  const { rows } = await db.query<{ at: Date }>(
    `SELECT last_run_at AS at FROM periodic_tasks WHERE name = 'delivery-reconciler'`,
  );
  return rows[0]?.at.getTime() ?? 0;
};

/** Resolves once the reconciler has finished starting `rounds` more rounds (on any instance). */
export async function afterReconcilerRounds(db: Pool, rounds = 2, timeoutMs = 15_000): Promise<void> {
  let seen = await lastRun(db);
  let left = rounds;
  await expectEventually(async () => {
    const now = await lastRun(db);
    if (now > seen) {
      seen = now;
      left--;
    }
    expect(left).toBeLessThanOrEqual(0);
  }, timeoutMs);
}
