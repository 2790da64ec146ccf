// Once: creates the order database and its tables, the `orders` topic, the `orders-svc` producer
// group (check-backs to the order service) and the `shipping` push group, and keeps the two
// signing secrets in .secrets.json for the services.
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { Client } = require('pg');
const { createBarrierTable, Txmsg } = require('@txmsg/client');
const config = require('./config');

async function main() {
  const url = new URL(config.ordersDatabaseUrl());
  const database = url.pathname.slice(1);
  const server = new Client({
    connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString(),
  });
  await server.connect();
  const exists = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) await server.query(`CREATE DATABASE "${database}"`);
  await server.end();

  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  await createBarrierTable((sql, params) => db.query(sql, params));
  await db.query(`CREATE TABLE IF NOT EXISTS orders (
    id uuid PRIMARY KEY, amount integer NOT NULL, transaction_id uuid NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  await db.query(
    `CREATE TABLE IF NOT EXISTS shipments (order_id uuid PRIMARY KEY, shipped_at timestamptz NOT NULL DEFAULT now())`,
  );
  await db.end();

  const txmsg = new Txmsg({ url: config.txmsgUrl, token: config.txmsgToken() });
  const secrets = existsSync(config.secretsFile) ? JSON.parse(readFileSync(config.secretsFile, 'utf8')) : {};
  await txmsg.putTopic('orders', { description: 'orders placed' });
  const producer = await txmsg.putProducerGroup('orders-svc', {
    checkbackUrl: `http://127.0.0.1:${config.ordersPort}/txmsg/check`,
    checkImmunitySeconds: 5,
  });
  const shipping = await txmsg.putConsumerGroup('shipping', {
    topic: 'orders',
    delivery: { type: 'push', url: `http://127.0.0.1:${config.shippingPort}/` },
  });
  // Secrets come back on creation only: keep the first ones.
  secrets.producer ??= producer.secret;
  secrets.shipping ??= shipping.secret;
  writeFileSync(config.secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  process.stdout.write(`ready: topic orders, producer group orders-svc, consumer group shipping\n`);
}

main().catch((error) => {
  process.stderr.write(`setup failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
