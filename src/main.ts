// Starts txmsg: config, local Postgres/Redis when no URLs are given, migrations, HTTP server, drain on SIGTERM.
import 'reflect-metadata';
import type { Logger as Pino } from 'pino';
import { ConfigError, loadConfig } from './config/app-config';
import { runMigrations } from './infra/database/migrate';
import { startLocalServices } from './infra/local-services/local-services';
import { createHttpApp } from './http-app';
import { createRootLogger, PinoLoggerService } from './observability/logger';

const SHUTDOWN_TIMEOUT_MS = 30_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`txmsg: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = createRootLogger(config.logLevel, config.logFormat);
  const services = await startLocalServices(config, (line, service) => log.debug({ service }, line));
  config = services.config;
  announceLocalServices(log, config.databaseUrl as string, config.redisUrl, services);

  let app;
  try {
    const applied = await runMigrations(config.databaseUrl as string, config.partitionMinutes);
    if (applied.length > 0) log.info({ migrations: applied }, 'migrations applied');
    app = await createHttpApp(config, new PinoLoggerService(log));
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await services.stop(); // never leave a local Postgres/Redis behind a failed start
    throw error;
  }
  const url = await app.getUrl();
  log.info({ url, roles: [...config.roles] }, 'listening');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining: no new work, finishing what is in flight');
    setTimeout(() => {
      log.error('drain did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    await app.close();
    await services.stop();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function announceLocalServices(
  log: Pino,
  databaseUrl: string,
  redisUrl: string | undefined,
  services: Awaited<ReturnType<typeof startLocalServices>>,
) {
  const embedded = !process.env.DATABASE_URL;
  if (embedded) log.info({ databaseUrl }, 'embedded Postgres running');
  if (!process.env.REDIS_URL && !services.config.redisSentinel)
    log.info({ redisUrl }, 'local redis-server running');
  if (embedded && !process.env.TXMSG_ADMIN_TOKEN) {
    log.info(
      { adminToken: services.config.adminToken, generated: services.generatedAdminToken },
      'admin token (kept in the data dir; set TXMSG_ADMIN_TOKEN to choose your own)',
    );
  }
  if (!services.config.adminToken) log.warn('TXMSG_ADMIN_TOKEN is not set: only API keys can authenticate');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `txmsg: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
