// Issue-level hardening (G7, G2): every class of bad input found by fuzzing is a 4xx in the SPEC
// shape that changes nothing; outages are 503 with Retry-After; framework errors keep the shape;
// outbound requests cannot reach link-local or metadata addresses.
import { connect } from 'node:net';
import { appEnv, startApp, startProcess, type AppProcess } from '../support/app-process';
import { createGroup, createTopic, producerGroup, uniqueName } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { expectError, HttpClient, type HttpResult } from '../support/http-client';
import { startHttpPeer } from '../support/http-peer';
import { useService } from '../support/service-fixture';
import { proxyUrl } from '../support/tcp-proxy';
import { countRows, createTestEnv, type TestEnv } from '../support/test-env';

const TABLES = ['topics', 'producer_groups', 'consumer_groups', 'messages', 'transactions', 'api_keys'];

/** Sends one raw HTTP request and reads the whole answer (status line, headers, body). */
function rawRequest(url: string, text: string): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, body] = answer.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(body) });
    });
  });
}

describe('hardening: bad input, outages and outbound safety (G7, G2)', () => {
  const service = useService();
  let topic: string;
  let group: string;

  beforeAll(async () => {
    topic = await createTopic(service.http);
    group = (await createGroup(service.http, topic, { filter: { tags: ['A'] }, delivery: { type: 'pull' } }))
      .name;
  });

  const counts = () => Promise.all(TABLES.map((table) => countRows(service.env.db, table)));
  /** Asserts a 400 validation_failed naming `field`, and that no table changed. */
  async function refused(
    request: () => Promise<HttpResult>,
    field: string,
    status = 400,
    code = 'validation_failed',
  ) {
    const before = await counts();
    const error = expectError(await request(), status, code);
    if (field) expect(error.details.map((d) => d.field)).toContain(field);
    expect(await counts()).toEqual(before);
  }
  const json = (method: string, path: string, rawBody: string) =>
    service.http.request(method, path, { rawBody, headers: { 'content-type': 'application/json' } });

  describe('text Postgres cannot store', () => {
    it.each([
      [
        'a NUL in a topic description',
        'PUT',
        '/v1/topics/nul-topic',
        '{"description":"a\\u0000b"}',
        'description',
      ],
      [
        'a NUL in a message body',
        'POST',
        '/v1/topics/TOPIC/messages',
        '{"body":{"note":"a\\u0000b"}}',
        'body.note',
      ],
      [
        'a lone surrogate in a message body',
        'POST',
        '/v1/topics/TOPIC/messages',
        '{"body":"\\ud800"}',
        'body',
      ],
      [
        'a NUL in a header name',
        'POST',
        '/v1/topics/TOPIC/messages',
        '{"body":1,"headers":{"a\\u0000":"v"}}',
        'headers.a\u0000',
      ],
      [
        'a lone surrogate in a header value',
        'POST',
        '/v1/topics/TOPIC/messages',
        '{"body":1,"headers":{"h":"\\udc00x"}}',
        'headers.h',
      ],
      ['a NUL in a key', 'POST', '/v1/topics/TOPIC/messages', '{"body":1,"key":"k\\u0000"}', 'key'],
    ])('refuses %s', async (_what, method, path, body, field) => {
      await refused(() => json(method, path.replace('TOPIC', topic), body), field);
    });

    it('refuses a NUL in a query parameter and in a cursor', async () => {
      await refused(() => service.http.get('/v1/messages?key=a%00b'), 'key');
      const cursor = Buffer.from(JSON.stringify(['a\u0000'])).toString('base64url');
      await refused(() => service.http.get(`/v1/topics?cursor=${cursor}`), 'cursor');
    });
  });

  describe('nesting', () => {
    it('refuses a body nested deeper than 64 levels (a 6 KB body 3,000 deep was a 500)', async () => {
      const deep = '['.repeat(3000) + ']'.repeat(3000);
      const error = expectError(
        await json('POST', `/v1/topics/${topic}/messages`, `{"body":${deep}}`),
        400,
        'validation_failed',
      );
      expect(error.message).toContain('nests deeper than 64 levels');
    });

    it('keeps a message body opaque: keys like toString or constructor and nulls inside it are data', async () => {
      const body = {
        toString: 'x',
        constructor: null,
        nested: { hasOwnProperty: [1, null], deep: JSON.parse('['.repeat(50) + ']'.repeat(50)) },
      };
      const sent = await service.http.post(`/v1/topics/${topic}/messages`, { body });
      expect(sent.status).toBe(201);
      expect((await service.http.get(`/v1/messages/${sent.body.id}`)).body.body).toEqual(body);
    });
  });

  describe('shapes', () => {
    it('refuses an array where an object is required, leaving the group as it was', async () => {
      await refused(
        () =>
          service.http.put(`/v1/consumer-groups/${group}`, { topic, filter: [], delivery: { type: 'pull' } }),
        'filter',
      );
      await refused(
        () => service.http.put(`/v1/consumer-groups/${group}`, { topic, delivery: [] }),
        'delivery',
      );
      await refused(
        () =>
          service.http.put(`/v1/consumer-groups/${group}`, { topic, delivery: { type: 'pull' }, dedupe: [] }),
        'dedupe',
      );
      await refused(
        () => service.http.post(`/v1/topics/${topic}/messages/batch`, { messages: [[]] }),
        'messages',
      );
      const producer = await producerGroup(service.http);
      await refused(
        () => service.http.post('/v1/transactions', { producerGroup: producer, messages: [[]] }),
        'messages',
      );
      expect((await service.http.get(`/v1/consumer-groups/${group}`)).body.filter).toEqual({ tags: ['A'] });
    });

    it.each(['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf'])(
      'refuses an unknown field named %s',
      async (name) => {
        await refused(() => json('PUT', '/v1/topics/proto-topic', `{"description":"x","${name}":1}`), name);
        await refused(
          () =>
            json(
              'PUT',
              `/v1/consumer-groups/${group}`,
              `{"topic":"${topic}","delivery":{"type":"pull","${name}":1}}`,
            ),
          `delivery.${name}`,
        );
      },
    );

    it('refuses an explicit null for an optional setting instead of storing it', async () => {
      await refused(
        () =>
          service.http.put('/v1/producer-groups/nulled', {
            checkbackUrl: 'http://127.0.0.1:9/x',
            maxChecks: null,
          }),
        'maxChecks',
      );
      await refused(
        () =>
          service.http.put(`/v1/consumer-groups/${group}`, { topic, mode: null, delivery: { type: 'pull' } }),
        'mode',
      );
    });

    it('parses JSON only: a form-encoded body is 415', async () => {
      await refused(
        () =>
          service.http.request('PUT', '/v1/topics/form-topic', {
            rawBody: 'description=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          }),
        '',
        415,
        'unsupported_media_type',
      );
    });
  });

  describe('times and cursors', () => {
    it.each([
      true,
      0,
      1_700_000_000_000,
      '0',
      'yesterday',
      '+275760-09-13T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '2026-13-45T00:00:00Z',
    ])('refuses replay from %j', async (from) => {
      await refused(() => service.http.post(`/v1/consumer-groups/${group}/replay`, { from }), 'from');
    });

    it('refuses message-list times Postgres cannot store', async () => {
      await refused(() => service.http.get('/v1/messages?from=0'), 'from');
      await refused(() => service.http.get('/v1/messages?to=%2B275760-09-13T00%3A00%3A00Z'), 'to');
    });

    it.each([
      '/v1/topics',
      '/v1/producer-groups',
      '/v1/consumer-groups',
      '/v1/admin/api-keys',
      '/v1/admin/audit',
      `/v1/consumer-groups/GROUP/dead-letters`,
    ])('refuses a forged cursor on %s', async (path) => {
      const forged = Buffer.from(JSON.stringify(['not a name or id; DROP'])).toString('base64url');
      await refused(() => service.http.get(`${path.replace('GROUP', group)}?cursor=${forged}`), 'cursor');
    });

    it('refuses a (time, id) cursor that JavaScript can read but Postgres cannot', async () => {
      for (const at of ['Sat Nov 21 2026', '2026-11-21', '+275760-09-13 00:00:00+00']) {
        const forged = Buffer.from(JSON.stringify([at, '01a1fdba-7470-7244-b0c0-c709e6cdd615'])).toString(
          'base64url',
        );
        await refused(() => service.http.get(`/v1/messages?cursor=${forged}`), 'cursor');
        await refused(() => service.http.get(`/v1/admin/transactions?cursor=${forged}`), 'cursor');
      }
    });
  });

  describe('errors raised before routing keep the SPEC shape', () => {
    it('answers a bad percent-escape in the path with 400', async () => {
      expectError(await service.http.get('/v1/topics/%E0%A4%A'), 400, 'validation_failed');
    });

    it('answers a path segment over 1,024 characters with 414', async () => {
      expectError(await service.http.get(`/v1/topics/${'a'.repeat(1100)}`), 414, 'uri_too_long');
    });

    it('answers a malformed request line with 400 and headers over 16 KiB with 431', async () => {
      const badLine = await rawRequest(service.app.url, 'GET /v1 topics HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(badLine).toEqual({
        status: 400,
        body: { statusCode: 400, error: 'validation_failed', message: expect.any(String), details: [] },
      });
      const big = await rawRequest(
        service.app.url,
        `GET /v1/topics HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(big).toEqual({
        status: 431,
        body: { statusCode: 431, error: 'headers_too_large', message: expect.any(String), details: [] },
      });
    });

    it('tags every answer with a request id', async () => {
      const answer = await service.http.get('/v1/topics');
      expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('outbound destinations', () => {
    it.each([
      ['http://169.254.169.254/latest/meta-data', 'checkbackUrl'],
      ['http://[fe80::1]:8080/check', 'checkbackUrl'],
      ['http://100.100.100.200/', 'checkbackUrl'],
      ['http://0.0.0.0:9/', 'checkbackUrl'],
    ])('refuses the check-back URL %s', async (checkbackUrl, field) => {
      await refused(
        () => service.http.put(`/v1/producer-groups/${uniqueName('pg')}`, { checkbackUrl }),
        field,
      );
    });

    it('refuses a push URL in a denied range, and a broadcast list with one', async () => {
      await refused(
        () =>
          service.http.put(`/v1/consumer-groups/${uniqueName('cg')}`, {
            topic,
            delivery: { type: 'push', url: 'http://169.254.169.254/' },
          }),
        'delivery.url',
      );
      await refused(
        () =>
          service.http.put(`/v1/consumer-groups/${uniqueName('cg')}`, {
            topic,
            mode: 'broadcasting',
            delivery: { type: 'push', urls: ['http://127.0.0.1:9/a', 'http://169.254.169.254/b'] },
          }),
        'delivery.urls',
      );
    });

    it('allows private and loopback networks, where producers and consumers live', async () => {
      for (const url of [
        'http://10.1.2.3/check',
        'http://192.168.0.10/check',
        'http://127.0.0.1:9/check',
        'http://localhost:9/check',
      ]) {
        expect(
          (await service.http.put(`/v1/producer-groups/${uniqueName('pg')}`, { checkbackUrl: url })).status,
        ).toBe(201);
      }
    });
  });
});

describe('hardening across instances and outages', () => {
  let env: TestEnv;
  const apps: AppProcess[] = [];
  beforeAll(async () => {
    env = await createTestEnv();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop('SIGKILL')));
  });
  afterAll(() => env?.close());

  /** An instance whose Postgres connection goes through a proxy the test can cut. */
  async function startBehindPostgresProxy(extra: Record<string, string> = {}) {
    const pg = await proxyUrl(env.databaseUrl);
    const app = await startProcess({ ...appEnv(env), DATABASE_URL: pg.url, ...extra });
    apps.push(app);
    return { pg, app, http: new HttpClient(app.url, env.adminToken) };
  }

  it('checks the deny list again when connecting, after resolving the name', async () => {
    // Configured where loopback is allowed; checked by an instance that denies it.
    const permissive = await startApp(env, { TXMSG_ROLES: 'api' });
    apps.push(permissive);
    const http = new HttpClient(permissive.url, env.adminToken);
    const checkback = await startHttpPeer(() => ({ status: 200, body: { status: 'COMMIT' } }));
    try {
      const port = new URL(checkback.url).port;
      const pg = uniqueName('pg');
      expect(
        (
          await http.put(`/v1/producer-groups/${pg}`, {
            checkbackUrl: `http://localhost:${port}/check`,
            checkImmunitySeconds: 0,
          })
        ).status,
      ).toBe(201);
      const topic = await createTopic(http);
      const tx = await http.post('/v1/transactions', { producerGroup: pg, messages: [{ topic, body: 1 }] });
      const strict = await startApp(env, {
        TXMSG_ROLES: 'checkback',
        TXMSG_CHECKBACK_POLL_MS: '100',
        TXMSG_OUTBOUND_DENY: '127.0.0.0/8,::1/128',
      });
      apps.push(strict);
      await expectEventually(async () => {
        const detail = (await http.get(`/v1/transactions/${tx.body.id}`)).body;
        expect(detail.checkHistory[0]).toMatchObject({
          outcome: 'ERROR',
          error: expect.stringContaining('refused'),
        });
        expect(detail.state).toBe('PREPARED');
      }, 15_000);
      expect(checkback.received).toHaveLength(0);
    } finally {
      await checkback.close();
    }
  });

  it('answers 503 with Retry-After, never 500, while Postgres is unreachable, and recovers', async () => {
    const { pg, app, http } = await startBehindPostgresProxy({ TXMSG_DB_CONNECT_TIMEOUT_MS: '1000' });
    try {
      const topic = await createTopic(http);
      const producer = await producerGroup(http);
      const tx = await http.post('/v1/transactions', {
        producerGroup: producer,
        messages: [{ topic, body: 1 }],
      });
      pg.proxy.cut();
      const answers = await Promise.all([
        http.post('/v1/transactions', { producerGroup: producer, messages: [{ topic, body: 2 }] }),
        http.post(`/v1/transactions/${tx.body.id}/commit`),
        http.post(`/v1/topics/${topic}/messages`, { body: 3 }),
        http.get(`/v1/topics/${topic}`),
      ]);
      for (const answer of answers) {
        expectError(answer, 503, 'service_unavailable');
        expect(answer.headers.get('retry-after')).toBe('2');
      }
      pg.proxy.restore();
      await expectEventually(async () =>
        expect((await http.post(`/v1/transactions/${tx.body.id}/commit`)).status).toBe(200),
      );
      expect(
        app.logs.filter((line) => line.includes('"statusCode":500') || line.includes('unhandled error')),
      ).toEqual([]);
    } finally {
      await pg.proxy.close();
    }
  });

  it('answers 503 while Redis is unreachable, and logs no unhandled ioredis error', async () => {
    const redis = await proxyUrl(env.redisUrl);
    const app = await startProcess({ ...appEnv(env), REDIS_URL: redis.url });
    apps.push(app);
    const http = new HttpClient(app.url, env.adminToken);
    try {
      const topic = await createTopic(http);
      const { name } = await createGroup(http, topic, { delivery: { type: 'pull' } });
      redis.proxy.cut();
      const claim = await http.post(`/v1/consumer-groups/${name}/claims`, { key: 'order-1' });
      expectError(claim, 503, 'service_unavailable');
      await new Promise((resolve) => setTimeout(resolve, 1500)); // let every client notice the outage
      redis.proxy.restore();
      await expectEventually(async () =>
        expect((await http.post(`/v1/consumer-groups/${name}/claims`, { key: 'order-1' })).status).toBe(201),
      );
      expect(app.logs.filter((line) => line.includes('Unhandled error event'))).toEqual([]);
    } finally {
      await redis.proxy.close();
    }
  });

  it('remembers every push a consumer acknowledged while Postgres was briefly unreachable', async () => {
    const { pg, http } = await startBehindPostgresProxy({ TXMSG_RECONCILE_INTERVAL_MS: '600000' });
    let held = 0;
    const consumer = await startHttpPeer(async () => {
      // Every push finds the database gone while the consumer answers 2xx; it is back 2 s later.
      if (++held === 1) {
        pg.proxy.cut();
        setTimeout(() => pg.proxy.restore(), 2000);
      }
      return { status: 200, delayMs: 200 };
    });
    try {
      const topic = await createTopic(http);
      const { name } = await createGroup(http, topic, {
        delivery: { type: 'push', url: consumer.url, maxConcurrency: 20, timeoutMs: 5000 },
      });
      const sent = await http.post(`/v1/topics/${topic}/messages/batch`, {
        messages: Array.from({ length: 20 }, (_, i) => ({ body: i })),
      });
      expect(sent.status).toBe(201);
      await expectEventually(async () => {
        const { rows } = await env.db.query(
          `SELECT state, attempts, count(*)::int AS n FROM deliveries WHERE consumer_group = $1 GROUP BY 1, 2`,
          [name],
        );
        expect(rows).toEqual([{ state: 'acked', attempts: 1, n: 20 }]);
      }, 20_000);
      expect(consumer.received).toHaveLength(20);
      expect(new Set(consumer.received.map((r) => r.body.id)).size).toBe(20);
    } finally {
      await consumer.close();
      await pg.proxy.close();
    }
  });

  it('records a check-back verdict that arrives while Postgres is briefly unreachable', async () => {
    const { pg, http } = await startBehindPostgresProxy({ TXMSG_CHECKBACK_POLL_MS: '100' });
    const checkback = await startHttpPeer(() => {
      pg.proxy.cut();
      setTimeout(() => pg.proxy.restore(), 2000);
      return { status: 200, body: { status: 'COMMIT' } };
    });
    try {
      const topic = await createTopic(http);
      const pgName = uniqueName('pg');
      await http.put(`/v1/producer-groups/${pgName}`, {
        checkbackUrl: checkback.url,
        checkImmunitySeconds: 1,
      });
      const tx = await http.post('/v1/transactions', {
        producerGroup: pgName,
        messages: [{ topic, body: 1 }],
      });
      await expectEventually(async () => {
        const detail = (await http.get(`/v1/transactions/${tx.body.id}`)).body;
        expect(detail).toMatchObject({ state: 'COMMITTED', resolvedBy: 'checkback', checks: 1 });
      }, 20_000);
      expect(checkback.received).toHaveLength(1);
    } finally {
      await checkback.close();
      await pg.proxy.close();
    }
  });

  it('answers a pull ack sent during an outage with 503, and the retried ack takes effect', async () => {
    const { pg, http } = await startBehindPostgresProxy({ TXMSG_DB_CONNECT_TIMEOUT_MS: '1000' });
    try {
      const topic = await createTopic(http);
      const { name } = await createGroup(http, topic, { delivery: { type: 'pull' } });
      await http.post(`/v1/topics/${topic}/messages`, { body: 'ack me' });
      const received = await http.post(`/v1/consumer-groups/${name}/receive`, { waitSeconds: 5 });
      const handle = received.body.messages[0].receiptHandle;
      pg.proxy.cut();
      expectError(
        await http.post(`/v1/consumer-groups/${name}/ack`, { receiptHandles: [handle] }),
        503,
        'service_unavailable',
      );
      pg.proxy.restore();
      await expectEventually(async () => {
        expect(
          (await http.post(`/v1/consumer-groups/${name}/ack`, { receiptHandles: [handle] })).body,
        ).toEqual({ acked: 1, expired: [] });
      });
    } finally {
      await pg.proxy.close();
    }
  });
});
