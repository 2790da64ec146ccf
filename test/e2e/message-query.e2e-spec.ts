import { createGroup, createTopic, send } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { expectError } from '../support/http-client';
import { startHttpPeer } from '../support/http-peer';
import { useService } from '../support/service-fixture';

describe('message query and trace (SPEC §9)', () => {
  const service = useService({ TXMSG_CHECKBACK_POLL_MS: '100', TXMSG_RECONCILE_INTERVAL_MS: '300' });

  it('traces a full lifecycle in time order: prepared, check, committed, a failed attempt, retried, acked', async () => {
    let checks = 0;
    let pushes = 0;
    const peer = await startHttpPeer((request) => {
      if (request.url === '/check') {
        checks++;
        return { body: { status: checks === 1 ? 'UNKNOWN' : 'COMMIT' } };
      }
      return { status: ++pushes === 1 ? 500 : 200 };
    });
    try {
      const topic = await createTopic(service.http);
      const group = await createGroup(service.http, topic, {
        delivery: { type: 'push', url: `${peer.url}/push` },
        retryBackoffSeconds: [1],
      });
      await service.http.put('/v1/producer-groups/traced', {
        checkbackUrl: `${peer.url}/check`,
        checkImmunitySeconds: 0,
        checkIntervalSeconds: 1,
        maxCheckIntervalSeconds: 1,
      });
      const tx = await service.http.post('/v1/transactions', {
        producerGroup: 'traced',
        messages: [{ topic, body: { order: 1 }, key: 'order-1', tag: 'created' }],
      });
      const id = tx.body.messageIds[0] as string;

      await expectEventually(async () => {
        const message = await service.http.get(`/v1/messages/${id}`);
        expect(message.body.deliveries).toEqual([
          {
            consumerGroup: group.name,
            state: 'acked',
            attempts: 2,
            lastError: expect.any(String),
            ackedAt: expect.any(String),
            deadAt: null,
          },
        ]);
      }, 20_000);
      const message = (await service.http.get(`/v1/messages/${id}`)).body;
      expect(message).toMatchObject({
        id,
        topic,
        state: 'COMMITTED',
        transactionId: tx.body.id,
        key: 'order-1',
        tag: 'created',
        body: { order: 1 },
        publishedAt: expect.any(String),
      });
      expect(message.trace.map((e: { type: string }) => e.type)).toEqual([
        'prepared',
        'check',
        'check',
        'committed',
        'delivery_attempt',
        'retried',
        'delivery_attempt',
        'acked',
      ]);
      expect(message.trace[1]).toMatchObject({ attempt: 1, outcome: 'UNKNOWN', httpStatus: 200 });
      expect(message.trace[3]).toMatchObject({ resolvedBy: 'checkback' });
      expect(message.trace[4]).toMatchObject({
        consumerGroup: group.name,
        attempt: 1,
        outcome: 'failed',
        httpStatus: 500,
      });
      expect(message.trace[5]).toMatchObject({
        consumerGroup: group.name,
        attempt: 1,
        nextAttemptAt: expect.any(String),
      });
      expect(message.trace[6]).toMatchObject({ attempt: 2, outcome: 'acked', httpStatus: 200 });
      const times = message.trace.map((e: { at: string }) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    } finally {
      await peer.close();
    }
  });

  it('traces dead-lettering and redrive, and a rolled-back message', async () => {
    const peer = await startHttpPeer(() => ({ status: 500 }));
    try {
      const topic = await createTopic(service.http);
      const group = await createGroup(service.http, topic, {
        delivery: { type: 'push', url: peer.url },
        maxRetries: 0,
      });
      const id = await send(service.http, topic, { body: 'x' });
      await expectEventually(async () =>
        expect((await service.http.get(`/v1/messages/${id}`)).body.deliveries[0].state).toBe('dead'),
      );
      await service.http.post(`/v1/consumer-groups/${group.name}/dead-letters/redrive`, {});
      await expectEventually(async () => {
        const types = (await service.http.get(`/v1/messages/${id}`)).body.trace.map(
          (e: { type: string }) => e.type,
        );
        expect(types).toEqual([
          'committed',
          'delivery_attempt',
          'dead',
          'redriven',
          'delivery_attempt',
          'dead',
        ]);
      });

      await service.http.put('/v1/producer-groups/rb', {
        checkbackUrl: 'http://127.0.0.1:9/x',
        checkImmunitySeconds: 3600,
      });
      const tx = await service.http.post('/v1/transactions', {
        producerGroup: 'rb',
        messages: [{ topic, body: 1 }],
      });
      await service.http.post(`/v1/transactions/${tx.body.id}/rollback`);
      const rolledBack = (await service.http.get(`/v1/messages/${tx.body.messageIds[0]}`)).body;
      expect(rolledBack.state).toBe('ROLLED_BACK');
      expect(rolledBack.deliveries).toEqual([]);
      expect(rolledBack.trace.map((e: { type: string }) => e.type)).toEqual(['prepared', 'rolled_back']);
    } finally {
      await peer.close();
    }
  });

  it('lists messages by topic, key, tag and time, newest first', async () => {
    const topic = await createTopic(service.http);
    const a = await send(service.http, topic, { body: 1, key: 'alpha', tag: 'x' });
    const b = await send(service.http, topic, { body: 2, key: 'beta', tag: 'y' });
    const c = await send(service.http, topic, { body: 3, key: 'alpha', tag: 'y' });
    const ids = async (query: string) =>
      (await service.http.get(`/v1/messages?${query}`)).body.items.map((m: { id: string }) => m.id);

    expect(await ids(`topic=${topic}`)).toEqual([c, b, a]);
    expect(await ids(`topic=${topic}&key=alpha`)).toEqual([c, a]);
    expect(await ids(`topic=${topic}&tag=y`)).toEqual([c, b]);
    const bAt = (await service.http.get(`/v1/messages/${b}`)).body.createdAt;
    expect(await ids(`topic=${topic}&from=${encodeURIComponent(bAt)}`)).toEqual([c, b]);
    expect(await ids(`topic=${topic}&to=${encodeURIComponent(bAt)}`)).toEqual([a]);
    expect((await service.http.get(`/v1/messages?topic=${topic}`)).body.items[0]).not.toHaveProperty('body');
  });

  it('pages without duplicates or gaps while messages are inserted concurrently', async () => {
    const topic = await createTopic(service.http);
    const batch = await service.http.post(`/v1/topics/${topic}/messages/batch`, {
      messages: Array.from({ length: 95 }, (_, i) => ({ body: i })),
    });
    const existing: string[] = batch.body.ids;
    let inserting = true;
    const inserter = (async () => {
      while (inserting) await send(service.http, topic, { body: 'concurrent' });
    })();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await service.http.get(
        `/v1/messages?topic=${topic}&limit=10${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((m: { id: string }) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    inserting = false;
    await inserter;

    expect(new Set(seen).size).toBe(seen.length);
    expect(existing.filter((id) => !seen.includes(id))).toEqual([]);
  });

  it('rejects bad ids, filters and cursors; 404s an unknown message', async () => {
    expectError(await service.http.get('/v1/messages/not-a-uuid'), 400, 'validation_failed');
    expectError(
      await service.http.get('/v1/messages/01a1fcb1-dbd4-7283-ba47-2c5b9af7a3ce'),
      404,
      'not_found',
    );
    expectError(await service.http.get('/v1/messages?from=yesterday'), 400, 'validation_failed');
    expectError(await service.http.get('/v1/messages?cursor=abc'), 400, 'validation_failed');
    expectError(await service.http.get('/v1/messages?limit=501'), 400, 'validation_failed');
    expectError(await service.http.get('/v1/messages?topic=bad%20name'), 400, 'validation_failed');
    expectError(await service.http.get('/v1/messages?unknown=1'), 400, 'validation_failed');
  });
});
