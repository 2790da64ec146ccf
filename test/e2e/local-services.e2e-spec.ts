import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, type AppProcess } from '../support/app-process';
import { HttpClient } from '../support/http-client';

/** `npm start` with no DATABASE_URL / REDIS_URL: embedded Postgres and a redis-server child. */
describe('local services (embedded Postgres + local redis-server)', () => {
  let dataDir: string;
  let app: AppProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'txmsg-local-'));
    await chmod(dataDir, 0o755);
  });
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = () => startProcess({ TXMSG_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }, 120_000);
  const childPids = () => ({
    postgres: Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]),
    redis: Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8').trim()),
  });

  it('starts both, prints a generated admin token, is ready, and keeps data across a restart', async () => {
    app = await start();
    const tokenLine = app.logs.find((line) => line.includes('"adminToken"')) as string;
    const { adminToken, generated } = JSON.parse(tokenLine) as { adminToken: string; generated: boolean };
    expect(generated).toBe(true);
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(adminToken);
    const http = new HttpClient(app.url, adminToken);
    expect((await http.get('/health/ready')).status).toBe(200);
    expect((await http.put('/v1/topics/survives-restart', { description: 'kept' })).status).toBe(201);
    const pids = childPids();
    expect(existsSync(join(dataDir, 'redis', 'appendonlydir'))).toBe(true);

    expect(await app.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(isAlive(pids.postgres)).toBe(false);
    expect(isAlive(pids.redis)).toBe(false);

    app = await start();
    const again = JSON.parse(app.logs.find((line) => line.includes('"adminToken"')) as string);
    expect(again).toMatchObject({ adminToken, generated: false });
    const restarted = new HttpClient(app.url, adminToken);
    expect((await restarted.get('/health/ready')).status).toBe(200);
    expect((await restarted.get('/v1/topics/survives-restart')).body).toMatchObject({ description: 'kept' });
  });

  it('recovers after the service was killed with SIGKILL, leaving its Postgres and Redis running', async () => {
    const orphaned = childPids();
    await app?.stop('SIGKILL');
    expect(isAlive(orphaned.postgres)).toBe(true);
    app = await start();
    const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const http = new HttpClient(app.url, adminToken);
    expect((await http.get('/v1/topics/survives-restart')).status).toBe(200);
    expect(isAlive(orphaned.postgres)).toBe(false);
    expect(isAlive(orphaned.redis)).toBe(false);
    await app.stop('SIGTERM');
    app = undefined;
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
