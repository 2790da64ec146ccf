// Faults, as they happen in production (G1–G3, G6): three instances share one Postgres and one
// Redis of their own while producers commit, roll back and abandon transactions and a consumer
// acks pushes. Instances are killed with SIGKILL and restarted, Redis is flushed and restarted,
// Postgres is restarted. Afterwards every committed message must have arrived, nothing rolled
// back may have, nothing acked may come back (except where a SIGKILL fell between the consumer's
// 2xx and its record, which is counted and reported), and no message may be pushed twice at once.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { startProcess, type AppProcess } from '../support/app-process';
import { expectEventually } from '../support/eventually';
import { HttpClient } from '../support/http-client';
import { startHttpPeer, type HttpPeer } from '../support/http-peer';
import { startServicesProcess, type ServicesProcess } from '../support/services-process';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

const ADMIN = `faults-admin-${randomUUID()}`;
const LOAD_SECONDS = 36;
const PRODUCERS = 6;
const PUSH_TIMEOUT_MS = 2000;
/** A SIGKILL may fall after the consumer's 2xx and before its record: such a push comes back once. */
const KILL_WINDOW_MS = PUSH_TIMEOUT_MS + 1000;

describe('faults: SIGKILL, Redis flush and restart, Postgres restart (G1–G3, G6)', () => {
  let services: ServicesProcess;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let env: Record<string, string>;
  const instances: (AppProcess | null)[] = [null, null, null];
  let consumer: HttpPeer;
  let checkback: HttpPeer;

  const portOf = (url: string) => Number(new URL(url).port);

  beforeAll(async () => {
    services = await startServicesProcess();
    const admin = new Client({ connectionString: services.urls.postgres });
    await admin.connect();
    await admin.query('CREATE DATABASE txmsg_faults');
    await admin.end();
    pgProxy = await startTcpProxy('127.0.0.1', portOf(services.urls.postgres));
    redisProxy = await startTcpProxy('127.0.0.1', portOf(services.urls.redis));
    // The instances reach both through proxies, so a restart on a new port keeps their URLs.
    const pgUrl = new URL(services.urls.postgres);
    pgUrl.pathname = '/txmsg_faults';
    pgUrl.port = String(pgProxy.port);
    env = {
      DATABASE_URL: pgUrl.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      TXMSG_ADMIN_TOKEN: ADMIN,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TXMSG_RECONCILE_INTERVAL_MS: '1000',
      TXMSG_CHECKBACK_POLL_MS: '200',
      TXMSG_DB_CONNECT_TIMEOUT_MS: '1500',
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((app) => app?.stop('SIGKILL')));
    await Promise.all([consumer?.close(), checkback?.close(), pgProxy?.close(), redisProxy?.close()]);
    await services?.stop();
  });

  const allApps: AppProcess[] = [];
  const start = async (i: number) => {
    // LOG_LEVEL warn: the "listening" line is info, so start at info and let warnings through.
    instances[i] = await startProcess({ ...env, LOG_LEVEL: 'info' });
    allApps.push(instances[i] as AppProcess);
  };
  const live = () => instances.filter((app): app is AppProcess => app !== null);
  const client = () => {
    const apps = live();
    return new HttpClient(apps[Math.floor(Math.random() * apps.length)].url, ADMIN);
  };

  it('loses nothing, delivers nothing uncommitted, and never pushes a message twice at once', async () => {
    for (let i = 0; i < instances.length; i++) await start(i);
    const http = client();

    // What the consumer saw: first 2xx per message, pushes in flight per message, everything after an ack.
    const ackedAt = new Map<string, number>();
    const inflight = new Map<string, number>();
    const afterAck: { id: string; ackedAt: number }[] = [];
    let concurrent = 0;
    consumer = await startHttpPeer(async (request) => {
      const id = request.body?.id as string;
      const busy = (inflight.get(id) ?? 0) + 1;
      inflight.set(id, busy);
      if (busy > 1) concurrent++;
      const acked = ackedAt.get(id);
      if (acked !== undefined) afterAck.push({ id, ackedAt: acked });
      await new Promise((resolve) => setTimeout(resolve, 15));
      inflight.set(id, (inflight.get(id) ?? 1) - 1);
      if (acked === undefined) ackedAt.set(id, Date.now());
      return { status: 200 };
    });
    // The producer's own record of what it decided, as its check-back endpoint answers it.
    const intent = new Map<string, 'COMMIT' | 'ROLLBACK'>();
    checkback = await startHttpPeer((request) => ({
      status: 200,
      body: { status: intent.get(request.body?.transactionId) ?? 'ROLLBACK' },
    }));

    expect((await http.put('/v1/topics/orders', {})).status).toBe(201);
    expect(
      (
        await http.put('/v1/producer-groups/orders-svc', {
          checkbackUrl: checkback.url,
          checkImmunitySeconds: 2,
          checkIntervalSeconds: 1,
          maxCheckIntervalSeconds: 2,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await http.put('/v1/consumer-groups/shipping', {
          topic: 'orders',
          delivery: { type: 'push', url: consumer.url, timeoutMs: PUSH_TIMEOUT_MS, maxConcurrency: 16 },
          retryBackoffSeconds: [1],
        })
      ).status,
    ).toBe(201);

    const committed = new Set<string>();
    const serverErrors: string[] = [];
    const rolledBack = new Set<string>();
    const kills: number[] = [];
    let stop = false;
    const retrying = async <T>(
      call: () => Promise<{ status: number; body: T }>,
      ok: (status: number) => boolean,
    ) => {
      for (let tries = 0; tries < 200 && !stopRetrying; tries++) {
        try {
          const answer = await call();
          if (answer.status >= 500 && answer.status !== 503)
            serverErrors.push(`${answer.status} ${JSON.stringify(answer.body)}`);
          if (ok(answer.status)) return answer;
          if (answer.status < 500)
            throw new Error(`unexpected ${answer.status}: ${JSON.stringify(answer.body)}`);
        } catch (error) {
          if (String(error).includes('unexpected')) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return null;
    };
    let stopRetrying = false;

    const producer = async () => {
      while (!stop) {
        const roll = Math.random();
        const fate: 'commit' | 'rollback' | 'abandon' =
          roll < 0.7 ? 'commit' : roll < 0.85 ? 'rollback' : 'abandon';
        const idempotencyKey = randomUUID();
        const prepared = await retrying(
          () =>
            client().post(
              '/v1/transactions',
              {
                producerGroup: 'orders-svc',
                messages: [{ topic: 'orders', body: { fate }, key: idempotencyKey }],
              },
              { headers: { 'idempotency-key': idempotencyKey } },
            ),
          (status) => status === 201 || status === 200,
        );
        if (!prepared) continue;
        const { id, messageIds } = prepared.body as { id: string; messageIds: string[] };
        if (fate === 'abandon') {
          intent.set(id, 'COMMIT'); // the local transaction committed; the commit call never came
          messageIds.forEach((m) => committed.add(m));
          continue;
        }
        intent.set(id, fate === 'commit' ? 'COMMIT' : 'ROLLBACK');
        const decided = await retrying(
          () => client().post(`/v1/transactions/${id}/${fate}`),
          (status) => status === 200,
        );
        if (decided) messageIds.forEach((m) => (fate === 'commit' ? committed : rolledBack).add(m));
      }
    };

    const faults = async () => {
      const at = async (seconds: number, fault: () => Promise<void>) => {
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        await fault();
      };
      const killAndRestart = async (i: number) => {
        kills.push(Date.now());
        await instances[i]?.stop('SIGKILL');
        instances[i] = null;
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await start(i);
      };
      await at(4, () => killAndRestart(0));
      await at(4, async () => {
        const direct = new Redis(services.urls.redis);
        await direct.flushall();
        await direct.quit();
      });
      await at(4, async () => {
        services.urls = await services.restartRedis();
        redisProxy.retarget(portOf(services.urls.redis));
      });
      await at(5, async () => {
        services.urls = await services.restartPostgres();
        pgProxy.retarget(portOf(services.urls.postgres));
      });
      await at(5, () => killAndRestart(1));
      await at(4, () => killAndRestart(2));
    };

    const load = Promise.all(Array.from({ length: PRODUCERS }, producer));
    await faults();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, LOAD_SECONDS * 1000 - 26_000)));
    stop = true;
    await load;
    stopRetrying = true;

    // Everything committed arrives, leases of killed pushes included (time-out + 30 s margin).
    await expectEventually(async () => {
      const missing = [...committed].filter((id) => !ackedAt.has(id));
      expect(missing).toEqual([]);
    }, 90_000);

    const lost = [...committed].filter((id) => !ackedAt.has(id)).length;
    const uncommittedDelivered = [...ackedAt.keys()].filter((id) => !committed.has(id)).length;
    // The consumer's 2xx and the SIGKILL race: the push may have left a process that died while
    // the consumer answered, or just after; its lease then runs out and the message comes back.
    const explained = afterAck.filter(({ ackedAt }) =>
      kills.some((kill) => Math.abs(kill - ackedAt) <= KILL_WINDOW_MS),
    );
    const report = {
      transactions: committed.size + rolledBack.size,
      committed: committed.size,
      rolledBack: rolledBack.size,
      delivered: ackedAt.size,
      lost,
      uncommittedDelivered,
      deliveredBeforeCommitOrAfterRollback: [...ackedAt.keys()].filter((id) => rolledBack.has(id)).length,
      concurrentDuplicates: concurrent,
      answers5xxOtherThan503: serverErrors.length,
      redeliveredAfterAck: afterAck.length,
      redeliveredAfterAckExplainedByKill: explained.length,
      kills: kills.length,
    };
    process.stdout.write(`faults report: ${JSON.stringify(report)}\n`);
    const unhandled = allApps.flatMap((app) => app.logs.filter((line) => line.includes('unhandled error')));
    expect(unhandled).toEqual([]);
    expect(report.committed).toBeGreaterThan(100);
    expect(report.rolledBack).toBeGreaterThan(10);
    expect({
      lost,
      uncommittedDelivered,
      concurrent,
      unexplainedRedeliveries: afterAck.length - explained.length,
    }).toEqual({
      lost: 0,
      uncommittedDelivered: 0,
      concurrent: 0,
      unexplainedRedeliveries: 0,
    });
    // A rolled-back transaction's message never arrives, even after every lease has run out.
    expect([...rolledBack].filter((id) => ackedAt.has(id))).toEqual([]);
  }, 240_000);
});
