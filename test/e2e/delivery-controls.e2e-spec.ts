// Delivery controls (SPEC §7): pause and resume (surviving a restart, audited, for admins and
// operators only), the circuit breaker of a push endpoint (an outage costs a probe per interval,
// no retries and no dead letters), and a group's rate limit shared by two instances. Each is
// judged on the consumer's whole history as well as on its own figures.
import { startApp, type AppProcess } from '../support/app-process';
import { createGroup, createTopic, send } from '../support/delivery-fixture';
import type { PushSeen, Seen } from '../support/delivery-history';
import { expectEventually } from '../support/eventually';
import { expectSettledHistoryHolds } from '../support/history-facts';
import { expectError, HttpClient } from '../support/http-client';
import { readMetrics } from '../support/metrics';
import { startRecordingPushConsumer } from '../support/recording-consumer';
import { useService } from '../support/service-fixture';

const FAST = { TXMSG_RECONCILE_INTERVAL_MS: '300' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pushes = (history: Seen[]) => history.filter((s): s is PushSeen => s.kind === 'push');

describe('delivery controls (SPEC §7)', () => {
  const service = useService(FAST);

  describe('pause and resume', () => {
    it('holds a push group across a restart, then delivers its backlog in order; audited; 403 for producers and consumers', async () => {
      const history: Seen[] = [];
      const consumer = await startRecordingPushConsumer(history, () => ({ status: 200 }));
      let instance: AppProcess | null = await startApp(service.env, FAST);
      try {
        const topic = await createTopic(service.http);
        const group = await createGroup(service.http, topic, {
          ordered: true,
          delivery: { type: 'push', url: consumer.url },
        });
        // Producers and consumers may not pause or resume.
        for (const role of ['producer', 'consumer'] as const) {
          const key = await service.http.post('/v1/admin/api-keys', {
            name: `${role}-${group.name}`,
            role,
            ...(role === 'producer' ? { topics: ['*'] } : { consumerGroups: ['*'] }),
          });
          expect(key.status).toBe(201);
          const as = service.http.withToken(key.body.token);
          expectError(await as.post(`/v1/consumer-groups/${group.name}/pause`, {}), 403, 'forbidden');
          expectError(await as.post(`/v1/consumer-groups/${group.name}/resume`, {}), 403, 'forbidden');
        }
        const operatorKey = await service.http.post('/v1/admin/api-keys', {
          name: `night-${group.name}`,
          role: 'operator',
        });
        const operator = new HttpClient(instance.url, operatorKey.body.token);
        const paused = await operator.post(`/v1/consumer-groups/${group.name}/pause`, {});
        expect(paused.status).toBe(200);
        expect(paused.body.stats).toMatchObject({ paused: true, pausedBy: `operator:night-${group.name}` });
        expect((await operator.post(`/v1/consumer-groups/${group.name}/pause`, {})).status).toBe(200);
        expectError(await operator.post('/v1/consumer-groups/no-such-group/pause', {}), 404, 'not_found');

        const ids: string[] = [];
        for (let n = 0; n < 30; n++) {
          ids.push(await send(service.http, topic, { body: { n }, shardingKey: `k${n % 3}` }));
        }
        await sleep(1500);
        expect(pushes(history)).toHaveLength(0);

        // A restart keeps the pause: it lives in Postgres.
        await instance.stop();
        instance = await startApp(service.env, FAST);
        const after = new HttpClient(instance.url, operatorKey.body.token);
        const got = await after.get(`/v1/consumer-groups/${group.name}`);
        expect(got.body.stats).toMatchObject({ paused: true, ready: 30 });
        await sleep(1500);
        expect(pushes(history)).toHaveLength(0);

        const resumed = await after.post(`/v1/consumer-groups/${group.name}/resume`, {});
        expect(resumed.status).toBe(200);
        expect(resumed.body.stats.paused).toBe(false);
        expect(resumed.body.stats.pausedAt).toBeUndefined();
        await expectSettledHistoryHolds(service.env.db, history, [{ name: group.name, ordered: true }], ids);
        expect(new Set(pushes(history).map((p) => p.messageId)).size).toBe(30);

        const audit = await service.http.get('/v1/admin/audit?limit=50');
        const actions = (audit.body.items as { action: string; actor: string; target: string }[]).filter(
          (entry) => entry.target === `consumer-group:${group.name}`,
        );
        expect(actions.map((a) => a.action)).toEqual([
          'consumer-group.resume',
          'consumer-group.pause',
          'consumer-group.pause',
        ]);
        expect(actions.every((a) => a.actor === `operator:night-${group.name}`)).toBe(true);
      } finally {
        await instance?.stop();
        await consumer.close();
      }
    });

    it('gives a paused pull group nothing, and its backlog once resumed', async () => {
      const topic = await createTopic(service.http);
      const group = await createGroup(service.http, topic, { delivery: { type: 'pull' } });
      expect((await service.http.post(`/v1/consumer-groups/${group.name}/pause`, {})).status).toBe(200);
      const id = await send(service.http, topic, { body: { n: 1 } });
      const receive = () =>
        service.http.post(`/v1/consumer-groups/${group.name}/receive`, { waitSeconds: 1, maxMessages: 10 });
      expect((await receive()).body.messages).toEqual([]);
      // A long poll under way is woken by the resume.
      const waiting = service.http.post(`/v1/consumer-groups/${group.name}/receive`, {
        waitSeconds: 20,
        maxMessages: 10,
      });
      await sleep(300);
      const started = Date.now();
      expect((await service.http.post(`/v1/consumer-groups/${group.name}/resume`, {})).status).toBe(200);
      const received = await waiting;
      expect(received.body.messages.map((m: { message: { id: string } }) => m.message.id)).toEqual([id]);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  describe('circuit breaker', () => {
    it('sends one probe per interval while the endpoint is down, then delivers everything once, with no dead letters', async () => {
      const history: Seen[] = [];
      let down = true;
      const duringOutage: number[] = [];
      const consumer = await startRecordingPushConsumer(history, () => {
        if (down) {
          duringOutage.push(Date.now());
          return { status: 503, body: { error: 'down for maintenance' } };
        }
        return { status: 200 };
      });
      try {
        const topic = await createTopic(service.http);
        const failures = 3;
        const probeSeconds = 2;
        const group = await createGroup(service.http, topic, {
          delivery: {
            type: 'push',
            url: consumer.url,
            maxConcurrency: 1,
            circuitBreaker: { failures, probeSeconds },
          },
          maxRetries: 2,
          retryBackoffSeconds: [1],
        });
        const config = await service.http.get(`/v1/consumer-groups/${group.name}`);
        expect(config.body.delivery.circuitBreaker).toEqual({ failures, probeSeconds });
        expect(config.body.stats.endpoints).toEqual([
          { url: consumer.url, circuit: 'closed', since: expect.any(String), lastError: null },
        ]);

        const outageStarted = Date.now();
        const ids: string[] = [];
        for (let batch = 0; batch < 6; batch++) {
          const sent = await service.http.post(`/v1/topics/${topic}/messages/batch`, {
            messages: Array.from({ length: 50 }, (_, n) => ({ body: { n: batch * 50 + n } })),
          });
          expect(sent.status).toBe(201);
          ids.push(...sent.body.ids);
          await sleep(500);
        }
        await expectEventually(async () => {
          const open = await service.http.get(`/v1/consumer-groups/${group.name}`);
          expect(open.body.stats.endpoints[0]).toMatchObject({
            circuit: expect.stringMatching(/^(open|half_open)$/),
            lastError: expect.stringContaining('503'),
          });
        });
        const metrics = await service.http.get('/metrics');
        expect(metrics.text).toMatch(
          new RegExp(`txmsg_push_circuit_open\\{consumer_group="${group.name}",url="[^"]+"\\} (1|0\\.5)`),
        );
        await sleep(Math.max(0, outageStarted + 20_000 - Date.now()));
        down = false;
        const outageSeconds = (Date.now() - outageStarted) / 1000;

        await expectSettledHistoryHolds(service.env.db, history, [{ name: group.name, ordered: false }], ids);
        // N failures open it; then one probe per interval (and one at the boundary).
        expect(duringOutage.length).toBeGreaterThanOrEqual(failures);
        expect(duringOutage.length).toBeLessThanOrEqual(
          Math.ceil(outageSeconds / probeSeconds) + failures + 1,
        );
        const closed = await service.http.get(`/v1/consumer-groups/${group.name}`);
        expect(closed.body.stats).toMatchObject({ deadLetters: 0, ready: 0, retrying: 0 });
        expect(closed.body.stats.endpoints[0].circuit).toBe('closed');
        // Every message acknowledged exactly once.
        const acked = pushes(history).filter((p) => p.status === 200);
        expect(acked).toHaveLength(300);
        expect(new Set(acked.map((p) => p.messageId)).size).toBe(300);
      } finally {
        await consumer.close();
      }
    }, 90_000);
  });

  describe('rate limit', () => {
    it('keeps an ordered group under maxPerSecond across two instances, in order, and delivers all', async () => {
      const history: Seen[] = [];
      const consumer = await startRecordingPushConsumer(history, () => ({ status: 200 }));
      const second = await startApp(service.env, FAST);
      try {
        const topic = await createTopic(service.http);
        const group = await createGroup(service.http, topic, {
          ordered: true,
          delivery: { type: 'push', url: consumer.url, maxPerSecond: 20 },
        });
        const instances = [service.http, new HttpClient(second.url, service.env.adminToken)];
        const ids: string[] = [];
        for (let batch = 0; batch < 8; batch++) {
          const sent = await instances[batch % 2].post(`/v1/topics/${topic}/messages/batch`, {
            messages: Array.from({ length: 50 }, (_, n) => ({
              body: { n: batch * 50 + n },
              shardingKey: `b${batch}-k${n % 10}`,
            })),
          });
          expect(sent.status).toBe(201);
          ids.push(...sent.body.ids);
        }
        await expectSettledHistoryHolds(service.env.db, history, [{ name: group.name, ordered: true }], ids);
        // When each request reached the consumer (its first byte, before the body was read).
        const arrivals = history
          .flatMap((seen) => (seen.kind === 'push' ? [seen.start] : []))
          .sort((a, b) => a - b);
        expect(arrivals).toHaveLength(400);
        // No second (a sliding window over every arrival) saw more than 20, ±1 at its boundary.
        let most = 0;
        for (let i = 0, j = 0; i < arrivals.length; i++) {
          while (arrivals[j] < arrivals[i] - 999) j++;
          most = Math.max(most, i - j + 1);
        }
        expect(most).toBeLessThanOrEqual(21);
        // Both instances pushed (each hands its own commits over), so the limit was a shared one.
        const acked = `txmsg_delivery_attempts_total{consumer_group="${group.name}",outcome="acked"}`;
        const perInstance = await Promise.all(
          instances.map(async (http) => (await readMetrics(http))(acked)),
        );
        expect(perInstance.every((n) => n > 0)).toBe(true);
        expect(perInstance[0] + perInstance[1]).toBe(400);
      } finally {
        await second.stop();
        await consumer.close();
      }
    }, 90_000);
  });

  it('refuses bad delivery controls with 400 and changes nothing', async () => {
    const topic = await createTopic(service.http);
    const name = `controls-${Date.now().toString(36)}`;
    for (const delivery of [
      { type: 'push', url: 'http://127.0.0.1:9/', maxPerSecond: 0 },
      { type: 'push', url: 'http://127.0.0.1:9/', maxPerSecond: 1.5 },
      { type: 'push', url: 'http://127.0.0.1:9/', circuitBreaker: { failures: 0, probeSeconds: 5 } },
      { type: 'push', url: 'http://127.0.0.1:9/', circuitBreaker: { failures: 3 } },
      { type: 'pull', maxPerSecond: 5 },
      { type: 'pull', circuitBreaker: { failures: 3, probeSeconds: 5 } },
    ]) {
      expectError(
        await service.http.put(`/v1/consumer-groups/${name}`, { topic, delivery }),
        400,
        'validation_failed',
      );
    }
    expectError(await service.http.get(`/v1/consumer-groups/${name}`), 404, 'not_found');
  });
});
