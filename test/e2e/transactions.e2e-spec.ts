import { expectError } from '../support/http-client';
import { useService } from '../support/service-fixture';
import { countRows } from '../support/test-env';

describe('transactions and plain sends (SPEC §5, §6)', () => {
  const service = useService();
  const message = (extra: object = {}) => ({ topic: 'orders', body: { orderId: 1 }, ...extra });
  const prepare = (body: object, headers?: Record<string, string>) =>
    service.http.post('/v1/transactions', { producerGroup: 'orders-svc', ...body }, { headers });

  beforeAll(async () => {
    await service.http.put('/v1/topics/orders');
    await service.http.put('/v1/topics/audit');
    // A far-off immunity keeps check-back out of these tests.
    await service.http.put('/v1/producer-groups/orders-svc', {
      checkbackUrl: 'http://127.0.0.1:9/x',
      checkImmunitySeconds: 3600,
    });
  });

  const messageStates = async (transactionId: string) =>
    (
      await service.env.db.query('SELECT state FROM messages WHERE transaction_id = $1', [transactionId])
    ).rows.map((row: { state: string }) => row.state);

  it('prepares a transaction of several messages as PREPARED, with the first check after the immunity', async () => {
    const created = await prepare({
      messages: [message(), message({ topic: 'audit', key: 'k', tag: 'T' })],
      checkImmunitySeconds: 60,
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      state: 'PREPARED',
      producerGroup: 'orders-svc',
      messageIds: [expect.any(String), expect.any(String)],
      createdAt: expect.any(String),
      nextCheckAt: expect.any(String),
    });
    expect(created.body.id[14]).toBe('7'); // UUIDv7
    expect(Date.parse(created.body.nextCheckAt) - Date.parse(created.body.createdAt)).toBe(60_000);
    expect(await messageStates(created.body.id)).toEqual(['PREPARED', 'PREPARED']);
  });

  it('commits all messages together; a repeated commit is 200 and a rollback after it is 409', async () => {
    const { body: tx } = await prepare({ messages: [message(), message(), message()] });
    const committed = await service.http.post(`/v1/transactions/${tx.id}/commit`);
    expect(committed.status).toBe(200);
    expect(committed.body).toMatchObject({
      id: tx.id,
      state: 'COMMITTED',
      resolvedBy: 'producer',
      nextCheckAt: null,
    });
    expect(await messageStates(tx.id)).toEqual(['COMMITTED', 'COMMITTED', 'COMMITTED']);
    expect(committed.body.messageIds).toEqual(tx.messageIds);
    expect((await service.http.post(`/v1/transactions/${tx.id}/commit`)).body).toMatchObject({
      state: 'COMMITTED',
      messageIds: tx.messageIds,
    });
    expectError(await service.http.post(`/v1/transactions/${tx.id}/rollback`), 409, 'conflict');
    expect(await messageStates(tx.id)).toEqual(['COMMITTED', 'COMMITTED', 'COMMITTED']);
  });

  it('rolls back all messages together; a repeated rollback is 200 and a commit after it is 409', async () => {
    const { body: tx } = await prepare({ messages: [message(), message()] });
    expect((await service.http.post(`/v1/transactions/${tx.id}/rollback`)).body).toMatchObject({
      state: 'ROLLED_BACK',
    });
    expect((await service.http.post(`/v1/transactions/${tx.id}/rollback`)).status).toBe(200);
    expectError(await service.http.post(`/v1/transactions/${tx.id}/commit`), 409, 'conflict');
    expect(await messageStates(tx.id)).toEqual(['ROLLED_BACK', 'ROLLED_BACK']);
  });

  it('accepts a verdict on a STUCK transaction', async () => {
    const { body: tx } = await prepare({ messages: [message()] });
    await service.env.db.query(
      `UPDATE transactions SET state = 'STUCK', next_check_at = NULL WHERE id = $1`,
      [tx.id],
    );
    expect((await service.http.post(`/v1/transactions/${tx.id}/commit`)).body).toMatchObject({
      state: 'COMMITTED',
      messageIds: tx.messageIds,
    });
  });

  it('returns a transaction with its messages, checks and check history', async () => {
    const { body: tx } = await prepare({
      messages: [message({ headers: { source: 'web' }, shardingKey: 'user-1', delayMs: 10 })],
    });
    const detail = await service.http.get(`/v1/transactions/${tx.id}`);
    expect(detail.body).toMatchObject({
      id: tx.id,
      state: 'PREPARED',
      checks: 0,
      checkHistory: [],
      resolvedAt: null,
      resolvedBy: null,
      messages: [
        {
          id: tx.messageIds[0],
          topic: 'orders',
          body: { orderId: 1 },
          headers: { source: 'web' },
          shardingKey: 'user-1',
          delayMs: 10,
        },
      ],
    });
  });

  it('is 404 for an unknown transaction and 400 for a malformed id', async () => {
    expectError(
      await service.http.post('/v1/transactions/01a1fca1-af94-71f3-93a1-7d092ebb6006/commit'),
      404,
      'not_found',
    );
    expectError(await service.http.get('/v1/transactions/nope'), 400, 'validation_failed');
  });

  it.each([
    [{ messages: [] }, 'messages'],
    [{ messages: Array.from({ length: 101 }, () => ({ topic: 'orders', body: 1 })) }, 'messages'],
    [{ messages: [{ topic: 'orders' }] }, 'messages.0.body'],
    [{ messages: [{ topic: 'bad name', body: 1 }] }, 'messages.0.topic'],
    [{ messages: [{ topic: 'orders', body: 1, key: 'k'.repeat(129) }] }, 'messages.0.key'],
    [{ messages: [{ topic: 'orders', body: 1, tag: 't'.repeat(65) }] }, 'messages.0.tag'],
    [{ messages: [{ topic: 'orders', body: 1, headers: { a: 1 } }] }, 'messages.0.headers'],
    [
      {
        messages: [
          {
            topic: 'orders',
            body: 1,
            headers: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`h${i}`, 'v'])),
          },
        ],
      },
      'messages.0.headers',
    ],
    [{ messages: [{ topic: 'orders', body: 1, delayMs: 7 * 24 * 3600 * 1000 + 1 }] }, 'messages.0.delayMs'],
    [{ messages: [{ topic: 'orders', body: 1 }], checkImmunitySeconds: -1 }, 'checkImmunitySeconds'],
    [{ messages: [{ topic: 'orders', body: 1, extra: true }] }, 'messages.0.extra'],
  ])('rejects prepare %j naming %s, storing nothing', async (body, field) => {
    const before = [
      await countRows(service.env.db, 'transactions'),
      await countRows(service.env.db, 'messages'),
    ];
    const error = expectError(await prepare(body), 400, 'validation_failed');
    expect(error.details.map((d) => d.field)).toContain(field);
    expect([
      await countRows(service.env.db, 'transactions'),
      await countRows(service.env.db, 'messages'),
    ]).toEqual(before);
  });

  it('is 404 for an unknown producer group or topic, storing nothing', async () => {
    const before = await countRows(service.env.db, 'transactions');
    expectError(
      await service.http.post('/v1/transactions', { producerGroup: 'ghost', messages: [message()] }),
      404,
      'not_found',
    );
    expectError(
      await prepare({ messages: [message(), message({ topic: 'ghost-topic' })] }),
      404,
      'not_found',
    );
    expect(await countRows(service.env.db, 'transactions')).toBe(before);
  });

  it('replays the original result for a repeated Idempotency-Key and body, and is 422 for another body', async () => {
    const body = { messages: [message({ key: 'idem' })] };
    const first = await prepare(body, { 'idempotency-key': 'prepare-1' });
    const again = await prepare(body, { 'idempotency-key': 'prepare-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(
      (await service.env.db.query(`SELECT count(*)::int AS n FROM messages WHERE key = 'idem'`)).rows[0].n,
    ).toBe(1);
    expectError(
      await prepare({ messages: [message({ key: 'other' })] }, { 'idempotency-key': 'prepare-1' }),
      422,
      'idempotency_key_reused',
    );
    expect(
      (await service.env.db.query(`SELECT count(*)::int AS n FROM messages WHERE key = 'other'`)).rows[0].n,
    ).toBe(0);
  });

  it('enforces producer grants on prepare, verdicts and reads', async () => {
    const other = await prepare({ messages: [message()] });
    const { body: key } = await service.http.post('/v1/admin/api-keys', {
      name: 'audit-only',
      role: 'producer',
      topics: ['audit'],
      producerGroups: ['audit-svc'],
    });
    const producer = service.http.withToken(key.token);
    expectError(
      await producer.post('/v1/transactions', {
        producerGroup: 'orders-svc',
        messages: [{ topic: 'audit', body: 1 }],
      }),
      403,
      'forbidden',
    );
    expectError(await producer.post(`/v1/transactions/${other.body.id}/commit`), 403, 'forbidden');
    expectError(await producer.get(`/v1/transactions/${other.body.id}`), 403, 'forbidden');
    expectError(await producer.post('/v1/topics/orders/messages', { body: 1 }), 403, 'forbidden');
    expect((await service.http.get(`/v1/transactions/${other.body.id}`)).body.state).toBe('PREPARED');
  });

  it('sends a plain message committed at once', async () => {
    const sent = await service.http.post('/v1/topics/orders/messages', {
      body: 'plain',
      key: 'p-1',
      tag: 'A',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({
      id: expect.any(String),
      topic: 'orders',
      state: 'COMMITTED',
      publishedAt: expect.any(String),
    });
    const { rows } = await service.env.db.query(
      'SELECT state, body, transaction_id, commit_seq FROM messages WHERE id = $1',
      [sent.body.id],
    );
    expect(rows[0]).toMatchObject({ state: 'COMMITTED', body: 'plain', transaction_id: null });
    expect(rows[0].commit_seq).not.toBeNull();
    expectError(await service.http.post('/v1/topics/ghost/messages', { body: 1 }), 404, 'not_found');
  });

  it('sends a batch atomically: all stored in order, or none when one message is invalid', async () => {
    const batch = await service.http.post('/v1/topics/audit/messages/batch', {
      messages: [{ body: 1 }, { body: 2 }, { body: 3 }],
    });
    expect(batch.status).toBe(201);
    const { rows } = await service.env.db.query(
      'SELECT id, body FROM messages WHERE id = ANY($1) ORDER BY commit_seq',
      [batch.body.ids],
    );
    expect(rows.map((r: { id: string; body: number }) => [r.id, r.body])).toEqual(
      batch.body.ids.map((id: string, i: number) => [id, i + 1]),
    );
    const before = await countRows(service.env.db, 'messages');
    expectError(
      await service.http.post('/v1/topics/audit/messages/batch', {
        messages: [{ body: 1 }, { key: 'no body' }],
      }),
      400,
      'validation_failed',
    );
    expectError(
      await service.http.post('/v1/topics/audit/messages/batch', {
        messages: Array.from({ length: 1001 }, () => ({ body: 1 })),
      }),
      400,
      'validation_failed',
    );
    expect(await countRows(service.env.db, 'messages')).toBe(before);
  });

  it('honours Idempotency-Key on plain sends', async () => {
    const first = await service.http.post(
      '/v1/topics/orders/messages',
      { body: 'once' },
      { headers: { 'idempotency-key': 'send-1' } },
    );
    const again = await service.http.post(
      '/v1/topics/orders/messages',
      { body: 'once' },
      { headers: { 'idempotency-key': 'send-1' } },
    );
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.id).toBe(first.body.id);
    expectError(
      await service.http.post(
        '/v1/topics/orders/messages',
        { body: 'twice' },
        { headers: { 'idempotency-key': 'send-1' } },
      ),
      422,
      'idempotency_key_reused',
    );
  });
});
