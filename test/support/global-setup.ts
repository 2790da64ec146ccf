// Starts one real Postgres and one real Redis for the whole run (or uses TEST_DATABASE_URL /
// TEST_REDIS_URL), migrates a template database from empty, and hands the URLs to the workers.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { databaseUrlFor } from './test-env';

export default async function globalSetup(): Promise<void> {
  if (!existsSync(join(__dirname, '../../dist/src/main.js'))) {
    throw new Error('dist/ is missing: run `npm test` (it builds first) or `npm run build`');
  }
  // The compiled launchers are used so Postgres/Redis start exactly as `npm start` starts them.
  const { startEmbeddedPostgres } = require('../../dist/src/infra/local-services/embedded-postgres.js');
  const { startLocalRedis } = require('../../dist/src/infra/local-services/local-redis.js');
  const { runMigrations } = require('../../dist/src/infra/database/migrate.js');
  const dir = await mkdtemp(join(tmpdir(), 'txmsg-test-'));
  await chmod(dir, 0o755); // as root, Postgres runs as the 'postgres' user and must reach its data dir
  const stops: (() => Promise<void>)[] = [];
  const quiet = () => undefined;

  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const pg = await startEmbeddedPostgres(join(dir, 'postgres'), 'postgres', quiet);
    stops.push(pg.stop);
    adminUrl = pg.url('postgres') as string;
  }
  let redisUrl = process.env.TEST_REDIS_URL;
  if (!redisUrl) {
    const redis = await startLocalRedis(join(dir, 'redis'), quiet);
    stops.push(redis.stop);
    redisUrl = redis.url;
  }

  const runId = Date.now().toString(36);
  const template = `txmsg_template_${runId}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${template}`);
  await client.end();
  // One-minute windows, so a spec's service with TXMSG_PARTITION_MINUTES=1 gets windows of its own.
  await runMigrations(databaseUrlFor(adminUrl, template), 1);

  process.env.TXMSG_TEST_PG_ADMIN_URL = adminUrl;
  process.env.TXMSG_TEST_REDIS_URL = redisUrl;
  process.env.TXMSG_TEST_TEMPLATE = template;
  process.env.TXMSG_TEST_RUN_ID = runId;
  process.env.TXMSG_TEST_DIR = dir;
  (globalThis as { txmsgTestStops?: typeof stops }).txmsgTestStops = stops;
}
