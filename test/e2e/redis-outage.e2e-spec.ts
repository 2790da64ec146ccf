// Redis gone for a long time under load (SPEC §1 G2, §2): Postgres is the truth, so for the whole
// outage transactions, sends and pull keep answering 2xx, claims answer 503, readiness says what
// is degraded, and push deliveries go out from the committing instance or wait in Postgres for
// the queue; within seconds of Redis's return all are out, with nothing lost and nothing repeated
// after an ack (checked on the whole history).
import { appEnv, startProcess, type AppProcess } from '../support/app-process';
import { createGroup, createTopic, producerGroup } from '../support/delivery-fixture';
import type { PushSeen, Seen } from '../support/delivery-history';
import { expectSettledHistoryHolds } from '../support/history-facts';
import { HttpClient } from '../support/http-client';
import { RecordingPullClient, startRecordingPushConsumer } from '../support/recording-consumer';
import { proxyUrl, type TcpProxy } from '../support/tcp-proxy';
import { createTestEnv, type TestEnv } from '../support/test-env';

/** The outage the issue measured; TXMSG_REDIS_OUTAGE_SECONDS shortens it for a quick local run. */
const OUTAGE_MS = Number(process.env.TXMSG_REDIS_OUTAGE_SECONDS ?? 60) * 1000;

describe(`Redis down for ${OUTAGE_MS / 1000} s under load`, () => {
  let env: TestEnv;
  let proxy: TcpProxy;
  let app: AppProcess;

  beforeAll(async () => {
    env = await createTestEnv();
    const redis = await proxyUrl(env.redisUrl);
    proxy = redis.proxy;
    app = await startProcess({ ...appEnv(env), REDIS_URL: redis.url, TXMSG_RECONCILE_INTERVAL_MS: '1000' });
  }, 60_000);
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await proxy?.close();
    await env?.close();
  });

  it(
    'keeps prepare, commit, send and pull answering 2xx, then pushes everything once Redis is back',
    async () => {
      const http = new HttpClient(app.url, env.adminToken);
      const history: Seen[] = [];
      // Every fifth message is refused once: its retry is a delayed queue job, which needs Redis.
      const consumer = await startRecordingPushConsumer(history, ({ body }) =>
        body.attempt === 1 && body.body.n % 5 === 0
          ? { status: 503, headers: { 'retry-after': '1' } }
          : { status: 200 },
      );
      try {
        const topic = await createTopic(http);
        const producer = await producerGroup(http);
        const push = await createGroup(http, topic, { delivery: { type: 'push', url: consumer.url } });
        const pull = await createGroup(http, topic, { delivery: { type: 'pull' } });
        const puller = new RecordingPullClient(history, pull.name);
        const published: string[] = [];
        const failures: string[] = [];

        proxy.cut();
        const cutAt = Date.now();
        const ready = await http.get('/health/ready');
        expect({ status: ready.status, body: ready.body.status }).toEqual({ status: 503, body: 'degraded' });
        const claim = await http.post(`/v1/consumer-groups/${push.name}/claims`, { key: 'k' });
        expect(claim.status).toBe(503);

        const producing = (async () => {
          for (let n = 0; Date.now() - cutAt < OUTAGE_MS; n++) {
            const tx = await http.post('/v1/transactions', {
              producerGroup: producer,
              messages: [{ topic, body: { n } }],
            });
            const commit = tx.status === 201 ? await http.post(`/v1/transactions/${tx.body.id}/commit`) : tx;
            const sent = await http.post(`/v1/topics/${topic}/messages`, { body: { n, plain: true } });
            if (tx.status !== 201 || commit.status !== 200 || sent.status !== 201) {
              failures.push(`${tx.status}/${commit.status}/${sent.status}`);
            } else published.push(...(tx.body.messageIds as string[]), sent.body.id);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })();
        const pulling = (async () => {
          while (Date.now() - cutAt < OUTAGE_MS) {
            const { received, ack } = await puller.receiveAndAck(http, { waitSeconds: 1 });
            if (received.length > 0 && ack?.status !== 200) failures.push(`ack ${ack?.status}`);
          }
        })();
        await Promise.all([producing, pulling]);
        expect(failures).toEqual([]);
        // First attempts the committing instance ran itself needed no Redis; retries waited.
        const pushedDuringOutage = history.filter((s) => s.kind === 'push').length;
        expect(history.filter((s) => s.kind === 'push' && s.attempt > 1)).toEqual([]);

        proxy.restore();
        const restoredAt = Date.now();
        // Push catches up; pull drains what is left.
        const draining = (async () => {
          for (let idle = 0; idle < 3;) {
            if ((await puller.receiveAndAck(http, { waitSeconds: 1 })).received.length === 0) idle++;
          }
        })();
        await draining;
        await expectSettledHistoryHolds(
          env.db,
          history,
          [
            { name: push.name, ordered: false },
            { name: pull.name, ordered: false },
          ],
          published,
        );
        const retries = history.filter((s): s is PushSeen => s.kind === 'push' && s.attempt > 1);
        expect(retries.length).toBeGreaterThan(0);
        const lastPush = Math.max(...retries.map((s) => s.end));
        process.stdout.write(
          `redis outage: ${published.length} messages published in ${OUTAGE_MS / 1000} s, ${pushedDuringOutage} pushes during it, ${retries.length} retries after it, the last ${((lastPush - restoredAt) / 1000).toFixed(1)} s after Redis returned\n`,
        );
        expect((await http.get('/health/ready')).status).toBe(200);
      } finally {
        await consumer.close();
      }
    },
    OUTAGE_MS + 90_000,
  );
});
