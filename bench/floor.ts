// The floor: the durable SQL a minimal transactional outbox needs per one-message transaction —
// insert the half message and commit; then mark it committed, insert its delivery and commit —
// run by pgbench against the same Postgres. txmsg's end-to-end rate is reported as a ratio of it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDatabase } from '../src/infra/local-services/embedded-postgres';
import { Client } from 'pg';

const SCHEMA = `
  DROP TABLE IF EXISTS floor_messages, floor_deliveries;
  CREATE TABLE floor_messages (
    id uuid PRIMARY KEY, topic text NOT NULL, state text NOT NULL, body json NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(), published_at timestamptz);
  CREATE TABLE floor_deliveries (
    id uuid PRIMARY KEY, message_id uuid NOT NULL, consumer_group text NOT NULL, state text NOT NULL,
    available_at timestamptz NOT NULL DEFAULT now());`;

const SCRIPT = `BEGIN;
INSERT INTO floor_messages (id, topic, state, body) VALUES (gen_random_uuid(), 'floor', 'PREPARED', '{"orderId":1,"amount":42,"note":"bench"}') RETURNING id AS mid \\gset
COMMIT;
BEGIN;
UPDATE floor_messages SET state = 'COMMITTED', published_at = now() WHERE id = :mid;
INSERT INTO floor_deliveries (id, message_id, consumer_group, state) VALUES (gen_random_uuid(), :mid, 'floor', 'pending');
COMMIT;
`;

/** pgbench from PATH or a Debian postgresql package; undefined when neither is installed. */
export function findPgbench(): string | undefined {
  if (spawnSync('pgbench', ['--version']).status === 0) return 'pgbench';
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  return readdirSync(root)
    .map((version) => join(root, version, 'bin', 'pgbench'))
    .filter((path) => existsSync(path))
    .sort()
    .pop();
}

export interface Floor {
  clients: number;
  seconds: number;
  lifecyclesPerSecond: number;
}

/** Runs the floor script with `clients` for `seconds` in its own database on the server. */
export async function measureFloor(
  serverUrl: (database: string) => string,
  workDir: string,
  clients: number,
  seconds: number,
): Promise<Floor | { skipped: string }> {
  const pgbench = findPgbench();
  if (!pgbench) {
    return {
      skipped: 'pgbench not found: install it with `apt-get install -y postgresql` to measure the floor',
    };
  }
  await ensureDatabase(serverUrl('postgres'), 'txmsg_floor');
  const db = new Client({ connectionString: serverUrl('txmsg_floor') });
  await db.connect();
  await db.query(SCHEMA);
  await db.end();
  const script = join(workDir, 'floor.sql');
  writeFileSync(script, SCRIPT);
  const output = execFileSync(
    pgbench,
    [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      serverUrl('txmsg_floor'),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tps = /tps = ([\d.]+)/.exec(output);
  if (!tps) throw new Error(`could not read pgbench's output:\n${output}`);
  return { clients, seconds, lifecyclesPerSecond: Math.round(Number(tps[1])) };
}
