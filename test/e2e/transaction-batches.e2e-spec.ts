// Batch endpoints (SPEC §5): independent transactions and verdicts in one request, each entry
// answered with exactly the status and body its single call would get, failing alone; a
// malformed envelope is 400 for the whole request and stores nothing.
import { createGroup, createTopic, producerGroup } from '../support/delivery-fixture';
import { expectError, HttpClient } from '../support/http-client';
import { useService } from '../support/service-fixture';
import { countRows } from '../support/test-env';

describe('transaction batches (SPEC §5)', () => {
  const service = useService();
  let topic: string;
  let group: string;

  beforeAll(async () => {
    topic = await createTopic(service.http);
    group = await producerGroup(service.http);
    await createGroup(service.http, topic, { delivery: { type: 'pull' } });
  });

  const entry = (extra: Record<string, unknown> = {}) => ({
    producerGroup: group,
    messages: [{ topic, body: { n: 1 } }],
    ...extra,
  });
  const prepareBatch = (transactions: unknown[], http = service.http) =>
    http.post('/v1/transactions/batch', { transactions });
  /** What the single call answers for the same entry: status and body. */
  const single = async ({ idempotencyKey, ...body }: Record<string, unknown>) => {
    const answer = await service.http.post('/v1/transactions', body, {
      headers: idempotencyKey ? { 'idempotency-key': String(idempotencyKey) } : {},
    });
    return { status: answer.status, body: answer.body };
  };
  /** A result without what differs between two calls of the same request (ids, times, messages). */
  const shape = (result: { status: number; transaction?: any; error?: any }) =>
    result.error
      ? { status: result.status, error: result.error }
      : { status: result.status, state: result.transaction.state };

  it('answers each entry as its single call would: good ones 201, bad ones their own 4xx, none failing another', async () => {
    const bad = [
      entry({ producerGroup: 'no-such-group' }),
      { producerGroup: group },
      entry({ messages: [{ topic: 'no-such-topic', body: 1 }] }),
      entry({ surprise: true }),
      entry({ idempotencyKey: ' not visible ' }),
    ];
    const batch = await prepareBatch([entry(), ...bad, entry({ checkImmunitySeconds: 60 })]);
    expect(batch.status).toBe(200);
    const results = batch.body.results as { status: number; transaction?: any; error?: any }[];
    expect(results.map((r) => r.status)).toEqual([201, 404, 400, 404, 400, 400, 201]);
    for (const [i, body] of bad.entries()) {
      const alone = await single(body);
      expect(shape(results[i + 1])).toEqual({ status: alone.status, error: alone.body });
    }
    expect(results[0].transaction).toEqual({
      id: expect.any(String),
      state: 'PREPARED',
      producerGroup: group,
      messageIds: [expect.any(String)],
      createdAt: expect.any(String),
      nextCheckAt: expect.any(String),
    });
    const stored = await service.env.db.query(`SELECT id, state FROM transactions WHERE id = ANY ($1)`, [
      [results[0].transaction.id, results[6].transaction.id],
    ]);
    expect(stored.rows).toHaveLength(2);
  });

  it('keeps the Idempotency-Key rules per entry: a repeat is 200 with the original, another body 422', async () => {
    const key = `batch-key-${Date.now()}`;
    const [first] = (await prepareBatch([entry({ idempotencyKey: key })])).body.results;
    expect(first.status).toBe(201);
    const again = (
      await prepareBatch([
        entry({ idempotencyKey: key }),
        entry({ idempotencyKey: key, messages: [{ topic, body: 2 }] }),
      ])
    ).body.results;
    expect(again[0]).toEqual({ status: 200, transaction: first.transaction });
    expect(again[1].status).toBe(422);
    expect(again[1].error.error).toBe('idempotency_key_reused');
    // The single call with the same key sees the same record.
    expect(await single(entry({ idempotencyKey: key }))).toEqual({ status: 200, body: first.transaction });
  });

  it('refuses a malformed envelope whole (400), storing nothing', async () => {
    const before = await countRows(service.env.db, 'transactions');
    const envelopes = [
      {},
      { transactions: [] },
      { transactions: Array.from({ length: 257 }, () => entry()) },
      { transactions: [1, entry()] },
      { transactions: [entry()], extra: 1 },
      { transactions: entry() },
    ];
    for (const envelope of envelopes) {
      expectError(await service.http.post('/v1/transactions/batch', envelope), 400, 'validation_failed');
    }
    expectError(
      await service.http.post('/v1/transactions/verdicts', { verdicts: [] }),
      400,
      'validation_failed',
    );
    expect(await countRows(service.env.db, 'transactions')).toBe(before);
  });

  it('applies verdicts each on its own: repeats agree, the opposite conflicts, unknown ids and bad entries fail alone', async () => {
    const prepared = (await prepareBatch([entry(), entry()])).body.results.map((r: any) => r.transaction.id);
    const [a, b] = prepared;
    const unknown = '01900000-0000-7000-8000-000000000000';
    const verdicts = [
      { id: a, verdict: 'COMMIT' },
      { id: b, verdict: 'ROLLBACK' },
      { id: b, verdict: 'COMMIT' },
      { id: unknown, verdict: 'COMMIT' },
      { id: 'not-a-uuid', verdict: 'COMMIT' },
      { id: a, verdict: 'MAYBE' },
      { id: a, verdict: 'COMMIT' },
    ];
    const answer = await service.http.post('/v1/transactions/verdicts', { verdicts });
    expect(answer.status).toBe(200);
    const results = answer.body.results as { status: number; transaction?: any; error?: any }[];
    expect(results.map((r) => r.status)).toEqual([200, 200, 409, 404, 400, 400, 200]);
    expect(results[0].transaction).toMatchObject({ id: a, state: 'COMMITTED', resolvedBy: 'producer' });
    expect(results[1].transaction).toMatchObject({ id: b, state: 'ROLLED_BACK' });
    expect(results[6].transaction).toMatchObject({ id: a, state: 'COMMITTED' });
    // Each error is the single call's.
    const conflict = await service.http.post(`/v1/transactions/${b}/commit`);
    expect(results[2].error).toEqual(conflict.body);
    expect(results[3].error).toEqual((await service.http.post(`/v1/transactions/${unknown}/commit`)).body);
    expect(results[4].error).toEqual((await service.http.post('/v1/transactions/not-a-uuid/commit')).body);
    const messages = await service.env.db.query(
      `SELECT state FROM messages WHERE transaction_id = ANY ($1) ORDER BY state`,
      [prepared],
    );
    expect(messages.rows.map((r) => r.state)).toEqual(['COMMITTED', 'ROLLED_BACK']);
  });

  it("checks each entry against the caller's grants", async () => {
    const created = await service.http.post('/v1/admin/api-keys', {
      name: `batch-producer-${Date.now()}`,
      role: 'producer',
      producerGroups: [group],
      topics: [topic],
    });
    expect(created.status).toBe(201);
    const producer = new HttpClient(service.app.url, created.body.token);
    const other = await producerGroup(service.http);
    const results = (await prepareBatch([entry(), entry({ producerGroup: other })], producer)).body.results;
    expect(results.map((r: any) => r.status)).toEqual([201, 403]);
    expect(results[1].error.error).toBe('forbidden');
  });
});
