import type { DataSource } from 'typeorm';
import { queryRows } from './sql';

/**
 * pg-boss style: every instance may ask, but a periodic task runs on the one whose UPDATE finds
 * its last run at least `intervalMs` ago; the others skip this round.
 */
export async function claimPeriodicRun(
  db: DataSource,
  name: string,
  intervalMs: number,
  owner: string,
): Promise<boolean> {
  const rows = await queryRows(
    db,
    `INSERT INTO periodic_tasks (name, last_run_at, last_owner) VALUES ($1, now(), $2)
     ON CONFLICT (name) DO UPDATE SET last_run_at = now(), last_owner = $2
       WHERE periodic_tasks.last_run_at <= now() - make_interval(secs => $3 / 1000.0)
     RETURNING name`,
    [name, owner, intervalMs * 0.9],
  );
  return rows.length > 0;
}
