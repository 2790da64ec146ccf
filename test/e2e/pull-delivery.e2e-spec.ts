import { createGroup, createTopic, send } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { expectError } from '../support/http-client';
import { useService } from '../support/service-fixture';
import type { Seen } from '../support/delivery-history';
import { expectSettledHistoryHolds } from '../support/history-facts';
import { RecordingPullClient } from '../support/recording-consumer';

describe('pull delivery (SPEC §7)', () => {
  const service = useService({ TXMSG_RECONCILE_INTERVAL_MS: '300' });

  async function pullGroup(config: Record<string, unknown> = {}) {
    const topic = await createTopic(service.http);
    const group = await createGroup(service.http, topic, { delivery: { type: 'pull' }, ...config });
    const receive = async (body: Record<string, unknown> = {}) => {
      const received = await service.http.post(`/v1/consumer-groups/${group.name}/receive`, {
        waitSeconds: 0,
        ...body,
      });
      expect(received.status).toBe(200);
      return received.body.messages as { receiptHandle: string; attempt: number; message: any }[];
    };
    const post = (action: string, body: unknown) =>
      service.http.post(`/v1/consumer-groups/${group.name}/${action}`, body);
    const history: Seen[] = [];
    /** Receives, acks and nacks recorded into `history`, for the history checker. */
    const recorded = new RecordingPullClient(history, group.name);
    const expectHistoryHolds = (published: string[]) =>
      expectSettledHistoryHolds(service.env.db, history, [{ name: group.name, ordered: false }], published);
    return { topic, group: group.name, receive, post, recorded, expectHistoryHolds };
  }

  it('returns a long poll as soon as a message is committed, without waiting out waitSeconds', async () => {
    const { topic, receive } = await pullGroup();
    const started = Date.now();
    const polling = receive({ waitSeconds: 20 });
    // Give the poll time to park (nothing outside the process shows it); if the send came first
    // the poll would answer at once and the test would still hold.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const id = await send(service.http, topic, { body: { hello: 'pull' }, key: 'k', tag: 't' });

    const messages = await polling;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(messages).toEqual([
      {
        receiptHandle: expect.any(String),
        attempt: 1,
        message: {
          id,
          topic,
          key: 'k',
          tag: 't',
          headers: {},
          body: { hello: 'pull' },
          shardingKey: null,
          publishedAt: expect.any(String),
        },
      },
    ]);
  });

  it('returns empty after waitSeconds when nothing is ready', async () => {
    const { receive } = await pullGroup();
    expect(await receive({ waitSeconds: 1 })).toEqual([]);
  });

  it('redelivers a message not acked within invisibleSeconds with attempt + 1; the stale receipt is expired', async () => {
    const { topic, recorded, expectHistoryHolds } = await pullGroup();
    const id = await send(service.http, topic, { body: 1 });
    const receive = (options: Parameters<RecordingPullClient['receive']>[1]) =>
      recorded.receive(service.http, { waitSeconds: 0, ...options });
    const [first] = await receive({ invisibleSeconds: 1 });
    expect(first.attempt).toBe(1);
    expect(await receive({})).toEqual([]); // invisible meanwhile

    const [second] = await receive({ waitSeconds: 5, invisibleSeconds: 30 });
    expect(second).toMatchObject({ attempt: 2, message: { id } });
    expect(second.receiptHandle).not.toBe(first.receiptHandle);

    const stale = await recorded.ack(service.http, [first.receiptHandle]);
    expect(stale?.body).toEqual({ acked: 0, expired: [first.receiptHandle] });
    const acked = await recorded.ack(service.http, [second.receiptHandle, first.receiptHandle]);
    expect(acked?.body).toEqual({ acked: 1, expired: [first.receiptHandle] });
    expect(await receive({ waitSeconds: 2 })).toEqual([]);
    // G6: the redelivery came only once the invisible time had run out; G3: nothing after the ack.
    await expectHistoryHolds([id]);
    const attempts = await service.env.db.query(
      `SELECT a.attempt, a.outcome FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE d.message_id = $1 ORDER BY a.id`,
      [id],
    );
    expect(attempts.rows).toEqual([
      { attempt: 1, outcome: 'expired' },
      { attempt: 2, outcome: 'acked' },
    ]);
  });

  it('never hands one message to two concurrent receivers', async () => {
    const { topic, recorded, expectHistoryHolds } = await pullGroup();
    const batch = await service.http.post(`/v1/topics/${topic}/messages/batch`, {
      messages: Array.from({ length: 30 }, (_, i) => ({ body: i })),
    });
    expect(batch.status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => recorded.receive(service.http, { maxMessages: 10, waitSeconds: 0 })),
    );
    expect(results.flat()).toHaveLength(30);
    await recorded.ack(
      service.http,
      results.flat().map((m) => m.receiptHandle),
    );
    // G6: no message went to two receivers at once; G2: all 30 were received and acked.
    await expectHistoryHolds(batch.body.ids);
  });

  it('nack retries after retryAfterSeconds and dead-letters once maxRetries retries failed', async () => {
    const { topic, group, receive, post, recorded, expectHistoryHolds } = await pullGroup({ maxRetries: 1 });
    const id = await send(service.http, topic, { body: 'n' });
    const [first] = await recorded.receive(service.http, { waitSeconds: 0 });
    const nacked = await recorded.nack(service.http, first.receiptHandle, 1);
    expect(nacked?.body).toEqual({ nacked: true, state: 'retrying' });
    expect(await receive()).toEqual([]);

    const [second] = await recorded.receive(service.http, { waitSeconds: 5 });
    expect(second).toMatchObject({ attempt: 2, message: { id } });
    expect((await recorded.nack(service.http, second.receiptHandle))?.body).toEqual({
      nacked: true,
      state: 'dead',
    });
    await expectHistoryHolds([id]); // a dead letter is not missing (G2)
    const dead = await service.http.get(`/v1/consumer-groups/${group}/dead-letters`);
    expect(dead.body.items).toEqual([
      expect.objectContaining({ attempts: 2, message: expect.objectContaining({ id }) }),
    ]);
    expectError(await post('nack', { receiptHandle: second.receiptHandle }), 409, 'conflict');
  });

  it('visibility extends the invisible time of a current receipt and refuses a stale one', async () => {
    const { topic, receive, post } = await pullGroup();
    await send(service.http, topic, { body: 'v' });
    const [message] = await receive({ invisibleSeconds: 1 });
    expect(
      (await post('visibility', { receiptHandle: message.receiptHandle, invisibleSeconds: 30 })).status,
    ).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await receive()).toEqual([]);

    expect(
      (await post('visibility', { receiptHandle: message.receiptHandle, invisibleSeconds: 0 })).status,
    ).toBe(200);
    const [again] = await receive({ waitSeconds: 3 });
    expect(again.attempt).toBe(2);
    expectError(
      await post('visibility', { receiptHandle: message.receiptHandle, invisibleSeconds: 5 }),
      409,
      'conflict',
    );
  });

  it('gives every broadcasting member every message committed after its first receive', async () => {
    const { topic, receive, post } = await pullGroup({ mode: 'broadcasting' });
    expectError(await post('receive', { waitSeconds: 0 }), 400, 'validation_failed');
    expect(await receive({ consumerId: 'a' })).toEqual([]);
    expect(await receive({ consumerId: 'b' })).toEqual([]);
    const ids = [await send(service.http, topic, { body: 1 }), await send(service.http, topic, { body: 2 })];

    for (const consumerId of ['a', 'b']) {
      await expectEventually(async () => {
        const messages = await receive({ consumerId, maxMessages: 10, invisibleSeconds: 60 });
        expect(messages.map((m) => m.message.id)).toEqual(ids);
      });
    }
    // A member that starts now gets only what is committed from now on.
    expect(await receive({ consumerId: 'c' })).toEqual([]);
    const later = await send(service.http, topic, { body: 3 });
    expect((await receive({ consumerId: 'c', waitSeconds: 5 })).map((m) => m.message.id)).toEqual([later]);
  });

  it('holds a delayed message until delayMs has passed and wakes the long poll then', async () => {
    const { topic, receive } = await pullGroup();
    await send(service.http, topic, { body: 'later', delayMs: 1500 });
    const started = Date.now();
    const messages = await receive({ waitSeconds: 10 });
    expect(messages.map((m) => m.message.body)).toEqual(['later']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1300);
  });

  it('refuses pull calls on push groups, bad input and other groups’ tokens', async () => {
    const topic = await createTopic(service.http);
    const push = await createGroup(service.http, topic, {
      delivery: { type: 'push', url: 'http://127.0.0.1:9/x' },
    });
    expectError(await service.http.post(`/v1/consumer-groups/${push.name}/receive`, {}), 409, 'conflict');
    const { group, post } = await pullGroup();
    expectError(await post('receive', { maxMessages: 101 }), 400, 'validation_failed');
    expectError(await post('receive', { waitSeconds: 31 }), 400, 'validation_failed');
    expectError(await post('receive', { invisibleSeconds: 0 }), 400, 'validation_failed');
    expectError(await post('receive', { bogus: 1 }), 400, 'validation_failed');
    expectError(await post('ack', { receiptHandles: [] }), 400, 'validation_failed');
    expectError(await service.http.post('/v1/consumer-groups/missing-group/receive', {}), 404, 'not_found');

    const key = await service.http.post('/v1/admin/api-keys', {
      name: 'other',
      role: 'consumer',
      consumerGroups: ['x'],
    });
    const other = service.http.withToken(key.body.token);
    expectError(
      await other.post(`/v1/consumer-groups/${group}/receive`, { waitSeconds: 0 }),
      403,
      'forbidden',
    );
    const own = await service.http.post('/v1/admin/api-keys', {
      name: 'own',
      role: 'consumer',
      consumerGroups: [group],
    });
    expect(
      (
        await service.http
          .withToken(own.body.token)
          .post(`/v1/consumer-groups/${group}/receive`, { waitSeconds: 0 })
      ).status,
    ).toBe(200);
  });
});
