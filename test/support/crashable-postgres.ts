// For specs that crash Postgres under a running service: Postgres and Redis in a child process the
// spec may kill, a TCP proxy in front of Postgres that follows it to its new port, and one service
// process on a database of its own behind the proxy.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { startProcess, type AppProcess } from './app-process';
import { HttpClient } from './http-client';
import { startServicesProcess, type ServicesProcess } from './services-process';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

export interface CrashablePostgres {
  app: AppProcess;
  /** The service's database, through the proxy (it works again once Postgres is back). */
  databaseUrl: string;
  /** Carries the service's admin token. */
  http: HttpClient;
  /**
   * `kill`: SIGKILL the postmaster (its backends follow); `crash`: every Postgres process at once,
   * so what sat in its WAL buffers is lost. Postgres then recovers, and the proxy follows it.
   */
  crash(how: 'kill' | 'crash'): Promise<void>;
}

/** Registers beforeAll/afterAll hooks; use the fields inside tests, once beforeAll has run. */
export function useCrashablePostgres(
  database: string,
  extraEnv: Record<string, string> = {},
): CrashablePostgres {
  const fixture = {} as CrashablePostgres;
  let services: ServicesProcess;
  let proxy: TcpProxy;
  beforeAll(async () => {
    services = await startServicesProcess();
    const admin = new Pool({ connectionString: services.urls.postgres, max: 1 });
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(services.urls.postgres).port));
    const url = new URL(services.urls.postgres);
    url.pathname = `/${database}`;
    url.port = String(proxy.port);
    fixture.databaseUrl = url.toString();
    const adminToken = `crash-admin-${randomUUID()}`;
    fixture.app = await startProcess({
      DATABASE_URL: fixture.databaseUrl,
      REDIS_URL: services.urls.redis,
      TXMSG_ADMIN_TOKEN: adminToken,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      TXMSG_DB_CONNECT_TIMEOUT_MS: '1000',
      ...extraEnv,
    });
    fixture.http = new HttpClient(fixture.app.url, adminToken);
    fixture.crash = async (how) => {
      const urls = how === 'kill' ? await services.killPostgres() : await services.crashPostgres();
      proxy.retarget(Number(new URL(urls.postgres).port));
    };
  }, 120_000);
  afterAll(async () => {
    await fixture.app?.stop('SIGKILL');
    await proxy?.close();
    await services?.stop();
  });
  return fixture;
}
