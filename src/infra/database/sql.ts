import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs raw SQL and always returns the rows. (TypeORM's postgres driver returns
 * `[rows, rowCount]` for UPDATE and DELETE but plain rows otherwise.)
 */
export async function queryRows<T>(
  runner: DataSource | EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result: unknown = await runner.query(sql, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

/**
 * Runs a hot-path statement as a named prepared statement: each connection parses and plans it
 * once instead of on every call (planning the delivery statements cost more than running them).
 * `name` must be unique per SQL text.
 */
export async function queryPrepared<T>(
  runner: DataSource | EntityManager,
  name: string,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const result = await pgClientOf(runner).query({ name, text: sql, values: params });
  return result.rows as T[];
}

function pgClientOf(runner: DataSource | EntityManager): Pool | PoolClient {
  const inTransaction = 'queryRunner' in runner ? runner.queryRunner : undefined;
  if (inTransaction) {
    const connection = (inTransaction as unknown as { databaseConnection?: PoolClient }).databaseConnection;
    if (!connection) throw new Error('queryPrepared: the transaction has no connection yet');
    return connection;
  }
  const dataSource = 'driver' in runner ? runner : runner.connection;
  return (dataSource.driver as unknown as { master: Pool }).master;
}
