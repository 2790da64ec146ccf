import { createTopic, uniqueName } from '../support/delivery-fixture';
import { expectError } from '../support/http-client';
import { useService } from '../support/service-fixture';
import { countRows } from '../support/test-env';

describe('consumer groups API (SPEC §7)', () => {
  const service = useService();
  const push = { type: 'push', url: 'http://127.0.0.1:9/hook' };

  it('creates a group with SPEC defaults and the push secret once, replaces its config on PUT', async () => {
    const topic = await createTopic(service.http);
    const name = uniqueName('g');
    const created = await service.http.put(`/v1/consumer-groups/${name}`, { topic, delivery: push });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      name,
      topic,
      filter: null,
      mode: 'clustering',
      ordered: false,
      delivery: { type: 'push', url: push.url, timeoutMs: 10000, maxConcurrency: 32 },
      maxRetries: 16,
      retryBackoffSeconds: [10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200],
      dedupe: { by: 'id', windowSeconds: 604800 },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      stats: {
        ready: 0,
        inflight: 0,
        retrying: 0,
        delayed: 0,
        deadLetters: 0,
        oldestReadyAgeSeconds: null,
        ackedTotal: 0,
        paused: false,
        endpoints: [{ url: push.url, circuit: 'closed', since: expect.any(String), lastError: null }],
      },
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });

    const replaced = await service.http.put(`/v1/consumer-groups/${name}`, {
      topic,
      ordered: true,
      filter: { tags: ['A'] },
      delivery: { ...push, timeoutMs: 2000 },
      maxRetries: 3,
      retryBackoffSeconds: [1, 2],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.secret).toBeUndefined();
    expect(replaced.body).toMatchObject({
      ordered: true,
      filter: { tags: ['A'] },
      maxRetries: 3,
      retryBackoffSeconds: [1, 2],
    });
    expect((await service.http.get(`/v1/consumer-groups/${name}`)).body).toMatchObject({
      delivery: { timeoutMs: 2000 },
      stats: expect.any(Object),
    });
    const listed = await service.http.get('/v1/consumer-groups?limit=500');
    expect(listed.body.items.map((g: { name: string }) => g.name)).toContain(name);
  });

  it('rejects bad configs with 400 and changes nothing', async () => {
    const topic = await createTopic(service.http);
    const before = await countRows(service.env.db, 'consumer_groups');
    const bad = [
      { topic, delivery: { type: 'push' } },
      { topic, delivery: { type: 'push', urls: ['http://127.0.0.1:9/a'] } },
      { topic, mode: 'broadcasting', delivery: push },
      { topic, delivery: { type: 'pull', url: 'http://127.0.0.1:9/a' } },
      { topic, delivery: { type: 'smoke' } },
      { topic, delivery: { type: 'push', url: 'ftp://x' } },
      { topic, delivery: push, maxRetries: -1 },
      { topic, delivery: push, retryBackoffSeconds: [] },
      { topic, delivery: push, filter: { tags: [] } },
      { topic, delivery: push, mode: 'fanout' },
      { topic, delivery: push, extra: true },
      { topic, delivery: { ...push, extra: true } },
      { topic: 'bad name', delivery: push },
      { delivery: push },
    ];
    for (const body of bad) {
      expectError(
        await service.http.put(`/v1/consumer-groups/${uniqueName('bad')}`, body),
        400,
        'validation_failed',
      );
    }
    expectError(
      await service.http.put('/v1/consumer-groups/bad%20name', { topic, delivery: push }),
      400,
      'validation_failed',
    );
    expect(await countRows(service.env.db, 'consumer_groups')).toBe(before);
  });

  it('404s an unknown topic or group; 409s a change of topic or mode', async () => {
    expectError(
      await service.http.put(`/v1/consumer-groups/${uniqueName('g')}`, {
        topic: 'no-such-topic',
        delivery: push,
      }),
      404,
      'not_found',
    );
    expectError(await service.http.get('/v1/consumer-groups/no-such-group'), 404, 'not_found');
    expectError(await service.http.delete('/v1/consumer-groups/no-such-group'), 404, 'not_found');
    const [a, b] = [await createTopic(service.http), await createTopic(service.http)];
    const name = uniqueName('g');
    expect((await service.http.put(`/v1/consumer-groups/${name}`, { topic: a, delivery: push })).status).toBe(
      201,
    );
    expectError(
      await service.http.put(`/v1/consumer-groups/${name}`, { topic: b, delivery: push }),
      409,
      'conflict',
    );
    expectError(
      await service.http.put(`/v1/consumer-groups/${name}`, {
        topic: a,
        mode: 'broadcasting',
        delivery: { type: 'push', urls: [push.url] },
      }),
      409,
      'conflict',
    );
  });

  it('keeps a subscribed topic from being deleted until its groups are', async () => {
    const topic = await createTopic(service.http);
    const name = uniqueName('g');
    await service.http.put(`/v1/consumer-groups/${name}`, { topic, delivery: { type: 'pull' } });
    expectError(await service.http.delete(`/v1/topics/${topic}`), 409, 'conflict');
    expect((await service.http.delete(`/v1/consumer-groups/${name}`)).status).toBe(204);
    expect((await service.http.delete(`/v1/topics/${topic}`)).status).toBe(204);
  });

  it('reports backlog in stats: ready, delayed and the oldest ready age', async () => {
    const topic = await createTopic(service.http);
    const name = uniqueName('g');
    await service.http.put(`/v1/consumer-groups/${name}`, { topic, delivery: { type: 'pull' } });
    await service.http.post(`/v1/topics/${topic}/messages/batch`, {
      messages: [{ body: 1 }, { body: 2 }, { body: 3, delayMs: 600_000 }],
    });
    const { stats } = (await service.http.get(`/v1/consumer-groups/${name}`)).body;
    expect(stats).toEqual({
      ready: 2,
      inflight: 0,
      retrying: 0,
      delayed: 1,
      deadLetters: 0,
      oldestReadyAgeSeconds: expect.any(Number),
      ackedTotal: 0,
      paused: false,
    });
  });

  it('lets consumers read only their granted groups and never change them', async () => {
    const topic = await createTopic(service.http);
    const name = uniqueName('g');
    await service.http.put(`/v1/consumer-groups/${name}`, { topic, delivery: { type: 'pull' } });
    const key = await service.http.post('/v1/admin/api-keys', {
      name: 'c',
      role: 'consumer',
      consumerGroups: [name],
    });
    const consumer = service.http.withToken(key.body.token);
    expect((await consumer.get(`/v1/consumer-groups/${name}`)).status).toBe(200);
    expectError(
      await consumer.put(`/v1/consumer-groups/${name}`, { topic, delivery: { type: 'pull' } }),
      403,
      'forbidden',
    );
    expectError(await consumer.get(`/v1/consumer-groups/${name}/dead-letters`), 403, 'forbidden');
    expectError(
      await service.http.withToken(undefined).get(`/v1/consumer-groups/${name}`),
      401,
      'unauthorized',
    );
  });
});
