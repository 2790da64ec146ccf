// Redis behind Sentinel (SPEC §2): an instance given REDIS_SENTINELS reaches the master they name
// with every connection, and when that master is killed under load (SIGKILL, a machine lost) it
// follows the promoted replica without a restart: sends go on (Postgres is the truth), pushes
// lose nothing and repeat nothing after an ack, and claims work again on the new master.
import { Redis } from 'ioredis';
import { appEnv, startProcess, type AppProcess } from '../support/app-process';
import { createGroup, createTopic } from '../support/delivery-fixture';
import type { Seen } from '../support/delivery-history';
import { expectEventually } from '../support/eventually';
import { expectSettledHistoryHolds } from '../support/history-facts';
import { HttpClient } from '../support/http-client';
import { startRecordingPushConsumer, type RecordingPushConsumer } from '../support/recording-consumer';
import {
  SENTINEL_MASTER_NAME,
  startRedisSentinelSet,
  type RedisSentinelSet,
} from '../support/redis-sentinel-set';
import { createTestEnv, type TestEnv } from '../support/test-env';

const LOAD_MS = 8000;

describe('Redis Sentinel: the master killed under load', () => {
  let set: RedisSentinelSet;
  let env: TestEnv;
  let app: AppProcess;
  let consumer: RecordingPushConsumer;
  const history: Seen[] = [];

  beforeAll(async () => {
    set = await startRedisSentinelSet();
    env = await createTestEnv();
    const vars = appEnv(env, {
      REDIS_SENTINELS: set.sentinels,
      REDIS_SENTINEL_NAME: SENTINEL_MASTER_NAME,
      TXMSG_RECONCILE_INTERVAL_MS: '500',
    });
    delete vars.REDIS_URL;
    app = await startProcess(vars);
    consumer = await startRecordingPushConsumer(history, () => ({ status: 200 }));
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGKILL');
    await consumer?.close();
    await set?.stop();
    await env?.close();
  });

  it('keeps sending and pushing through the failover, and claims work on the new master', async () => {
    const http = new HttpClient(app.url, env.adminToken);
    const topic = await createTopic(http);
    const group = await createGroup(http, topic, { delivery: { type: 'push', url: consumer.url } });
    const claim = (key: string) => http.post(`/v1/consumer-groups/${group.name}/claims`, { key });
    expect((await claim('before')).status).toBe(201);

    const published: string[] = [];
    const statuses: number[] = [];
    const until = Date.now() + LOAD_MS;
    const producer = async () => {
      for (let n = 0; Date.now() < until; n++) {
        const sent = await http.post(`/v1/topics/${topic}/messages`, { body: { n } });
        statuses.push(sent.status);
        if (sent.status === 201) published.push(sent.body.id);
      }
    };
    const failover = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const old = await set.killMaster();
      await expectEventually(async () => expect(await set.masterPort()).not.toBe(old), 20_000);
    })();
    await Promise.all([producer(), producer(), failover]);

    // Sends never needed Redis: every one was answered 201.
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    expect(published.length).toBeGreaterThan(20);
    // Claims (Redis itself) answer again from the promoted replica, on the same connections.
    await expectEventually(async () => expect((await claim('after')).status).toBe(201), 20_000);
    // (A claim taken just before the failover may be gone: Redis replicates asynchronously.)
    // …and they live on the master Sentinel names now, not on a server of the instance's own.
    const master = new Redis({ port: await set.masterPort(), host: '127.0.0.1' });
    try {
      expect((await master.keys(`${env.redisPrefix}*`)).length).toBeGreaterThan(0);
      expect(await master.call('ROLE')).toEqual(expect.arrayContaining(['master']));
    } finally {
      master.disconnect();
    }
    await expectSettledHistoryHolds(env.db, history, [{ name: group.name, ordered: false }], published);
  }, 90_000);
});
