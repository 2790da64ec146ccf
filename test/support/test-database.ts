// For medium specs: a database of its own, cloned from the migrated template, with storage windows
// of ten minutes up to an hour ahead, and a query helper.
import type { Pool } from 'pg';
import { createWindowsAhead, type InTransaction } from '../../src/infra/database/partitions';
import { createTestEnv, type TestEnv } from './test-env';

export const TEST_WINDOW_MS = 10 * 60_000;

export interface TestDatabase {
  env: TestEnv;
  sql: <T = any>(text: string, params?: unknown[]) => Promise<T[]>;
  /** Runs partition maintenance in a transaction of its own. */
  inTransaction: InTransaction;
}

/** Registers beforeAll/afterAll hooks; use the fields inside tests, once beforeAll has run. */
export function useTestDatabase(): TestDatabase {
  const database = {
    sql: async (text: string, params: unknown[] = []) => (await database.env.db.query(text, params)).rows,
    inTransaction: (work) => inTransactionOn(database.env.db, work),
  } as TestDatabase;
  beforeAll(async () => {
    database.env = await createTestEnv();
    await createWindowsAhead(database.inTransaction, {
      widthMs: TEST_WINDOW_MS,
      aheadMs: 6 * TEST_WINDOW_MS,
    });
  });
  afterAll(() => database.env?.close());
  return database;
}

async function inTransactionOn<T>(db: Pool, work: Parameters<InTransaction>[0]): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(async (text, params = []) => (await client.query(text, params)).rows);
    await client.query('COMMIT');
    return result as T;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
