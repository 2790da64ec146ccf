// Batched push (SPEC §7 `delivery.batch`): up to maxMessages of a group in one request
// `{messages: [...]}`, signed over the whole body; a 2xx acks all but the ids listed in
// `{failed: [...]}`, which are retried alone; ordered groups carry at most one message of a key
// per request. Judged on the whole history.
import { Webhook } from 'standardwebhooks';
import { createGroup, createTopic } from '../support/delivery-fixture';
import type { Seen } from '../support/delivery-history';
import { expectSettledHistoryHolds } from '../support/history-facts';
import { expectError } from '../support/http-client';
import { startRecordingPushConsumer, type PushRequest } from '../support/recording-consumer';
import { useService } from '../support/service-fixture';

describe('batched push (SPEC §7 delivery.batch)', () => {
  const service = useService({ TXMSG_RECONCILE_INTERVAL_MS: '300' });

  it('sends many messages a request, retries only the ids the consumer lists as failed, and shows its config', async () => {
    const history: Seen[] = [];
    const requests: PushRequest[] = [];
    let secret = '';
    const consumer = await startRecordingPushConsumer(history, (request) => {
      requests.push(request);
      // Signed over the whole body, as any push.
      new Webhook(secret).verify(request.raw, {
        'webhook-id': request.headers['webhook-id'] as string,
        'webhook-timestamp': request.headers['webhook-timestamp'] as string,
        'webhook-signature': request.headers['webhook-signature'] as string,
      });
      const failed = (request.body.messages as { id: string; attempt: number; body: { n: number } }[])
        .filter((m) => m.attempt === 1 && m.body.n % 7 === 0)
        .map((m) => m.id);
      return { status: 200, body: { failed } };
    });
    try {
      const topic = await createTopic(service.http);
      const group = await createGroup(service.http, topic, {
        delivery: { type: 'push', url: consumer.url, batch: { maxMessages: 10, maxWaitMs: 200 } },
        retryBackoffSeconds: [1],
      });
      secret = group.secret;
      const config = await service.http.get(`/v1/consumer-groups/${group.name}`);
      expect(config.body.delivery.batch).toEqual({ maxMessages: 10, maxWaitMs: 200 });

      const sent = await service.http.post(`/v1/topics/${topic}/messages/batch`, {
        messages: Array.from({ length: 40 }, (_, n) => ({ body: { n } })),
      });
      expect(sent.status).toBe(201);
      await expectSettledHistoryHolds(
        service.env.db,
        history,
        [{ name: group.name, ordered: false }],
        sent.body.ids,
      );

      const sizes = requests.map((r) => r.body.messages.length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
      expect(requests.length).toBeLessThan(40); // batches formed
      expect(requests.every((r) => r.headers['txmsg-batch-size'] === String(r.body.messages.length))).toBe(
        true,
      );
      // Only the six listed as failed (n = 0, 7, …, 35) came again, once each.
      const again = history.filter((s) => s.kind === 'push' && s.attempt === 2);
      expect(again).toHaveLength(6);
    } finally {
      await consumer.close();
    }
  });

  it('puts at most one message of a key in a request of an ordered group, in order', async () => {
    const history: Seen[] = [];
    const requests: PushRequest[] = [];
    const consumer = await startRecordingPushConsumer(history, (request) => {
      requests.push(request);
      return { status: 200, delayMs: 5 };
    });
    try {
      const topic = await createTopic(service.http);
      const group = await createGroup(service.http, topic, {
        ordered: true,
        delivery: { type: 'push', url: consumer.url, batch: { maxMessages: 10, maxWaitMs: 50 } },
      });
      const sent = await service.http.post(`/v1/topics/${topic}/messages/batch`, {
        messages: Array.from({ length: 30 }, (_, n) => ({ body: { n }, shardingKey: `k${n % 3}` })),
      });
      expect(sent.status).toBe(201);
      await expectSettledHistoryHolds(
        service.env.db,
        history,
        [{ name: group.name, ordered: true }],
        sent.body.ids,
      );
      for (const request of requests) {
        const keys = (request.body.messages as { shardingKey: string }[]).map((m) => m.shardingKey);
        expect(new Set(keys).size).toBe(keys.length);
      }
      expect(Math.max(...requests.map((r) => r.body.messages.length))).toBeGreaterThan(1); // keys went together
    } finally {
      await consumer.close();
    }
  });

  it('refuses batch settings on a pull group and out-of-range sizes', async () => {
    const topic = await createTopic(service.http);
    expectError(
      await service.http.put(`/v1/consumer-groups/pull-batch-${Date.now()}`, {
        topic,
        delivery: { type: 'pull', batch: { maxMessages: 10 } },
      }),
      400,
      'validation_failed',
    );
    expectError(
      await service.http.put(`/v1/consumer-groups/big-batch-${Date.now()}`, {
        topic,
        delivery: { type: 'push', url: 'http://127.0.0.1:9/', batch: { maxMessages: 101 } },
      }),
      400,
      'validation_failed',
    );
  });
});
