// Per-spec isolation: a fresh database cloned from the migrated template and its own Redis prefix.
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';

export interface TestEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  adminToken: string;
  /** Direct SQL access, to assert what is (and is not) stored. */
  db: Pool;
  close(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the specs through jest (global setup sets it)`);
  return value;
}

export function databaseUrlFor(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createTestEnv(): Promise<TestEnv> {
  const adminUrl = required('TXMSG_TEST_PG_ADMIN_URL');
  const suffix = randomBytes(5).toString('hex');
  const database = `txmsg_t_${required('TXMSG_TEST_RUN_ID')}_${suffix}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database} TEMPLATE ${required('TXMSG_TEST_TEMPLATE')}`);
  await admin.end();
  const databaseUrl = databaseUrlFor(adminUrl, database);
  const db = new Pool({ connectionString: databaseUrl, max: 4 });
  return {
    databaseUrl,
    redisUrl: required('TXMSG_TEST_REDIS_URL'),
    redisPrefix: `t_${suffix}`,
    adminToken: `test-admin-${randomBytes(16).toString('hex')}`,
    db,
    close: () => db.end(),
  };
}

/** Row count of a table, for "a rejected request changes nothing" assertions. */
export async function countRows(db: Pool, table: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0].n);
}
