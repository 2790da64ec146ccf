// The check-back handler mounted in each framework, over real HTTP: the raw body reaches the
// signature check intact (a JSON parser elsewhere in the app does not get to it first).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { Webhook } from 'standardwebhooks';
import { checkbackHandler, expressHandler, fastifyRoute, nodeListener } from './sdk-under-test';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const handler = checkbackHandler({ secrets: [secret], decide: async () => 'ROLLBACK' });
// Spacing a parser would not keep: only the raw bytes verify.
const body = '{ "type": "transaction.check",  "transactionId": "t1", "attempt": 1, "messages": [] }';

async function post(url: string, payload: string, signedBody = payload) {
  const at = new Date();
  const headers = {
    'content-type': 'application/json',
    'webhook-id': 'chk_1',
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign('chk_1', at, signedBody),
  };
  const response = await fetch(url, { method: 'POST', headers, body: payload });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe.each([
  [
    'node:http',
    async () => {
      const server = createServer(nodeListener(handler));
      return { url: `${await listen(server)}/check`, close: () => server.close() };
    },
  ],
  [
    'Express (with a JSON parser for the rest of the app)',
    async () => {
      const app = express();
      app.post('/check', expressHandler(handler));
      app.use(express.json());
      const server = createServer(app);
      return { url: `${await listen(server)}/check`, close: () => server.close() };
    },
  ],
  [
    'Express behind express.raw()',
    async () => {
      const app = express();
      app.post('/check', express.raw({ type: 'application/json' }), expressHandler(handler));
      const server = createServer(app);
      return { url: `${await listen(server)}/check`, close: () => server.close() };
    },
  ],
  [
    'Fastify',
    async () => {
      const app = Fastify();
      fastifyRoute(app, '/check', handler);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      return { url: `http://127.0.0.1:${port}/check`, close: () => void app.close() };
    },
  ],
])('check-back handler on %s', (_name, start) => {
  let target: { url: string; close: () => void };
  beforeAll(async () => {
    target = await start();
  });
  afterAll(() => target.close());

  it('verifies the raw body and answers the verdict', async () => {
    expect(await post(target.url, body)).toEqual({ status: 200, body: { status: 'ROLLBACK' } });
  });

  it('rejects a body that differs from what was signed', async () => {
    expect((await post(target.url, body.replace('"t1"', '"t2"'), body)).status).toBe(401);
  });
});
