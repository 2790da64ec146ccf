// The pg-boss outbox's relay, as a team would write it: workers fetch jobs in batches, POST each to
// the consumer over keep-alive connections, and pg-boss completes them after the 2xx (fails them
// otherwise, to be retried). Runs as its own process so its CPU is measured on its own.
// Environment: BOSS_DATABASE_URL, CONSUMER_URL, RELAY_WORKERS, RELAY_BATCH_SIZE.
import PgBoss from 'pg-boss';
import { Pool } from 'undici';
import { OUTBOX_QUEUE } from './pg-boss-outbox';

async function main() {
  const env = process.env;
  const workers = Number(env.RELAY_WORKERS ?? 4);
  const batchSize = Number(env.RELAY_BATCH_SIZE ?? 50);
  const consumer = new URL(env.CONSUMER_URL as string);
  const http = new Pool(consumer.origin, { connections: 128, pipelining: 1 });
  const boss = new PgBoss({
    connectionString: env.BOSS_DATABASE_URL,
    max: workers + 2,
    schedule: false,
    migrate: false,
  });
  boss.on('error', (error: Error) => process.stderr.write(`pg-boss relay: ${error.message}\n`));
  await boss.start();
  const post = async (job: PgBoss.Job<{ id: string }>) => {
    const response = await http.request({
      method: 'POST',
      path: consumer.pathname,
      headers: { 'content-type': 'application/json', 'webhook-id': job.data.id },
      body: JSON.stringify(job.data),
    });
    await response.body.dump();
    if (response.statusCode >= 300) throw new Error(`consumer answered ${response.statusCode}`);
  };
  for (let i = 0; i < workers; i++) {
    await boss.work<{ id: string }>(OUTBOX_QUEUE, { batchSize, pollingIntervalSeconds: 0.5 }, (jobs) =>
      Promise.all(jobs.map(post)),
    );
  }
  process.stdout.write('relay ready\n');
  process.once('SIGTERM', () => {
    void boss.stop({ graceful: false, wait: true }).then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`pg-boss relay failed: ${String(error)}\n`);
  process.exit(1);
});
