// The transaction barrier (the DTM barrier idea) in the producer's own database: one row per txmsg
// transaction, written by whichever comes first — the producer's local transaction ("committed",
// inside that very transaction) or the check-back handler ("rolled_back", on its own). The primary
// key makes the second writer wait for the first and then lose, so the check-back's answer always
// agrees with what the local transaction did.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Anything that runs SQL with $1 parameters: a pg Pool/Client, a TypeORM QueryRunner, Knex, Prisma. */
export type Query = (sql: string, params?: unknown[]) => Promise<unknown>;

/** The barrier table: `sql/txmsg_barrier.sql` in this package; apply it once, or call `createBarrierTable`. */
export const BARRIER_TABLE_SQL = readFileSync(join(__dirname, '../sql/txmsg_barrier.sql'), 'utf8');

export async function createBarrierTable(query: Query): Promise<void> {
  await query(BARRIER_TABLE_SQL);
}

/**
 * Inside the local transaction, before its work: marks the transaction committed. When the
 * check-back got there first (and answered ROLLBACK) this fails, and so does the local transaction.
 */
export async function recordCommitted(query: Query, transactionId: string): Promise<void> {
  try {
    await query(`INSERT INTO txmsg_barrier (transaction_id, outcome) VALUES ($1, 'committed')`, [
      transactionId,
    ]);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new BarrierClosedError(transactionId);
    throw error;
  }
}

/**
 * The check-back's answer, on its own connection (not in a transaction): COMMIT when the local
 * transaction committed its barrier row; otherwise its own "rolled_back" row wins — a local
 * transaction still running is waited for, one that never ran can no longer commit — and the
 * answer is ROLLBACK.
 */
export async function decideFromBarrier(query: Query, transactionId: string): Promise<'COMMIT' | 'ROLLBACK'> {
  const inserted = rowsOf(
    await query(
      `INSERT INTO txmsg_barrier (transaction_id, outcome) VALUES ($1, 'rolled_back')
       ON CONFLICT (transaction_id) DO NOTHING RETURNING outcome`,
      [transactionId],
    ),
  );
  if (inserted.length > 0) return 'ROLLBACK';
  const [row] = rowsOf(
    await query(`SELECT outcome FROM txmsg_barrier WHERE transaction_id = $1`, [transactionId]),
  );
  return (row as { outcome?: string } | undefined)?.outcome === 'committed' ? 'COMMIT' : 'ROLLBACK';
}

/** The local transaction lost the race: the check-back had already answered ROLLBACK. */
export class BarrierClosedError extends Error {
  constructor(readonly transactionId: string) {
    super(`transaction ${transactionId} was rolled back by its check-back before the local work began`);
    this.name = 'BarrierClosedError';
  }
}

function rowsOf(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  const rows = (result as { rows?: unknown } | null)?.rows;
  return Array.isArray(rows) ? rows : [];
}
