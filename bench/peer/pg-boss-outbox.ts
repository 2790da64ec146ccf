// The peer txmsg is measured against: the transactional outbox a Node team would write with
// pg-boss. Each producer loop runs one Postgres transaction that inserts an `orders` row and
// `send`s the job through that same transaction; a relay process (pg-boss-relay) works the jobs
// and POSTs each to the consumer.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import PgBoss from 'pg-boss';
import { Pool } from 'pg';

export const OUTBOX_QUEUE = 'orders-outbox';

export interface RelaySetting {
  workers: number;
  batchSize: number;
}

/** `4x50` → 4 workers fetching 50 jobs at a time; `none` runs no peer. */
export function parseRelaySettings(text: string): RelaySetting[] {
  if (text === 'none') return [];
  return text.split(',').map((setting) => {
    const [workers, batchSize] = setting.split('x').map(Number);
    return { workers, batchSize };
  });
}

export interface Outbox {
  /** One producer step: the business transaction with its outbox job; records when it commits. */
  step(committedAt: Map<string, number>): Promise<void>;
  close(): Promise<void>;
}

/** pg-boss's schema and queue, and the `orders` table, in `databaseUrl`; producers on a pool. */
export async function openOutbox(databaseUrl: string, producers: number): Promise<Outbox> {
  const boss = new PgBoss({ connectionString: databaseUrl, max: 2, supervise: false, schedule: false });
  boss.on('error', (error: Error) => process.stderr.write(`pg-boss: ${error.message}\n`));
  await boss.start();
  await boss.createQueue(OUTBOX_QUEUE);
  const pool = new Pool({ connectionString: databaseUrl, max: producers });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS orders (id uuid PRIMARY KEY, amount int NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
  );
  let n = 0;
  return {
    async step(committedAt) {
      const client = await pool.connect();
      try {
        const id = randomUUID();
        await client.query('BEGIN');
        await client.query('INSERT INTO orders (id, amount) VALUES ($1, $2)', [id, 42]);
        await boss.send(
          OUTBOX_QUEUE,
          { id, orderId: ++n, amount: 42, note: 'bench' },
          { db: { executeSql: (text, values) => client.query(text, values) } },
        );
        committedAt.set(id, performance.now());
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
      await boss.stop({ graceful: false, wait: true });
    },
  };
}

/** Starts the relay process with one worker setting; resolves once its workers run. */
export async function startRelay(
  databaseUrl: string,
  consumerUrl: string,
  setting: RelaySetting,
): Promise<{ pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(__dirname, 'pg-boss-relay.js')], {
    env: {
      ...process.env,
      BOSS_DATABASE_URL: databaseUrl,
      CONSUMER_URL: consumerUrl,
      RELAY_WORKERS: String(setting.workers),
      RELAY_BATCH_SIZE: String(setting.batchSize),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`pg-boss relay exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('relay ready')) resolve();
    });
  });
  return {
    pid: child.pid as number,
    stop: async () => {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
