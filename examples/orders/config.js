// Where everything is, from the environment (see README.md).
const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see examples/orders/README.md)`);
  return value;
};

module.exports = {
  txmsgUrl: process.env.TXMSG_URL ?? 'http://127.0.0.1:3000',
  txmsgToken: () => required('TXMSG_TOKEN'),
  /** The order service's own database (not txmsg's). */
  ordersDatabaseUrl: () => required('ORDERS_DATABASE_URL'),
  ordersPort: Number(process.env.ORDERS_PORT ?? 4000),
  shippingPort: Number(process.env.SHIPPING_PORT ?? 4001),
  secretsFile: process.env.SECRETS_FILE ?? `${__dirname}/.secrets.json`,
};
