import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

// Arbitrary constant: every txmsg instance takes this advisory lock around migrations.
const MIGRATION_LOCK_KEY = 727_011_001;

/**
 * Applies pending migrations, serialised across instances by a Postgres advisory lock so that
 * several instances starting at once never race on the schema. Returns the names applied.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 2) });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
