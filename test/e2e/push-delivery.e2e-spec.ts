import { Webhook } from 'standardwebhooks';
import { createGroup, createTopic, producerGroup, send } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { afterReconcilerRounds } from '../support/reconciler-rounds';
import { expectError } from '../support/http-client';
import { startHttpPeer, type HttpPeer } from '../support/http-peer';
import { useService } from '../support/service-fixture';
import type { Seen } from '../support/delivery-history';
import { expectSettledHistoryHolds } from '../support/history-facts';
import {
  startRecordingPushConsumer,
  type PushReply,
  type PushRequest,
  type RecordingPushConsumer,
} from '../support/recording-consumer';

describe('push delivery (SPEC §7, G1, G3)', () => {
  const service = useService({ TXMSG_RECONCILE_INTERVAL_MS: '300' });
  const peers: HttpPeer[] = [];
  const peer = async (...args: Parameters<typeof startHttpPeer>) => {
    const started = await startHttpPeer(...args);
    peers.push(started);
    return started;
  };
  const recorders: RecordingPushConsumer[] = [];
  /** A consumer that records what it sees into `history`, for the history checker. */
  const recorder = async (
    history: Seen[],
    reply: (request: PushRequest) => PushReply = () => ({ status: 200 }),
    options: { broadcasting?: boolean } = {},
  ) => {
    const started = await startRecordingPushConsumer(history, reply, options);
    recorders.push(started);
    return started;
  };
  afterAll(() => Promise.all([...peers, ...recorders].map((p) => p.close())));

  const deliveriesOf = async (messageId: string) =>
    (
      await service.env.db.query(
        `SELECT consumer_group, member, state, attempts FROM deliveries WHERE message_id = $1 ORDER BY member`,
        [messageId],
      )
    ).rows;
  const attemptsOf = async (messageId: string) =>
    (
      await service.env.db.query(
        `SELECT a.attempt, a.outcome, a.http_status, a.at, a.latency_ms, a.error FROM delivery_attempts a
           JOIN deliveries d ON d.id = a.delivery_id WHERE d.message_id = $1 ORDER BY a.at`,
        [messageId],
      )
    ).rows;

  it('delivers a transaction message only after commit, and never a rolled-back one', async () => {
    const history: Seen[] = [];
    const consumer = await recorder(history);
    const topic = await createTopic(service.http);
    const group = await createGroup(service.http, topic, { delivery: { type: 'push', url: consumer.url } });
    const producer = await producerGroup(service.http);
    const prepare = async () =>
      (
        await service.http.post('/v1/transactions', {
          producerGroup: producer,
          messages: [{ topic, body: { n: 1 } }],
        })
      ).body as { id: string; messageIds: string[] };

    const committed = await prepare();
    const rolledBack = await prepare();
    // Half messages have no deliveries at all, so nothing can reach a consumer (G1).
    expect(await deliveriesOf(committed.messageIds[0])).toEqual([]);
    expect((await service.http.post(`/v1/transactions/${rolledBack.id}/rollback`)).status).toBe(200);
    expect((await service.http.post(`/v1/transactions/${committed.id}/commit`)).status).toBe(200);

    await expectEventually(async () => expect(history).toHaveLength(1));
    await afterReconcilerRounds(service.env.db); // nothing is sent again on its own
    // G1: the rolled-back message never arrives; G2, G3: the committed one arrives, once.
    await expectSettledHistoryHolds(
      service.env.db,
      history,
      [{ name: group.name, ordered: false }],
      committed.messageIds,
    );
    expect(await deliveriesOf(rolledBack.messageIds[0])).toEqual([]);
  });

  it('signs pushes with the group secret; webhook-id is the message id; body and txmsg headers as SPEC', async () => {
    const consumer = await peer();
    const topic = await createTopic(service.http);
    const group = await createGroup(service.http, topic, { delivery: { type: 'push', url: consumer.url } });
    const body = { order: 7, items: ['a', 'b'], nested: { ok: true } };
    const id = await send(service.http, topic, {
      body,
      key: 'k1',
      tag: 'T1',
      headers: { h: 'v' },
      shardingKey: 's1',
    });

    await expectEventually(async () => expect(consumer.received).toHaveLength(1));
    const [request] = consumer.received;
    const verified = new Webhook(group.secret).verify(request.rawBody, {
      'webhook-id': request.headers['webhook-id'] as string,
      'webhook-timestamp': request.headers['webhook-timestamp'] as string,
      'webhook-signature': request.headers['webhook-signature'] as string,
    });
    expect(verified).toEqual(request.body);
    expect(request.headers['webhook-id']).toBe(id);
    expect(request.headers['txmsg-attempt']).toBe('1');
    expect(request.headers['txmsg-topic']).toBe(topic);
    expect(request.headers['txmsg-consumer-group']).toBe(group.name);
    expect(request.body).toEqual({
      id,
      topic,
      key: 'k1',
      tag: 'T1',
      headers: { h: 'v' },
      body,
      shardingKey: 's1',
      publishedAt: expect.any(String),
      attempt: 1,
    });
    expect(() =>
      new Webhook(group.secret).verify(request.rawBody.replace('7', '8'), request.headers as never),
    ).toThrow();
  });

  it('delivers an acknowledged message to its group exactly once, even across reconciler rounds', async () => {
    const history: Seen[] = [];
    const consumer = await recorder(history);
    const topic = await createTopic(service.http);
    const first = await createGroup(service.http, topic, { delivery: { type: 'push', url: consumer.url } });
    const second = await createGroup(service.http, topic, { delivery: { type: 'push', url: consumer.url } });
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(await send(service.http, topic, { body: i }));

    await expectEventually(async () => expect(history).toHaveLength(40));
    await afterReconcilerRounds(service.env.db, 3);
    const groups = [first, second].map((g) => ({ name: g.name, ordered: false }));
    await expectSettledHistoryHolds(service.env.db, history, groups, ids);
    expect(history).toHaveLength(40);
    const group = await service.http.get(`/v1/consumer-groups/${first.name}`);
    expect(group.body.stats).toMatchObject({
      ready: 0,
      inflight: 0,
      retrying: 0,
      deadLetters: 0,
      ackedTotal: 20,
    });
    expect((await service.http.get(`/v1/consumer-groups/${second.name}`)).body.stats.ackedTotal).toBe(20);
  });

  it('retries on failure after retryBackoffSeconds with increasing attempt numbers, recording each attempt', async () => {
    let calls = 0;
    const consumer = await peer(() =>
      ++calls <= 2 ? { status: 500, body: { error: 'boom' } } : { status: 204 },
    );
    const topic = await createTopic(service.http);
    await createGroup(service.http, topic, {
      delivery: { type: 'push', url: consumer.url },
      retryBackoffSeconds: [1, 2],
    });
    const id = await send(service.http, topic, { body: 'x' });

    await expectEventually(async () => expect(consumer.received).toHaveLength(3), 15_000);
    expect(consumer.received.map((r) => r.headers['txmsg-attempt'])).toEqual(['1', '2', '3']);
    expect(consumer.received.map((r) => r.body.attempt)).toEqual([1, 2, 3]);
    expect(new Set(consumer.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    const [a1, a2, a3] = consumer.received.map((r) => r.at);
    expect(a2 - a1).toBeGreaterThanOrEqual(950);
    expect(a3 - a2).toBeGreaterThanOrEqual(1950);
    await expectEventually(async () =>
      expect(await attemptsOf(id)).toEqual([
        expect.objectContaining({
          attempt: 1,
          outcome: 'failed',
          http_status: 500,
          error: expect.stringContaining('boom'),
        }),
        expect.objectContaining({ attempt: 2, outcome: 'failed', http_status: 500 }),
        expect.objectContaining({ attempt: 3, outcome: 'acked', http_status: 204, error: null }),
      ]),
    );
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ state: 'acked', attempts: 3 })]);
  });

  it('honours Retry-After on 429 over the backoff schedule', async () => {
    let calls = 0;
    const consumer = await peer(() =>
      ++calls === 1 ? { status: 429, headers: { 'retry-after': '2' } } : {},
    );
    const topic = await createTopic(service.http);
    await createGroup(service.http, topic, {
      delivery: { type: 'push', url: consumer.url },
      retryBackoffSeconds: [60],
    });
    await send(service.http, topic, { body: 'x' });

    await expectEventually(async () => expect(consumer.received).toHaveLength(2), 10_000);
    const gap = consumer.received[1].at - consumer.received[0].at;
    expect(gap).toBeGreaterThanOrEqual(1950);
  });

  it('counts a time-out as a failure and dead-letters after maxRetries; redrive starts over', async () => {
    let healthy = false;
    const history: Seen[] = [];
    const consumer = await recorder(history, () =>
      healthy ? { status: 200 } : { status: 200, delayMs: 1500 },
    );
    const topic = await createTopic(service.http);
    const group = await createGroup(service.http, topic, {
      delivery: { type: 'push', url: consumer.url, timeoutMs: 300 },
      maxRetries: 1,
      retryBackoffSeconds: [1],
    });
    const id = await send(service.http, topic, { body: { dead: true }, key: 'dl' });

    const deadLetters = () => service.http.get(`/v1/consumer-groups/${group.name}/dead-letters`);
    await expectEventually(async () => expect((await deadLetters()).body.items).toHaveLength(1), 15_000);
    const listed = (await deadLetters()).body;
    expect(listed).toEqual({
      items: [
        {
          id: expect.any(String),
          message: expect.objectContaining({ id, topic, key: 'dl', body: { dead: true } }),
          attempts: 2,
          lastError: 'timed out after 300 ms',
          deadAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
    // Both attempts were given up at the time-out: the service hung up on the consumer.
    await expectEventually(async () =>
      expect(history.map((s) => s.kind === 'push' && [s.attempt, s.status])).toEqual([
        [1, null],
        [2, null],
      ]),
    );
    expect((await service.http.get(`/v1/consumer-groups/${group.name}`)).body.stats.deadLetters).toBe(1);

    healthy = true;
    const start = Date.now();
    const redriven = await service.http.post(`/v1/consumer-groups/${group.name}/dead-letters/redrive`, {});
    expect(redriven.body).toEqual({ redriven: 1 });
    history.push({ kind: 'redrive', group: group.name, reopened: [id], start, end: Date.now() });
    await expectSettledHistoryHolds(service.env.db, history, [{ name: group.name, ordered: false }], [id]);
    expect(await deliveriesOf(id)).toEqual([expect.objectContaining({ state: 'acked', attempts: 1 })]);
    expect(history.at(-1)).toMatchObject({ kind: 'push', attempt: 1, status: 200 });
    expect((await deadLetters()).body.items).toEqual([]);
  });

  it('redrives only the named dead letters', async () => {
    let healthy = false;
    const consumer = await peer(() => ({ status: healthy ? 200 : 500 }));
    const topic = await createTopic(service.http);
    const group = await createGroup(service.http, topic, {
      delivery: { type: 'push', url: consumer.url },
      maxRetries: 0,
    });
    const ids = [await send(service.http, topic, { body: 1 }), await send(service.http, topic, { body: 2 })];
    const dead = async () =>
      (await service.http.get(`/v1/consumer-groups/${group.name}/dead-letters`)).body.items;
    await expectEventually(async () => expect(await dead()).toHaveLength(2));

    // The consumer recovers, so the redriven message is acked (instead of dying again) and only
    // the other one stays a dead letter.
    healthy = true;
    const redriven = await service.http.post(`/v1/consumer-groups/${group.name}/dead-letters/redrive`, {
      ids: [ids[0]],
    });
    expect(redriven.body).toEqual({ redriven: 1 });
    await expectEventually(async () =>
      expect(await deliveriesOf(ids[0])).toEqual([expect.objectContaining({ state: 'acked', attempts: 1 })]),
    );
    expect((await dead()).map((d: any) => d.message.id)).toEqual([ids[1]]);
    expect(await deliveriesOf(ids[1])).toEqual([expect.objectContaining({ state: 'dead' })]);
    expectError(
      await service.http.post(`/v1/consumer-groups/${group.name}/dead-letters/redrive`, { ids: ['nope'] }),
      400,
      'validation_failed',
    );
  });

  it('filters by tag', async () => {
    const history: Seen[] = [];
    const consumer = await recorder(history);
    const topic = await createTopic(service.http);
    const group = await createGroup(service.http, topic, {
      delivery: { type: 'push', url: consumer.url },
      filter: { tags: ['A', 'B'] },
    });
    const ids = [
      await send(service.http, topic, { body: 1, tag: 'A' }),
      await send(service.http, topic, { body: 2, tag: 'C' }),
      await send(service.http, topic, { body: 3 }),
      await send(service.http, topic, { body: 4, tag: 'B' }),
    ];

    await expectEventually(async () => expect(history).toHaveLength(2));
    await afterReconcilerRounds(service.env.db);
    // G1 against the group's filter: only A and B are expected, C and the untagged one never arrive.
    await expectSettledHistoryHolds(service.env.db, history, [{ name: group.name, ordered: false }], ids);
    expect(history.map((s) => s.kind === 'push' && s.messageId).sort()).toEqual([ids[0], ids[3]].sort());
  });

  it('broadcasts to every url of a broadcasting push group', async () => {
    const history: Seen[] = [];
    const consumers = [];
    for (let i = 0; i < 3; i++) consumers.push(await recorder(history, undefined, { broadcasting: true }));
    const urls = consumers.map((c) => c.url);
    const topic = await createTopic(service.http);
    const group = await createGroup(service.http, topic, {
      mode: 'broadcasting',
      delivery: { type: 'push', urls },
    });
    const ids = [await send(service.http, topic, { body: 1 }), await send(service.http, topic, { body: 2 })];

    // G2 per member: each url gets both messages, once.
    await expectSettledHistoryHolds(
      service.env.db,
      history,
      [{ name: group.name, ordered: false, members: urls }],
      ids,
    );
    expect(history).toHaveLength(6);
  });

  it('holds a delayed message until delayMs has passed', async () => {
    const consumer = await peer();
    const topic = await createTopic(service.http);
    await createGroup(service.http, topic, { delivery: { type: 'push', url: consumer.url } });
    const sentAt = Date.now();
    await send(service.http, topic, { body: 'later', delayMs: 1500 });
    await send(service.http, topic, { body: 'now' });

    await expectEventually(async () => expect(consumer.received).toHaveLength(2));
    expect(consumer.received.map((r) => r.body.body)).toEqual(['now', 'later']);
    expect(consumer.received[1].at - sentAt).toBeGreaterThanOrEqual(1450);
  });

  it('keeps at most maxConcurrency pushes in flight for a group', async () => {
    const consumer = await peer(() => ({ delayMs: 200 }));
    const topic = await createTopic(service.http);
    await createGroup(service.http, topic, {
      delivery: { type: 'push', url: consumer.url, maxConcurrency: 3 },
    });
    const batch = await service.http.post(`/v1/topics/${topic}/messages/batch`, {
      messages: Array.from({ length: 12 }, (_, i) => ({ body: i })),
    });
    expect(batch.status).toBe(201);

    await expectEventually(async () => expect(consumer.received).toHaveLength(12));
    expect(consumer.maxInflight).toBe(3);
  });

  it('does not deliver messages committed before the group was created', async () => {
    const history: Seen[] = [];
    const consumer = await recorder(history);
    const topic = await createTopic(service.http);
    const before = await send(service.http, topic, { body: 'before' });
    const group = await createGroup(service.http, topic, { delivery: { type: 'push', url: consumer.url } });
    const after = await send(service.http, topic, { body: 'after' });

    await expectEventually(async () => expect(history).toHaveLength(1));
    await afterReconcilerRounds(service.env.db);
    // G1 against the group's start: 'before' is not expected, so its arrival would be flagged.
    await expectSettledHistoryHolds(service.env.db, history, [{ name: group.name, ordered: false }], [after]);
    expect(await deliveriesOf(before)).toEqual([]);
  });
});
