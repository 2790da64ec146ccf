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
