// For medium specs: a database of its own, cloned from the migrated template, and a query helper.
import { createTestEnv, type TestEnv } from './test-env';

export interface TestDatabase {
  env: TestEnv;
  sql: <T = any>(text: string, params?: unknown[]) => Promise<T[]>;
}

/** Registers beforeAll/afterAll hooks; use the fields inside tests, once beforeAll has run. */
export function useTestDatabase(): TestDatabase {
  const database = {
    sql: async (text: string, params: unknown[] = []) => (await database.env.db.query(text, params)).rows,
  } as TestDatabase;
  beforeAll(async () => {
    database.env = await createTestEnv();
  });
  afterAll(() => database.env?.close());
  return database;
}
