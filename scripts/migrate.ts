// `npm run migration:run`: applies migrations to DATABASE_URL, or to the embedded Postgres in TXMSG_DATA_DIR.
import 'reflect-metadata';
import { loadConfig } from '../src/config/app-config';
import { runMigrations } from '../src/infra/database/migrate';
import { startEmbeddedPostgres } from '../src/infra/local-services/embedded-postgres';
import { join } from 'node:path';

async function migrate(): Promise<void> {
  const config = loadConfig();
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres(join(config.dataDir, 'postgres'), 'txmsg', () => undefined);
  try {
    const applied = await runMigrations(
      config.databaseUrl ?? (embedded?.url('txmsg') as string),
      config.partitionMinutes,
    );
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
  } finally {
    await embedded?.stop();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(`migration failed: ${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
