import { uuidV7 } from '../support/uuid-v7';
import { expectError } from '../support/http-client';
import { countRows, type TestEnv } from '../support/test-env';
import { useService } from '../support/service-fixture';

describe('topics (SPEC §4)', () => {
  const service = useService();

  it('creates a topic with 201, then replaces it with 200 keeping createdAt', async () => {
    const created = await service.http.put('/v1/topics/orders', { description: 'order events' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'orders', description: 'order events' });
    const replaced = await service.http.put('/v1/topics/orders', { description: 'all order events' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      name: 'orders',
      description: 'all order events',
      createdAt: created.body.createdAt,
    });
    expect(await countRows(service.env.db, 'topics')).toBe(1);
  });

  it('creates a topic from a request without a body', async () => {
    const created = await service.http.request('PUT', '/v1/topics/no-body');
    expect(created.status).toBe(201);
    expect(created.body.description).toBe('');
  });

  it('returns a topic with message and consumer-group counts', async () => {
    await service.http.put('/v1/topics/counted');
    await service.env.db.query(
      `INSERT INTO messages (id, topic, state, body) VALUES ($1, 'counted', 'COMMITTED', '1'), ($2, 'counted', 'PREPARED', '2'),
       ($3, 'counted', 'COMMITTED', '3')`,
      [uuidV7(), uuidV7(), uuidV7()],
    );
    await insertConsumerGroup(service.env, 'counted-readers', 'counted');
    const topic = await service.http.get('/v1/topics/counted');
    expect(topic.status).toBe(200);
    expect(topic.body.counts).toEqual({
      messages: { prepared: 1, committed: 2, rolledBack: 0 },
      consumerGroups: 1,
    });
  });

  it('is 404 for an unknown topic', async () => {
    expectError(await service.http.get('/v1/topics/missing'), 404, 'not_found');
    expectError(await service.http.delete('/v1/topics/missing'), 404, 'not_found');
  });

  it('lists topics in name order, page by page', async () => {
    for (const name of ['list-c', 'list-a', 'list-b']) await service.http.put(`/v1/topics/${name}`);
    const first = await service.http.get('/v1/topics?limit=2');
    expect(first.body.items.map((t: { name: string }) => t.name)).toEqual(['counted', 'list-a']);
    const second = await service.http.get(`/v1/topics?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((t: { name: string }) => t.name)).toEqual(['list-b', 'list-c']);
    const rest = await service.http.get(`/v1/topics?limit=10&cursor=${second.body.nextCursor}`);
    expect(rest.body.items.map((t: { name: string }) => t.name)).toEqual(['no-body', 'orders']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('refuses with 409 to delete a topic while a consumer group subscribes, then deletes it with 204', async () => {
    await service.http.put('/v1/topics/busy');
    await insertConsumerGroup(service.env, 'busy-readers', 'busy');
    expectError(await service.http.delete('/v1/topics/busy'), 409, 'conflict');
    expect((await service.http.get('/v1/topics/busy')).status).toBe(200);
    await service.env.db.query(`DELETE FROM consumer_groups WHERE name = 'busy-readers'`);
    expect((await service.http.delete('/v1/topics/busy')).status).toBe(204);
    expectError(await service.http.get('/v1/topics/busy'), 404, 'not_found');
  });
});

/** Consumer groups have no API yet in this layer; the row is what makes a topic "subscribed". */
async function insertConsumerGroup(env: TestEnv, name: string, topic: string) {
  await env.db.query(
    `INSERT INTO consumer_groups (name, topic, mode, delivery_type, max_retries, retry_backoff_seconds, secret, start_seq)
     VALUES ($1, $2, 'clustering', 'pull', 16, '{10}', 'whsec_x', 0)`,
    [name, topic],
  );
}
