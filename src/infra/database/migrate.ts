import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { createWindowsAhead, type InTransaction } from './partitions';
import { queryRows } from './sql';

// Arbitrary constant: every txmsg instance takes this advisory lock around migrations.
const MIGRATION_LOCK_KEY = 727_011_001;

/** The storage windows' width when none is configured (TXMSG_PARTITION_MINUTES). */
export const DEFAULT_PARTITION_MINUTES = 360;

/**
 * Applies pending migrations, serialised across instances by a Postgres advisory lock so that
 * several instances starting at once never race on the schema, then makes sure storage windows
 * exist two widths ahead of now. Returns the names of the migrations applied.
 */
export async function runMigrations(
  url: string,
  partitionMinutes = DEFAULT_PARTITION_MINUTES,
): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 2) });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      const widthMs = partitionMinutes * 60_000;
      await createWindowsAhead(inTransactionOf(dataSource), { widthMs, aheadMs: 2 * widthMs });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}

/** Runs partition maintenance (plain functions over SQL) in a TypeORM transaction. */
export function inTransactionOf(dataSource: DataSource): InTransaction {
  return (work) =>
    dataSource.transaction((manager) => work((text, params) => queryRows(manager, text, params)));
}
