// Drives test/support/services-child.js: a Postgres and a Redis a spec may restart.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServicesProcess {
  urls: { postgres: string; redis: string };
  restartPostgres(): Promise<{ postgres: string; redis: string }>;
  /** SIGKILL, then start again (crash recovery). */
  killPostgres(): Promise<{ postgres: string; redis: string }>;
  /** SIGKILL every Postgres process at once (its unwritten WAL buffers are lost), then start again. */
  crashPostgres(): Promise<{ postgres: string; redis: string }>;
  restartRedis(): Promise<{ postgres: string; redis: string }>;
  stop(): Promise<void>;
}

export async function startServicesProcess(): Promise<ServicesProcess> {
  const child = spawn(process.execPath, [join(__dirname, 'services-child.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error('services process ended');
    const message = JSON.parse(value as string);
    if (message.error) throw new Error(message.error);
    return message;
  };
  const command = async (line: string) => {
    child.stdin.write(`${line}\n`);
    return next();
  };
  const urls = await next();
  return {
    urls,
    restartPostgres: () => command('restart-postgres'),
    killPostgres: () => command('kill-postgres'),
    crashPostgres: () => command('crash-postgres'),
    restartRedis: () => command('restart-redis'),
    stop: async () => {
      if (child.exitCode === null) await command('stop').catch(() => undefined);
    },
  };
}
