// The order service: POST /orders places an order and publishes `orders` in one transaction;
// POST /txmsg/check answers txmsg's check-backs from the barrier table.
const { randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');
const http = require('node:http');
const { Pool } = require('pg');
const { checkbackHandler, nodeListener, Txmsg } = require('@txmsg/client');
const config = require('./config');

const secret = JSON.parse(readFileSync(config.secretsFile, 'utf8')).producer;
const db = new Pool({ connectionString: config.ordersDatabaseUrl() });
const txmsg = new Txmsg({ url: config.txmsgUrl, token: config.txmsgToken(), db });

const insertOrder = 'INSERT INTO orders (id, amount, transaction_id) VALUES ($1, $2, $3)';

const placeOrder = (order) =>
  txmsg.transaction('orders-svc', [{ topic: 'orders', body: order, key: order.id }], (tx) =>
    tx.query(insertOrder, [order.id, order.amount, tx.id]),
  );
const checkback = nodeListener(checkbackHandler({ secrets: [secret], decide: txmsg.decide }));

http
  .createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/txmsg/check') return checkback(req, res);
    if (req.method !== 'POST' || req.url !== '/orders') return res.writeHead(404).end();
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', async () => {
      try {
        const order = { id: randomUUID(), amount: Number(JSON.parse(raw || '{}').amount ?? 0) };
        const { transaction } = await placeOrder(order);
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ order, transaction }));
      } catch (error) {
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: String(error) }));
      }
    });
  })
  .listen(config.ordersPort, '127.0.0.1', () =>
    process.stdout.write(`orders listening on ${config.ordersPort}\n`),
  );
