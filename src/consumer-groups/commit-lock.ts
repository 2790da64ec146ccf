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

/**
 * Ordered groups deliver a key in commit-sequence order (G4), which must then be the order in
 * which those commits become visible: a commit that took a lower number but ended later would let
 * the next message of its key start first, and then run beside it. So a commit holds one lock per
 * (topic, sharding key) of its messages, taken after the commit lock and before its numbers, until
 * it ends: commits of one key take their numbers one after the other; other keys never wait.
 */
const KEY_LOCK_CLASS = 0x74786b79; // "txky"

/**
 * A CTE `key_locks` (one row) that takes the key locks, in a fixed order, of the (topic,
 * sharding_key) rows that `keys` (a FROM item with those columns) yields; it needs `commit_lock`.
 */
export const keyLocksCte = (keys: string) => `key_locks AS (
         SELECT count(pg_advisory_xact_lock(${KEY_LOCK_CLASS}, hashtext(k.topic || E'\\n' || k.sharding_key)))
           FROM (SELECT DISTINCT topic, sharding_key FROM ${keys} WHERE sharding_key IS NOT NULL ORDER BY 1, 2) k,
                commit_lock
       )`;
