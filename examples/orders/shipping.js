// The shipping consumer: txmsg pushes each order here; the dedupe claims make shipping idempotent,
// so a redelivered order is never shipped twice.
const { readFileSync } = require('node:fs');
const http = require('node:http');
const { Pool } = require('pg');
const { nodeListener, pushHandler, Txmsg } = require('@txmsg/client');
const config = require('./config');

const secret = JSON.parse(readFileSync(config.secretsFile, 'utf8')).shipping;
const db = new Pool({ connectionString: config.ordersDatabaseUrl() });
const txmsg = new Txmsg({ url: config.txmsgUrl, token: config.txmsgToken() });
const ship = (order) => db.query('INSERT INTO shipments (order_id) VALUES ($1)', [order.id]);

const handle = (m) => txmsg.idempotent('shipping', m.id, () => ship(m.body));
const server = http.createServer(nodeListener(pushHandler({ secret, handle })));
server.listen(config.shippingPort, '127.0.0.1');
process.stdout.write(`shipping listening on ${config.shippingPort}\n`);
