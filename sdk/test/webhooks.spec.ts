// Signature checks and the two handlers, against payloads signed as txmsg signs them; retries
// against a real local HTTP server.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import {
  checkbackHandler,
  pushHandler,
  retryingFetchForTest,
  TxmsgClient,
  TxmsgError,
} from './sdk-under-test';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

function signed(key: string, body: string, at = new Date()) {
  const id = `msg_${randomBytes(6).toString('hex')}`;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(key).sign(id, at, body),
  };
}

const check = JSON.stringify({
  type: 'transaction.check',
  transactionId: '01900000-0000-7000-8000-000000000001',
  producerGroup: 'orders-svc',
  attempt: 1,
  createdAt: new Date().toISOString(),
  messages: [],
});

describe('check-back handler', () => {
  const current = secret();
  const previous = secret();
  const handler = checkbackHandler({ secrets: [current, previous], decide: async () => 'COMMIT' });

  it('answers exactly the verdict body to a correctly signed check', async () => {
    expect(await handler(check, signed(current, check))).toEqual({ status: 200, body: { status: 'COMMIT' } });
  });

  it('accepts the previous secret during a rotation', async () => {
    expect((await handler(check, signed(previous, check))).status).toBe(200);
  });

  it('rejects a tampered body, an old timestamp and a wrong secret', async () => {
    const tampered = check.replace('"attempt":1', '"attempt":2');
    expect((await handler(tampered, signed(current, check))).status).toBe(401);
    const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
    expect((await handler(check, signed(current, check, sixMinutesAgo))).status).toBe(401);
    expect((await handler(check, signed(secret(), check))).status).toBe(401);
    expect((await handler(check, {})).status).toBe(401);
  });

  it('answers 500 when decide fails, so txmsg asks again later', async () => {
    const failing = checkbackHandler({
      secrets: [current],
      decide: async () => {
        throw new Error('database down');
      },
    });
    expect((await failing(check, signed(current, check))).status).toBe(500);
  });
});

describe('push handler', () => {
  const key = secret();
  const body = JSON.stringify({ id: 'm1', topic: 't', body: { n: 1 }, attempt: 1 });

  it('acks with 200 when handle resolves, and hands it the parsed message', async () => {
    const seen: unknown[] = [];
    const handler = pushHandler({ secrets: [key], handle: async (message) => void seen.push(message) });
    expect((await handler(body, signed(key, body))).status).toBe(200);
    expect(seen).toEqual([JSON.parse(body)]);
  });

  it('handles a batched push message by message and names the failed ones', async () => {
    const message = (id: string) => ({ ...JSON.parse(body), id });
    const batch = JSON.stringify({ messages: [message('m1'), message('m2'), message('m3')] });
    const handled: string[] = [];
    const handler = pushHandler({
      secrets: [key],
      handle: async (m) => {
        handled.push(m.id);
        if (m.id === 'm2') throw new Error('no');
        if (m.id === 'm3') return { retryAfterSeconds: 5 };
      },
    });
    expect(await handler(batch, signed(key, batch))).toMatchObject({
      status: 200,
      body: { failed: ['m2', 'm3'] },
    });
    expect(handled.sort()).toEqual(['m1', 'm2', 'm3']);
    expect((await handler(batch, signed(secret(), batch))).status).toBe(401);
  });

  it('answers 503 with Retry-After when handle asks for a delay, 500 when it throws', async () => {
    const later = pushHandler({ secrets: [key], handle: async () => ({ retryAfterSeconds: 7.2 }) });
    expect(await later(body, signed(key, body))).toMatchObject({
      status: 503,
      headers: { 'retry-after': '8' },
    });
    const failing = pushHandler({
      secrets: [key],
      handle: async () => {
        throw new Error('no');
      },
    });
    expect((await failing(body, signed(key, body))).status).toBe(500);
    expect((await failing(body, signed(secret(), body))).status).toBe(401);
  });
});

describe('retries', () => {
  let server: Server;
  let url: string;
  const seen: { path: string; key?: string }[] = [];
  let failures = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', key: req.headers['idempotency-key'] as string | undefined });
      if (req.url?.startsWith('/v1/topics/flaky') && failures-- > 0) {
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      if (req.url?.startsWith('/v1/topics/bad')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ statusCode: 404, error: 'not_found', message: 'no topic bad', details: [] }),
        );
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'x' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('retries 503 with the same Idempotency-Key, and never a 4xx', async () => {
    const client = new TxmsgClient({ url, token: 't', retry: { baseDelayMs: 1 } });
    failures = 2;
    seen.length = 0;
    expect(await client.send('flaky', { body: 1 })).toEqual({ id: 'x' });
    expect(seen.map((s) => s.path)).toEqual(Array(3).fill('/v1/topics/flaky/messages'));
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);

    seen.length = 0;
    const error = await client.send('bad', { body: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TxmsgError);
    expect(error).toMatchObject({ status: 404, code: 'not_found', message: 'no topic bad' });
    expect(seen).toHaveLength(1);
  });

  it('gives up on an unreachable service with a connection_failed TxmsgError', async () => {
    const fetchOnce = retryingFetchForTest({ retries: 2, baseDelayMs: 1 });
    const error = await fetchOnce(new Request('http://127.0.0.1:9/none')).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 0, code: 'connection_failed' });
  });
});
