import { appEnv, runToExit, startApp, startProcess, type AppProcess } from '../support/app-process';
import { expectEventually } from '../support/eventually';
import { HttpClient } from '../support/http-client';
import { proxyUrl, type TcpProxy } from '../support/tcp-proxy';
import { createTestEnv, type TestEnv } from '../support/test-env';

describe('operations: health, metrics, docs, config, shutdown', () => {
  let env: TestEnv;
  let app: AppProcess;
  let http: HttpClient;

  beforeAll(async () => {
    env = await createTestEnv();
    app = await startApp(env);
    http = new HttpClient(app.url);
  });
  afterAll(async () => {
    await app?.stop();
    await env?.close();
  });

  it('answers /health/live and /health/ready without a token', async () => {
    expect(await http.get('/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('serves Prometheus metrics including per-route HTTP counters', async () => {
    await http.get('/health/live');
    const metrics = await http.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toMatch(
      /txmsg_http_requests_total\{method="GET",route="\/health\/live",status="200"\} \d+/,
    );
    expect(metrics.text).toContain('txmsg_process_cpu_seconds_total');
  });

  it('serves the OpenAPI UI at /docs and the document at /docs-json', async () => {
    const ui = await http.get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
    const doc = await http.get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/topics/{topic}', '/v1/producer-groups/{group}', '/v1/admin/api-keys']),
    );
  });

  it('writes structured JSON logs', () => {
    const listening = app.logs.find((line) => line.includes('"msg":"listening"')) as string;
    expect(JSON.parse(listening)).toMatchObject({ level: 30, service: 'txmsg', url: app.url });
  });

  describe('readiness when a dependency is unreachable', () => {
    let proxied: AppProcess;
    let pgProxy: TcpProxy;
    let redisProxy: TcpProxy;

    beforeAll(async () => {
      const pg = await proxyUrl(env.databaseUrl);
      const redis = await proxyUrl(env.redisUrl);
      pgProxy = pg.proxy;
      redisProxy = redis.proxy;
      proxied = await startProcess({ ...appEnv(env), DATABASE_URL: pg.url, REDIS_URL: redis.url });
    });
    afterAll(async () => {
      await proxied?.stop('SIGKILL');
      await pgProxy?.close();
      await redisProxy?.close();
    });

    it('is 503 naming Postgres while Postgres is cut off, and 200 again after', async () => {
      const client = new HttpClient(proxied.url);
      pgProxy.cut();
      const down = await client.get('/health/ready');
      expect(down.status).toBe(503);
      expect(down.body.checks.postgres.status).toBe('down');
      expect(down.body.checks.redis.status).toBe('up');
      pgProxy.restore();
      await expectEventually(async () => expect((await client.get('/health/ready')).status).toBe(200));
    });

    it('is 503 naming Redis while Redis is cut off, and 200 again after', async () => {
      const client = new HttpClient(proxied.url);
      redisProxy.cut();
      const down = await client.get('/health/ready');
      expect(down.status).toBe(503);
      expect(down.body.checks.redis.status).toBe('down');
      expect(down.body.checks.postgres.status).toBe('up');
      // Degraded, not down: it says what still works and what waits for Redis.
      expect(down.body.status).toBe('degraded');
      expect(down.body.degraded.working).toEqual(expect.arrayContaining(['sends']));
      expect(down.body.degraded.waiting.join()).toMatch(/push/);
      redisProxy.restore();
      await expectEventually(async () => expect((await client.get('/health/ready')).status).toBe(200));
    });
  });

  it('refuses to start on invalid configuration, naming each bad variable', async () => {
    const result = await runToExit({
      ...appEnv(env),
      PORT: 'eighty',
      TXMSG_ROLES: 'api,juggling',
      LOG_LEVEL: 'loud',
    });
    expect(result.code).toBe(78);
    expect(result.output).toContain('Invalid configuration');
    expect(result.output).toMatch(/PORT/);
    expect(result.output).toMatch(/TXMSG_ROLES/);
    expect(result.output).toMatch(/LOG_LEVEL/);
  });

  it.each([
    ['DATABASE_URL', 'postgres://u@h1:5432,h2:5432/db?target_session_attrs=sometimes'],
    ['DATABASE_URL', 'postgres://u@h1:5432,h2:port/db'],
    ['REDIS_URL', 'redis//127.0.0.1:6379'],
    ['REDIS_URL', 'redis://127.0.0.1:6379/cache'],
    ['REDIS_SENTINELS', '127.0.0.1:26379,127.0.0.1'],
  ])(
    'stops at start on a malformed %s (%s): exit 78, one line naming it, no stack trace',
    async (name, value) => {
      const vars: Record<string, string> = { ...appEnv(env), [name]: value };
      if (name === 'REDIS_SENTINELS') {
        delete vars.REDIS_URL;
        vars.REDIS_SENTINEL_NAME = 'txmsg';
      }
      const result = await runToExit(vars);
      expect(result.code).toBe(78);
      const lines = result.output.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^txmsg: Invalid configuration: ${name}: ${name} is not valid: `));
      expect(result.output).not.toMatch(/\n\s+at /);
    },
  );

  it('does not serve /v1 on an instance whose TXMSG_ROLES exclude api, but still reports health', async () => {
    const worker = await startApp(env, { TXMSG_ROLES: 'checkback,dispatch' });
    try {
      const client = new HttpClient(worker.url, env.adminToken);
      expect((await client.get('/health/ready')).status).toBe(200);
      const refused = await client.get('/v1/topics');
      expect(refused.status).toBe(503);
      expect(refused.body.error).toBe('service_unavailable');
    } finally {
      await worker.stop();
    }
  });

  it('drains and exits 0 on SIGTERM', async () => {
    const instance = await startApp(env);
    const ended = await instance.stop('SIGTERM');
    expect(ended).toEqual({ code: 0, signal: null });
    expect(instance.logs.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
  });
});
