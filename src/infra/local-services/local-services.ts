// Starts what the config does not point at: embedded Postgres and/or a local redis-server.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppConfig } from '../../config/app-config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { startLocalRedis } from './local-redis';

export interface LocalServices {
  config: AppConfig;
  /** True when a bootstrap admin token was generated for this data dir. */
  generatedAdminToken: boolean;
  stop(): Promise<void>;
}

export async function startLocalServices(
  config: AppConfig,
  log: (line: string, service: string) => void,
): Promise<LocalServices> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
  };
  try {
    let { databaseUrl, redisUrl, adminToken } = config;
    let generatedAdminToken = false;
    if (!databaseUrl) {
      await mkdir(config.dataDir, { recursive: true, mode: 0o755 });
      const pg = await startEmbeddedPostgres(join(config.dataDir, 'postgres'), 'txmsg', (line) =>
        log(line, 'postgres'),
      );
      stops.push(pg.stop);
      databaseUrl = pg.socketUrl('txmsg');
      if (!adminToken) {
        ({ token: adminToken, generated: generatedAdminToken } = await localAdminToken(config.dataDir));
      }
    }
    if (!redisUrl && !config.redisSentinel) {
      const redis = await startLocalRedis(join(config.dataDir, 'redis'), (line) => log(line, 'redis'));
      stops.push(redis.stop);
      redisUrl = redis.url;
    }
    return {
      config: config.withServices({ databaseUrl, redisUrl: redisUrl as string, adminToken }),
      generatedAdminToken,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Embedded mode keeps its generated admin token in the data dir so it survives restarts. */
async function localAdminToken(dataDir: string): Promise<{ token: string; generated: boolean }> {
  const file = join(dataDir, 'admin-token');
  if (existsSync(file)) return { token: readFileSync(file, 'utf8').trim(), generated: false };
  const token = `txm_admin_${randomBytes(24).toString('base64url')}`;
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { token, generated: true };
}
