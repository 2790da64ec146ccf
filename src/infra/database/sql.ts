import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs raw SQL and always returns the rows, their column names in camelCase (`created_at` →
 * `createdAt`), so that snake_case stops at the repository boundary. (TypeORM's postgres driver
 * returns `[rows, rowCount]` for UPDATE and DELETE but plain rows otherwise.)
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
    return camelRows<T>(result[0] as Row[]);
  }
  return camelRows<T>(result as Row[]);
}

/** For the rest of a transaction, the planner prefers plain index scans to bitmap scans. */
export const PREFER_INDEX_SCANS = 'SET LOCAL enable_bitmapscan = off';

/**
 * Runs a read whose rows come through partial indexes over states that rows keep leaving
 * (pending, inflight, PREPARED) with plain index scans. A bitmap scan never marks the index
 * entries of rows that have left the state, so until VACUUM reaches a busy window every read
 * visits each of them again (on the bench, 137,000 after a minute: 25 ms per read); a plain
 * index scan marks them as it passes, and the reads after it skip them (1 ms).
 */
export function queryThroughIndexes<T>(
  dataSource: DataSource,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return dataSource.transaction(async (manager) => {
    await manager.query(PREFER_INDEX_SCANS);
    return queryRows<T>(manager, sql, params);
  });
}

/**
 * Runs a hot-path statement as a named prepared statement: each connection parses and plans it
 * and planned once (a generic plan, `SESSION_SETTINGS`) instead of on every call. The statement
 * must reach each partitioned table through its ids (see plan-cache.medium-spec).
 * `name` must be unique per SQL text.
 */
export async function queryPrepared<T>(
  runner: DataSource | EntityManager,
  name: string,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const result = await pgClientOf(runner).query({ name, text: sql, values: params });
  return camelRows<T>(result.rows as Row[]);
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

type Row = Record<string, unknown>;

const camelNames = new Map<string, string>();

/** `dedupe_window_seconds` → `dedupeWindowSeconds`; names without `_` stay as they are. */
function camelName(column: string): string {
  let name = camelNames.get(column);
  if (name === undefined) {
    name = column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
    camelNames.set(column, name);
  }
  return name;
}

/** Renames the top-level columns only: JSON values (bodies, headers, details) stay as stored. */
function camelRows<T>(rows: Row[]): T[] {
  if (rows.length === 0 || !Object.keys(rows[0]).some((column) => column.includes('_'))) {
    return rows as T[];
  }
  return rows.map((row) => {
    const renamed: Row = {};
    for (const column in row) renamed[camelName(column)] = row[column];
    return renamed as T;
  });
}
