// examples/orders as its README runs it: setup, the order service and the shipping consumer as
// processes of their own against a running txmsg; an order placed over HTTP is shipped once.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { expectEventually } from '../../test/support/eventually';
import { freePort } from '../../src/infra/local-services/free-port';
import { useService } from '../../test/support/service-fixture';
import { databaseUrlFor } from '../../test/support/test-env';

const EXAMPLE = join(__dirname, '../../examples/orders');

describe('examples/orders', () => {
  const service = useService();
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((child) => child.kill()));

  function run(
    script: string,
    env: Record<string, string>,
  ): { child: ChildProcess; output: Promise<string>; sofar: () => string } {
    const child = spawn(process.execPath, [join(EXAMPLE, script)], {
      cwd: EXAMPLE,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return {
      child,
      output: new Promise((resolve) => child.once('exit', () => resolve(output))),
      sofar: () => output,
    };
  }

  it('places an order and ships it once', async () => {
    const ordersDatabaseUrl = databaseUrlFor(
      process.env.TXMSG_TEST_PG_ADMIN_URL as string,
      `example_orders_${randomBytes(3).toString('hex')}`,
    );
    const env = {
      TXMSG_URL: service.app.url,
      TXMSG_TOKEN: service.env.adminToken,
      ORDERS_DATABASE_URL: ordersDatabaseUrl,
      ORDERS_PORT: String(await freePort()),
      SHIPPING_PORT: String(await freePort()),
      SECRETS_FILE: join(mkdtempSync(join(tmpdir(), 'txmsg-example-')), 'secrets.json'),
    };
    const setup = run('setup.js', env);
    expect(await setup.output).toContain('ready');
    expect(setup.child.exitCode).toBe(0);
    const orders = run('orders.js', env);
    const shipping = run('shipping.js', env);
    await expectEventually(async () => {
      await fetch(`http://127.0.0.1:${env.ORDERS_PORT}/`).catch(() => {
        throw new Error('orders not listening yet');
      });
      await fetch(`http://127.0.0.1:${env.SHIPPING_PORT}/`).catch(() => {
        throw new Error('shipping not listening yet');
      });
    });

    const placed = await fetch(`http://127.0.0.1:${env.ORDERS_PORT}/orders`, {
      method: 'POST',
      body: JSON.stringify({ amount: 42 }),
    });
    expect(placed.status).toBe(201);
    const { order, transaction } = (await placed.json()) as {
      order: { id: string };
      transaction: { state: string };
    };
    expect(transaction.state).toBe('COMMITTED');

    // A failed first push (a busy machine) is retried on the default schedule (1 s, then 5 s):
    // wait for that, and say what the attempts and the two services saw if it never ships.
    const db = new Pool({ connectionString: ordersDatabaseUrl });
    try {
      await expectEventually(async () => {
        const { rows } = await db.query('SELECT order_id FROM shipments');
        expect(rows).toEqual([{ order_id: order.id }]);
      }, 30_000);
    } catch (error) {
      const { rows: attempts } = await service.env.db.query(
        `SELECT d.state, a.attempt, a.at, a.outcome, a.http_status, a.latency_ms, a.error, a.response_excerpt
           FROM deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id ORDER BY a.at`,
      );
      throw new Error(
        `${String(error)}\nattempts: ${JSON.stringify(attempts)}\n` +
          `orders:\n${orders.sofar()}\nshipping:\n${shipping.sofar()}`,
        { cause: error },
      );
    } finally {
      await db.end();
    }
    expect([orders.child.exitCode, shipping.child.exitCode]).toEqual([null, null]);
  });
});
