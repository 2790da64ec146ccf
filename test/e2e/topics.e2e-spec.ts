import { randomUUID } from 'node:crypto';
import { startApp, type AppProcess } from '../support/app-process';
import { expectError, HttpClient } from '../support/http-client';
import { countRows, createTestEnv, type TestEnv } from '../support/test-env';

describe('topics (SPEC §4)', () => {
  let env: TestEnv;
  let app: AppProcess;
  let http: HttpClient;

  beforeAll(async () => {
    env = await createTestEnv();
    app = await startApp(env);
    http = new HttpClient(app.url, env.adminToken);
  });
  afterAll(async () => {
    await app?.stop();
    await env?.close();
  });

  it('creates a topic with 201, then replaces it with 200 keeping createdAt', async () => {
    const created = await http.put('/v1/topics/orders', { description: 'order events' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'orders', description: 'order events' });
    const replaced = await http.put('/v1/topics/orders', { description: 'all order events' });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      name: 'orders',
      description: 'all order events',
      createdAt: created.body.createdAt,
    });
    expect(await countRows(env.db, 'topics')).toBe(1);
  });

  it('creates a topic from a request without a body', async () => {
    const created = await http.request('PUT', '/v1/topics/no-body');
    expect(created.status).toBe(201);
    expect(created.body.description).toBe('');
  });

  it('returns a topic with message and consumer-group counts', async () => {
    await http.put('/v1/topics/counted');
    await env.db.query(
      `INSERT INTO messages (id, topic, state, body) VALUES ($1, 'counted', 'COMMITTED', '1'), ($2, 'counted', 'PREPARED', '2'),
       ($3, 'counted', 'COMMITTED', '3')`,
      [randomUUID(), randomUUID(), randomUUID()],
    );
    await insertConsumerGroup(env, 'counted-readers', 'counted');
    const topic = await http.get('/v1/topics/counted');
    expect(topic.status).toBe(200);
    expect(topic.body.counts).toEqual({
      messages: { prepared: 1, committed: 2, rolledBack: 0 },
      consumerGroups: 1,
    });
  });

  it('is 404 for an unknown topic', async () => {
    expectError(await http.get('/v1/topics/missing'), 404, 'not_found');
    expectError(await http.delete('/v1/topics/missing'), 404, 'not_found');
  });

  it('lists topics in name order, page by page', async () => {
    for (const name of ['list-c', 'list-a', 'list-b']) await http.put(`/v1/topics/${name}`);
    const first = await http.get('/v1/topics?limit=2');
    expect(first.body.items.map((t: { name: string }) => t.name)).toEqual(['counted', 'list-a']);
    const second = await http.get(`/v1/topics?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((t: { name: string }) => t.name)).toEqual(['list-b', 'list-c']);
    const rest = await http.get(`/v1/topics?limit=10&cursor=${second.body.nextCursor}`);
    expect(rest.body.items.map((t: { name: string }) => t.name)).toEqual(['no-body', 'orders']);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('refuses with 409 to delete a topic while a consumer group subscribes, then deletes it with 204', async () => {
    await http.put('/v1/topics/busy');
    await insertConsumerGroup(env, 'busy-readers', 'busy');
    expectError(await http.delete('/v1/topics/busy'), 409, 'conflict');
    expect((await http.get('/v1/topics/busy')).status).toBe(200);
    await env.db.query(`DELETE FROM consumer_groups WHERE name = 'busy-readers'`);
    expect((await http.delete('/v1/topics/busy')).status).toBe(204);
    expectError(await http.get('/v1/topics/busy'), 404, 'not_found');
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
