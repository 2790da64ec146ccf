// A multi-host DATABASE_URL against a real Postgres (SPEC §2): connections go to the first host that
// is up and writable, a server that takes no writes is refused on connect, and a pooled connection
// whose server stops taking writes is dropped, never reused. Read-only is made here the way a
// standby looks to a client (`transaction_read_only` on); the Patroni spec does the real failover.
import { DataSource } from 'typeorm';
import { isUnavailable } from '../../src/common/errors/unavailable';
import { dataSourceOptions } from '../../src/infra/database/data-source-options';
import { createTestEnv, type TestEnv } from '../support/test-env';

describe('multi-host DATABASE_URL (medium: real Postgres)', () => {
  let env: TestEnv;
  let database: string;
  const sources: DataSource[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    database = new URL(env.databaseUrl).pathname.slice(1);
  });
  afterAll(async () => {
    await Promise.all(sources.filter((s) => s.isInitialized).map((s) => s.destroy()));
    await env.close();
  });

  /** The spec's database behind a dead host first: `postgres://u@127.0.0.1:1,<real>/db?…`. */
  function multiHostUrl(attrs: string): string {
    const real = new URL(env.databaseUrl);
    return `postgres://${real.username}${real.password ? `:${real.password}` : ''}@127.0.0.1:1,${real.host}${real.pathname}?target_session_attrs=${attrs}&connect_timeout=2`;
  }
  async function open(attrs: string, poolSize = 2): Promise<DataSource> {
    const source = new DataSource(
      dataSourceOptions(multiHostUrl(attrs), poolSize, { connectMs: 3000, queryMs: 0 }),
    );
    sources.push(source);
    await source.initialize();
    return source;
  }
  const setReadOnly = (on: boolean) =>
    env.db.query(`ALTER DATABASE ${database} SET default_transaction_read_only = ${on ? 'on' : 'off'}`);

  it('connects to the first host that is up and writable', async () => {
    const source = await open('read-write');
    const [row] = await source.query(`SELECT current_setting('port') AS port`);
    expect(Number(row.port)).toBe(Number(new URL(env.databaseUrl).port));
  });

  it('refuses a server that takes no writes, as an outage (503), and takes it again once writable', async () => {
    const source = await open('read-write', 1);
    await source.destroy();
    await setReadOnly(true);
    try {
      const refused = await open('read-write', 1).catch((error: unknown) => error);
      expect(String(refused)).toMatch(
        /no read-write Postgres among 127\.0\.0\.1:1, 127\.0\.0\.1:\d+|is not read-write/,
      );
      expect(isUnavailable(refused)).toBe(true);
      // `any` takes it all the same, as libpq does.
      expect(await (await open('any', 1)).query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await setReadOnly(false);
    }
    expect(await (await open('read-write', 1)).query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('drops a pooled connection whose server stopped taking writes, and never reuses it', async () => {
    const source = await open('primary', 1);
    await source.query(`CREATE TABLE IF NOT EXISTS locator_probe (n int)`);
    const [{ pid: before }] = await source.query('SELECT pg_backend_pid() AS pid');
    // The session turns read-only, as a demoted server's would.
    await source.query('SET default_transaction_read_only = on');
    const refused = await source
      .query('INSERT INTO locator_probe VALUES (1)')
      .catch((error: unknown) => error);
    expect(
      (refused as { driverError?: { code?: string } }).driverError?.code ??
        (refused as { code?: string }).code,
    ).toBe('25006');
    expect(isUnavailable(refused)).toBe(true);
    // The next query gets a new connection, writable again.
    await source.query('INSERT INTO locator_probe VALUES (2)');
    const [{ pid: after }] = await source.query('SELECT pg_backend_pid() AS pid');
    expect(after).not.toBe(before);
  });
});
