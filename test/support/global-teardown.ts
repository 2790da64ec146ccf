import { rm } from 'node:fs/promises';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { txmsgTestStops?: (() => Promise<void>)[] }).txmsgTestStops ?? [];
  if (process.env.TEST_DATABASE_URL) await dropRunDatabases(process.env.TEST_DATABASE_URL);
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  if (process.env.TXMSG_TEST_DIR) await rm(process.env.TXMSG_TEST_DIR, { recursive: true, force: true });
}

/** On a shared external server, leave nothing of this run behind. */
async function dropRunDatabases(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const runId = process.env.TXMSG_TEST_RUN_ID;
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`,
      [`txmsg_t_${runId}_%`, `txmsg_template_${runId}`],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
