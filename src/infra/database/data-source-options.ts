import type { DataSourceOptions } from 'typeorm';
import type { DatabaseTimeouts } from '../../config/app-config';
import { MIGRATIONS } from '../../../migrations';
import { AfterCommitSubscriber } from './after-commit';
import { sessionOptions } from './session-settings';
import { parsePostgresUrl } from '../../config/postgres-url';
import { MultiHostClient, PrimaryLocator } from './primary-locator';

/** One locator per DATABASE_URL, shared by the pools of a process: one search after a failover. */
const locators = new Map<string, PrimaryLocator>();

/**
 * How pg reaches the database: the URL as it is for one host (libpq's default, `any`); for
 * several hosts or a `target_session_attrs`, a client that follows the suitable host.
 */
function connectionOptions(url: string, connectMs: number) {
  const parsed = parsePostgresUrl(url);
  if (parsed.hosts.length === 1 && parsed.targetSessionAttrs === 'any') return { url };
  let locator = locators.get(url);
  if (!locator) {
    locator = new PrimaryLocator(parsed, parsed.connectTimeoutMs ?? connectMs);
    locators.set(url, locator);
  }
  return { url: parsed.urlFor(parsed.hosts[0]), extra: { Client: MultiHostClient, primaryLocator: locator } };
}

/** Migrations and the CLI may run long statements (index builds); the service never should. */
const CLI_TIMEOUTS: DatabaseTimeouts = { connectMs: 10_000, queryMs: 0 };

/**
 * One definition of how txmsg talks to Postgres, shared by the app, the CLI and the tests. No
 * entities: each feature registers its own (TypeOrmModule.forFeature), and migrations need none.
 */
export function dataSourceOptions(
  url: string,
  poolSize = 20,
  timeouts: DatabaseTimeouts = CLI_TIMEOUTS,
  /** The hot path's pool (see `HotPath`): named statements are planned once per connection. */
  { planOnce = false }: { planOnce?: boolean } = {},
): DataSourceOptions {
  const connection = connectionOptions(url, timeouts.connectMs);
  return {
    type: 'postgres',
    url: connection.url,
    subscribers: [AfterCommitSubscriber],
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      ...connection.extra,
      max: poolSize,
      application_name: 'txmsg',
      ...(planOnce && { options: sessionOptions() }),
      connectionTimeoutMillis: timeouts.connectMs,
      ...(timeouts.queryMs > 0 && {
        statement_timeout: timeouts.queryMs,
        // A little later than the server's, so a statement the server cancels fails with its error.
        query_timeout: timeouts.queryMs + 1000,
      }),
    },
  };
}
