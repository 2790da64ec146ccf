import { createHash } from 'node:crypto';
import { expectError } from '../support/http-client';
import { countRows } from '../support/test-env';
import { useService } from '../support/service-fixture';

describe('auth: bearer tokens, API keys, roles and grants', () => {
  const service = useService();
  beforeAll(async () => {
    await service.http.put('/v1/topics/orders');
    await service.http.put('/v1/producer-groups/orders-svc', { checkbackUrl: 'http://127.0.0.1:9/check' });
    await service.http.put('/v1/producer-groups/billing-svc', { checkbackUrl: 'http://127.0.0.1:9/check' });
  });

  const createKey = async (body: object) => {
    const created = await service.http.post('/v1/admin/api-keys', body);
    expect(created.status).toBe(201);
    return created.body as { id: string; token: string; name: string };
  };

  it('is 401 unauthorized without a token', async () => {
    expectError(await service.http.get('/v1/topics', { token: null }), 401, 'unauthorized');
  });

  it('is 401 with a malformed Authorization header', async () => {
    expectError(
      await service.http.get('/v1/topics', { token: null, headers: { authorization: 'Basic abc' } }),
      401,
      'unauthorized',
    );
  });

  it('is 401 with an unknown token', async () => {
    expectError(await service.http.get('/v1/topics', { token: 'txm_not-a-real-token' }), 401, 'unauthorized');
  });

  it('accepts the bootstrap admin token from TXMSG_ADMIN_TOKEN', async () => {
    expect((await service.http.get('/v1/topics')).status).toBe(200);
  });

  it('creates an API key whose token is shown once and stored only as a SHA-256 hash', async () => {
    const key = await createKey({ name: 'ci-admin', role: 'admin' });
    expect(key.token).toMatch(/^txm_[A-Za-z0-9_-]{43}$/);
    const { rows } = await service.env.db.query('SELECT * FROM api_keys WHERE id = $1', [key.id]);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(key.token).digest('hex'));
    expect(JSON.stringify(rows[0])).not.toContain(key.token);
    const listed = await service.http.get('/v1/admin/api-keys');
    const entry = listed.body.items.find((item: { id: string }) => item.id === key.id);
    expect(entry).toMatchObject({ id: key.id, name: 'ci-admin', role: 'admin' });
    expect(entry).not.toHaveProperty('token');
    expect(entry).not.toHaveProperty('tokenHash');
    expect((await service.http.withToken(key.token).get('/v1/topics')).status).toBe(200);
  });

  it('stops accepting a key once it is deleted, and 404s a second delete', async () => {
    const key = await createKey({ name: 'short-lived', role: 'admin' });
    expect((await service.http.withToken(key.token).get('/v1/topics')).status).toBe(200);
    expect((await service.http.delete(`/v1/admin/api-keys/${key.id}`)).status).toBe(204);
    expectError(await service.http.withToken(key.token).get('/v1/topics'), 401, 'unauthorized');
    expectError(await service.http.delete(`/v1/admin/api-keys/${key.id}`), 404, 'not_found');
    const listed = await service.http.get('/v1/admin/api-keys');
    expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(key.id);
  });

  it('is 403 forbidden when a producer key calls an admin endpoint', async () => {
    const producer = await createKey({
      name: 'orders-producer',
      role: 'producer',
      topics: ['orders'],
      producerGroups: ['orders-svc'],
    });
    const client = service.http.withToken(producer.token);
    expectError(await client.put('/v1/topics/sneaky'), 403, 'forbidden');
    expectError(await client.post('/v1/admin/api-keys', { name: 'x', role: 'admin' }), 403, 'forbidden');
    expectError(await client.get('/v1/admin/api-keys'), 403, 'forbidden');
    expect(await countRows(service.env.db, 'topics')).toBe(1);
  });

  it('lets a producer read only the producer groups it is granted', async () => {
    const producer = await createKey({
      name: 'orders-only',
      role: 'producer',
      producerGroups: ['orders-svc'],
    });
    const client = service.http.withToken(producer.token);
    expect((await client.get('/v1/producer-groups/orders-svc')).status).toBe(200);
    expectError(await client.get('/v1/producer-groups/billing-svc'), 403, 'forbidden');
  });

  it('treats "*" as a grant for every name', async () => {
    const producer = await createKey({ name: 'all-groups', role: 'producer', producerGroups: ['*'] });
    expect((await service.http.withToken(producer.token).get('/v1/producer-groups/billing-svc')).status).toBe(
      200,
    );
  });

  it('is 403 for a consumer key on producer endpoints', async () => {
    const consumer = await createKey({
      name: 'reader',
      role: 'consumer',
      consumerGroups: ['orders-readers'],
    });
    expectError(
      await service.http.withToken(consumer.token).get('/v1/producer-groups/orders-svc'),
      403,
      'forbidden',
    );
  });

  it.each([
    [{ role: 'admin' }, 'name'],
    [{ name: 'x', role: 'root' }, 'role'],
    [{ name: 'has space', role: 'admin' }, 'name'],
    [{ name: 'x', role: 'producer', topics: ['bad name!'] }, 'topics'],
    [{ name: 'x', role: 'consumer', topics: ['orders'] }, 'topics'],
    [{ name: 'x', role: 'admin', consumerGroups: ['g'] }, 'consumerGroups'],
    [{ name: 'x', role: 'admin', scopes: ['all'] }, 'scopes'],
  ])('rejects API key payload %j naming field %s, and stores nothing', async (payload, field) => {
    const before = await countRows(service.env.db, 'api_keys');
    const error = expectError(
      await service.http.post('/v1/admin/api-keys', payload),
      400,
      'validation_failed',
    );
    expect(error.details.map((detail) => detail.field)).toContain(field);
    expect(await countRows(service.env.db, 'api_keys')).toBe(before);
  });

  it('is 400 for a delete with a non-UUID id', async () => {
    expectError(await service.http.delete('/v1/admin/api-keys/not-a-uuid'), 400, 'validation_failed');
  });

  it('paginates API keys with a cursor, without duplicates or gaps', async () => {
    for (let i = 0; i < 5; i++) await createKey({ name: `page-${i}`, role: 'consumer' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = await service.http.get(`/v1/admin/api-keys${query}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const { rows } = await service.env.db.query(
      'SELECT id FROM api_keys WHERE revoked_at IS NULL ORDER BY id',
    );
    expect(seen).toEqual(rows.map((row: { id: string }) => row.id));
  });
});
