// Runs a local redis-server child (AOF on, noeviction) with data under the data dir.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { createConnection } from 'node:net';
import { freePort, isAlive, waitUntil } from './free-port';

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

const HOW_TO_INSTALL =
  'redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get update && sudo apt-get install -y redis-server`; ' +
  'macOS: `brew install redis`) or point REDIS_URL at a running Redis.';

/** Finds redis-server; as root on a Debian-like machine, installs it with apt when missing. */
export function findRedisServer(log: (line: string) => void): string {
  const found = which('redis-server');
  if (found) return found;
  if (userInfo().uid === 0 && which('apt-get')) {
    log('redis-server is missing; installing it with apt-get (running as root)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env });
    const installed =
      which('redis-server') ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null);
    if (installed) return installed;
  }
  throw new Error(HOW_TO_INSTALL);
}

function which(command: string): string | null {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

export async function startLocalRedis(dir: string, log: (line: string) => void): Promise<LocalRedis> {
  const binary = findRedisServer(log);
  await mkdir(dir, { recursive: true });
  const pidFile = join(dir, 'redis.pid');
  await stopStaleRedis(pidFile);
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--pidfile',
      pidFile,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString('utf8').trim()));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8').trim()));
  let exited = false;
  child.on('exit', () => (exited = true));
  await waitUntil(
    async () => {
      if (exited) throw new Error(`redis-server exited during start-up; see the log above`);
      return ping(port);
    },
    20_000,
    'redis-server to answer PING',
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM'); // redis flushes the AOF on SIGTERM before it exits
      }),
  };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

async function stopStaleRedis(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
  if (!cmdline.includes('redis-server')) return;
  process.kill(pid, 'SIGTERM');
  await waitUntil(() => !isAlive(pid), 30_000, `stale redis-server (pid ${pid}) to stop`);
}
