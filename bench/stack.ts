// What the bench runs against: by default Postgres (with pg_stat_statements), Redis and one
// service process it starts itself on a fresh data dir; or a running service given
// TXMSG_BENCH_URL and TXMSG_BENCH_TOKEN (then the floor and the statement counts need
// BENCH_DATABASE_URL, a superuser URL of the service's database).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '../src/infra/local-services/embedded-postgres';
import { startLocalRedis } from '../src/infra/local-services/local-redis';

export interface Stack {
  url: string;
  token: string;
  /** A superuser URL for a database on the service's Postgres server, when known. */
  serverUrl?: (database: string) => string;
  databaseUrl?: string;
  /** The service's process, when the bench started it. */
  pid: number | null;
  /** The service's peak resident memory so far, in MB (own process only). */
  peakRssMb(): number | null;
  /** The service's log lines about storage windows (dropped, compacted, …); none for a service given by URL. */
  storageLog(): string[];
  stop(): Promise<void>;
}

export async function startStack(options: {
  cpuProfile: boolean;
  /** More environment for the service. */
  env?: Record<string, string>;
}): Promise<Stack> {
  if (process.env.TXMSG_BENCH_URL) {
    const token = process.env.TXMSG_BENCH_TOKEN;
    if (!token) throw new Error('TXMSG_BENCH_TOKEN (an admin token) is required with TXMSG_BENCH_URL');
    const databaseUrl = process.env.BENCH_DATABASE_URL;
    return {
      url: process.env.TXMSG_BENCH_URL,
      token,
      databaseUrl,
      serverUrl: databaseUrl
        ? (database) => Object.assign(new URL(databaseUrl), { pathname: `/${database}` }).toString()
        : undefined,
      pid: null,
      peakRssMb: () => null,
      storageLog: () => [],
      stop: async () => undefined,
    };
  }
  const dataDir = resolve('.txmsg-bench');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const quiet = () => undefined;
  const pg = await startEmbeddedPostgres(join(dataDir, 'postgres'), 'txmsg', quiet, [
    'shared_preload_libraries=pg_stat_statements',
  ]);
  const redis = await startLocalRedis(join(dataDir, 'redis'), quiet);
  const token = `txm_admin_${randomBytes(24).toString('base64url')}`;
  const profileDir = join(dataDir, 'profiles');
  const child = spawn(
    process.execPath,
    [
      ...(options.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      join(__dirname, '../src/main.js'),
    ],
    {
      env: {
        ...process.env,
        PORT: process.env.PORT ?? '3900',
        HOST: '127.0.0.1',
        DATABASE_URL: pg.socketUrl('txmsg'),
        REDIS_URL: redis.url,
        TXMSG_ADMIN_TOKEN: token,
        TXMSG_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        // As `npm start` runs it.
        NODE_OPTIONS: process.env.NODE_OPTIONS ?? '--max-old-space-size=256',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const storageLog: string[] = [];
  const url = await listening(child, (line) => {
    if (line.includes('"msg":"storage window ')) storageLog.push(line);
  });
  return {
    url,
    pid: child.pid ?? null,
    storageLog: () => storageLog,
    token,
    databaseUrl: pg.socketUrl('txmsg'),
    serverUrl: (database) => pg.socketUrl(database),
    peakRssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmHWM:\s+(\d+) kB/.exec(status);
      return kb ? Math.round(Number(kb[1]) / 1024) : null;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await redis.stop();
      await pg.stop();
    },
  };
}

function listening(child: ChildProcess, onLine: (line: string) => void): Promise<string> {
  return new Promise<string>((resolveUrl, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`service exited with ${code} before listening`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        onLine(line);
        if (line.includes('"msg":"listening"')) resolveUrl((JSON.parse(line) as { url: string }).url);
      }
    });
  });
}
