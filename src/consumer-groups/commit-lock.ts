import type { EntityManager } from 'typeorm';
import { queryRows } from '../infra/database/sql';

/**
 * "Messages committed after the group (or broadcast member) was created" must split commits
 * cleanly: a commit holds this advisory lock shared from before it takes commit sequence numbers
 * until it ends, and creating a group or member holds it exclusively while it reads the current
 * sequence. So every commit either precedes the start point or sees the new group.
 */
const COMMIT_LOCK_KEY = 0x74786d73; // "txms"

/** For a statement that takes commit sequence numbers itself: a CTE that holds the lock shared. */
export const COMMIT_LOCK_SHARED_CTE = `commit_lock AS (SELECT pg_advisory_xact_lock_shared(${COMMIT_LOCK_KEY}))`;

/** Takes the lock exclusively and returns the last commit sequence number handed out. */
export async function holdCommitLockAndReadSeq(manager: EntityManager): Promise<string> {
  await queryRows(manager, `SELECT pg_advisory_xact_lock($1)`, [COMMIT_LOCK_KEY]);
  const [row] = await queryRows<{ seq: string }>(
    manager,
    `SELECT (CASE WHEN is_called THEN last_value ELSE 0 END)::text AS seq FROM message_commit_seq`,
  );
  return row.seq;
}
