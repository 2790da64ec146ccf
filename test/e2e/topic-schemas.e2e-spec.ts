// Topic schemas (SPEC §4): immutable versions, backward compatibility, the check at the door on
// prepare, send and batch send (422 schema_violation, nothing stored), the version carried to
// consumers, one compilation per version, and schemas txmsg refuses to store.
import fc from 'fast-check';
import { startApp } from '../support/app-process';
import { createGroup, createTopic, producerGroup, uniqueName } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { startHttpPeer } from '../support/http-peer';
import { expectError, HttpClient, type HttpResult } from '../support/http-client';
import { readMetrics } from '../support/metrics';
import { useService } from '../support/service-fixture';
import { countRows } from '../support/test-env';

const ORDER_V1 = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 1 },
    amount: { type: 'integer', minimum: 0 },
    currency: { enum: ['EUR', 'USD'] },
    note: { type: 'string', maxLength: 200 },
  },
  required: ['id', 'amount'],
};

describe('topic schemas (SPEC §4)', () => {
  const service = useService({ TXMSG_CONFIG_CACHE_TTL_MS: '1000' });

  const putSchema = (topic: string, version: number, schema: unknown, extra: Record<string, unknown> = {}) =>
    service.http.put(`/v1/topics/${topic}/schemas/${version}`, { schema, ...extra });
  const useVersion = (topic: string, version: number, compatibility?: string) =>
    service.http.put(`/v1/topics/${topic}`, {
      schema: { version, ...(compatibility ? { compatibility } : {}) },
    });
  /** A topic whose current version is ORDER_V1. */
  async function orderTopic(compatibility = 'backward'): Promise<string> {
    const topic = await createTopic(service.http);
    expect((await putSchema(topic, 1, ORDER_V1)).status).toBe(201);
    expect((await useVersion(topic, 1, compatibility)).status).toBe(200);
    return topic;
  }
  const stored = async () => ({
    messages: await countRows(service.env.db, 'messages'),
    transactions: await countRows(service.env.db, 'transactions'),
  });

  it('creates immutable versions, lists them, and names the current one on the topic', async () => {
    const topic = await createTopic(service.http);
    const created = await putSchema(topic, 1, ORDER_V1);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ topic, version: 1, schema: ORDER_V1, createdAt: expect.any(String) });
    // The same schema again (keys in another order) is 200; another under the same version is 409.
    const again = await putSchema(topic, 1, Object.fromEntries(Object.entries(ORDER_V1).reverse()));
    expect(again.status).toBe(200);
    expect(again.body.createdAt).toBe(created.body.createdAt);
    expectError(await putSchema(topic, 1, { type: 'object' }), 409, 'conflict');
    const refund = { type: 'object', required: ['orderId'] };
    expect((await putSchema(topic, 1, refund, { tag: 'refund' })).status).toBe(201);

    // A version must exist before the topic names it; nothing changes when it does not.
    expectError(await useVersion(topic, 2), 400, 'validation_failed');
    expect((await service.http.get(`/v1/topics/${topic}`)).body.schema).toBeNull();
    const named = await useVersion(topic, 1, 'backward');
    expect(named.status).toBe(200);
    expect(named.body.schema).toEqual({ version: 1, compatibility: 'backward' });
    expect((await service.http.get(`/v1/topics/${topic}`)).body.schema).toEqual({
      version: 1,
      compatibility: 'backward',
    });

    const listed = await service.http.get(`/v1/topics/${topic}/schemas`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      currentVersion: 1,
      compatibility: 'backward',
      items: [
        { topic, version: 1, schema: ORDER_V1, createdAt: expect.any(String) },
        { topic, version: 1, tag: 'refund', schema: refund, createdAt: expect.any(String) },
      ],
    });
    expectError(await service.http.get('/v1/topics/no-such-topic/schemas'), 404, 'not_found');
    expectError(await putSchema('no-such-topic', 1, ORDER_V1), 404, 'not_found');
    expectError(await putSchema(topic, 0, ORDER_V1), 400, 'validation_failed');
    expectError(await putSchema(topic, 'one' as never, ORDER_V1), 400, 'validation_failed');
    expectError(
      await service.http.put(`/v1/topics/${topic}/schemas/3`, { schema: {}, extra: 1 }),
      400,
      'validation_failed',
    );
    expectError(await service.http.put(`/v1/topics/${topic}/schemas/3`, {}), 400, 'validation_failed');
  });

  it('lets producer, consumer and operator keys read schemas, and only admins write them', async () => {
    const topic = await orderTopic();
    const roles = {
      producer: { topics: [topic] },
      consumer: { consumerGroups: ['*'] },
      operator: {},
    } as const;
    for (const [role, grants] of Object.entries(roles)) {
      const key = await service.http.post('/v1/admin/api-keys', { name: uniqueName(role), role, ...grants });
      expect(key.status).toBe(201);
      const as = service.http.withToken(key.body.token);
      expect((await as.get(`/v1/topics/${topic}/schemas`)).body.currentVersion).toBe(1);
      expectError(await as.put(`/v1/topics/${topic}/schemas/2`, { schema: true }), 403, 'forbidden');
    }
    expect((await service.http.get(`/v1/topics/${topic}/schemas`, { token: null })).status).toBe(401);
  });

  it('refuses with 409, naming the change, a backward-incompatible version, and accepts a compatible one', async () => {
    const topic = await orderTopic('backward');
    const { properties } = ORDER_V1;
    const breaking: [string, unknown, RegExp][] = [
      [
        'a required field added',
        { ...ORDER_V1, required: ['id', 'amount', 'currency'] },
        /\/currency: added as a required field/,
      ],
      [
        'a type narrowed',
        { ...ORDER_V1, properties: { ...properties, id: { type: 'integer' } } },
        /\/id: type narrowed \(no longer string\)/,
      ],
      [
        'an enum narrowed',
        { ...ORDER_V1, properties: { ...properties, currency: { enum: ['EUR'] } } },
        /\/currency: enum narrowed \(no longer USD\)/,
      ],
      [
        'a bound tightened',
        { ...ORDER_V1, properties: { ...properties, note: { type: 'string', maxLength: 20 } } },
        /\/note: maxLength tightened to 20/,
      ],
      ['the object closed', { ...ORDER_V1, additionalProperties: false }, /\/: additionalProperties closed/],
    ];
    let version = 1;
    for (const [change, schema, named] of breaking) {
      version += 1;
      expect((await putSchema(topic, version, schema)).status).toBe(201);
      const refused = await useVersion(topic, version, 'backward');
      expectError(refused, 409, 'conflict');
      expect({ change, message: refused.body.message }).toEqual({
        change,
        message: expect.stringMatching(named),
      });
      expect((await service.http.get(`/v1/topics/${topic}`)).body.schema.version).toBe(1);
    }
    // A field of a closed object removed: v1 closed first (compatibility none lets it through).
    const closed = { ...ORDER_V1, additionalProperties: false };
    expect((await putSchema(topic, 10, closed)).status).toBe(201);
    expect((await useVersion(topic, 10, 'none')).status).toBe(200);
    const { note: _note, ...withoutNote } = properties;
    expect((await putSchema(topic, 11, { ...closed, properties: withoutNote })).status).toBe(201);
    const removed = await useVersion(topic, 11, 'backward');
    expectError(removed, 409, 'conflict');
    expect(removed.body.message).toMatch(/\/note: removed from a closed object/);

    // Added optional fields, a requirement dropped and a type widened: accepted.
    const compatible = {
      ...closed,
      properties: {
        ...properties,
        amount: { type: 'number', minimum: 0 },
        id: { type: ['string', 'integer'], minLength: 1 },
        sku: { type: 'string' },
      },
      required: ['id'],
    };
    expect((await putSchema(topic, 12, compatible)).status).toBe(201);
    const accepted = await useVersion(topic, 12, 'backward');
    expect(accepted.status).toBe(200);
    expect(accepted.body.schema).toEqual({ version: 12, compatibility: 'backward' });
  });

  it('refuses on prepare, send and batch send with 422 pointers when any body fails, storing nothing', async () => {
    const topic = await orderTopic();
    const group = await producerGroup(service.http);
    const good = { id: 'o-1', amount: 5 };
    const bad = { id: '', amount: -1, currency: 'GBP' };
    const before = await stored();

    const expectViolation = (answer: HttpResult, index: number) => {
      expectError(answer, 422, 'schema_violation');
      expect(answer.body.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ index, pointer: '/id', rule: '#/properties/id/minLength' }),
          expect.objectContaining({ index, pointer: '/amount', rule: '#/properties/amount/minimum' }),
          expect.objectContaining({ index, pointer: '/currency', rule: '#/properties/currency/enum' }),
        ]),
      );
      for (const detail of answer.body.details) expect(detail.index).toBe(index);
    };
    expectViolation(await service.http.post(`/v1/topics/${topic}/messages`, { body: bad }), 0);
    expectViolation(
      await service.http.post(`/v1/topics/${topic}/messages/batch`, {
        messages: [{ body: good }, { body: good }, { body: bad }],
      }),
      2,
    );
    expectViolation(
      await service.http.post('/v1/transactions', {
        producerGroup: group,
        messages: [
          { topic, body: good },
          { topic, body: bad },
        ],
      }),
      1,
    );
    const missing = await service.http.post(`/v1/topics/${topic}/messages`, { body: { amount: 1 } });
    expectError(missing, 422, 'schema_violation');
    expect(missing.body.details).toEqual([
      expect.objectContaining({ index: 0, pointer: '/id', rule: '#/required' }),
    ]);
    const notAnObject = await service.http.post(`/v1/topics/${topic}/messages`, { body: 'text' });
    expect(notAnObject.body.details).toEqual([expect.objectContaining({ pointer: '/', rule: '#/type' })]);
    // A batch of prepares answers the bad entry alone with the single call's 422.
    const batch = await service.http.post('/v1/transactions/batch', {
      transactions: [{ producerGroup: group, messages: [{ topic, body: bad }] }],
    });
    expect(batch.body.results[0]).toMatchObject({ status: 422, error: { error: 'schema_violation' } });
    expect(await stored()).toEqual(before);

    // A tag with a schema of its own is checked against it, others against the version's.
    expect(
      (await putSchema(topic, 1, { type: 'object', required: ['orderId'] }, { tag: 'refund' })).status,
    ).toBe(201);
    await expectEventually(async () => {
      const refund = await service.http.post(`/v1/topics/${topic}/messages`, { tag: 'refund', body: good });
      expect(refund.body.details).toEqual([expect.objectContaining({ pointer: '/orderId' })]);
    });
    expect(
      (await service.http.post(`/v1/topics/${topic}/messages`, { tag: 'refund', body: { orderId: 'o-1' } }))
        .status,
    ).toBe(201);
    expect(
      (await service.http.post(`/v1/topics/${topic}/messages`, { tag: 'sale', body: good })).status,
    ).toBe(201);
  });

  it('accepts every valid body, records the version, and hands it to push and pull consumers', async () => {
    const topic = await orderTopic();
    const peer = await startHttpPeer();
    try {
      await createGroup(service.http, topic, { delivery: { type: 'push', url: peer.url } });
      const pull = await createGroup(service.http, topic, { delivery: { type: 'pull' } });
      const order = fc.record(
        {
          id: fc.string({ minLength: 1, maxLength: 20 }),
          amount: fc.nat(),
          currency: fc.constantFrom('EUR', 'USD'),
          note: fc.string({ maxLength: 200 }),
          extra: fc.jsonValue(),
        },
        { requiredKeys: ['id', 'amount'] },
      );
      const bodies = fc.sample(order, { numRuns: 300, seed: 26 });
      for (let i = 0; i < bodies.length; i += 100) {
        const sent = await service.http.post(`/v1/topics/${topic}/messages/batch`, {
          messages: bodies.slice(i, i + 100).map((body) => ({ body })),
        });
        expect(sent.status).toBe(201);
      }
      const { rows } = await service.env.db.query(
        `SELECT schema_version, count(*)::int AS n FROM messages WHERE topic = $1 GROUP BY 1`,
        [topic],
      );
      expect(rows).toEqual([{ schema_version: 1, n: 300 }]);
      const [stored] = (await service.http.get(`/v1/messages?topic=${topic}&limit=1`)).body.items;
      expect((await service.http.get(`/v1/messages/${stored.id}`)).body).toMatchObject({
        schemaVersion: 1,
        durability: 'sync',
      });

      await expectEventually(async () => expect(peer.received.length).toBeGreaterThanOrEqual(300));
      expect(new Set(peer.received.map((r) => r.headers['txmsg-schema-version']))).toEqual(new Set(['1']));
      expect(peer.received[0].body.schemaVersion).toBe(1);
      const received = await service.http.post(`/v1/consumer-groups/${pull.name}/receive`, {
        maxMessages: 10,
      });
      expect(received.body.messages.length).toBe(10);
      for (const { message } of received.body.messages) expect(message.schemaVersion).toBe(1);

      // A topic without a schema: no version, no header.
      const plain = await createTopic(service.http);
      const plainPull = await createGroup(service.http, plain, { delivery: { type: 'pull' } });
      expect((await service.http.post(`/v1/topics/${plain}/messages`, { body: 'anything' })).status).toBe(
        201,
      );
      const [first] = (
        await service.http.post(`/v1/consumer-groups/${plainPull.name}/receive`, { maxMessages: 1 })
      ).body.messages;
      expect(first.message).not.toHaveProperty('schemaVersion');
    } finally {
      await peer.close();
    }
  });

  it('compiles a version once per instance however many bodies it checks', async () => {
    const topic = await orderTopic();
    const compilations = async () => (await readMetrics(service.http))('txmsg_schema_compilations_total');
    const before = await compilations();
    for (let i = 0; i < 20; i++) {
      const sent = await service.http.post(`/v1/topics/${topic}/messages/batch`, {
        messages: Array.from({ length: 50 }, (_, n) => ({ body: { id: `o-${i}-${n}`, amount: n } })),
      });
      expect(sent.status).toBe(201);
    }
    expect(await compilations()).toBe(before + 1);
    // A new version is one more compilation.
    expect((await putSchema(topic, 2, { ...ORDER_V1, required: ['id'] })).status).toBe(201);
    expect((await useVersion(topic, 2, 'backward')).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect(
        (await service.http.post(`/v1/topics/${topic}/messages`, { body: { id: `x${i}` } })).status,
      ).toBe(201);
    }
    expect(await compilations()).toBe(before + 2);
  });

  it('honours a version changed on another instance within the config cache time to live', async () => {
    const topic = await orderTopic('none');
    // No config-change notices reach this instance (another Redis prefix): only the bound.
    const other = await startApp(
      { ...service.env, redisPrefix: `${service.env.redisPrefix}-other` },
      { TXMSG_CONFIG_CACHE_TTL_MS: '1000' },
    );
    try {
      const elsewhere = new HttpClient(other.url, service.env.adminToken);
      const strict = { id: 'o-1', amount: 1 };
      expect((await elsewhere.post(`/v1/topics/${topic}/messages`, { body: strict })).status).toBe(201);
      expect(
        (await putSchema(topic, 2, { ...ORDER_V1, required: ['id', 'amount', 'currency'] })).status,
      ).toBe(201);
      const changedAt = Date.now();
      expect((await useVersion(topic, 2, 'none')).status).toBe(200);
      await expectEventually(async () => {
        expectError(
          await elsewhere.post(`/v1/topics/${topic}/messages`, { body: strict }),
          422,
          'schema_violation',
        );
      }, 5000);
      expect(Date.now() - changedAt).toBeLessThan(1000 + 1000);
    } finally {
      await other.stop();
    }
  });

  it('refuses with 400 what is not a JSON Schema 2020-12, and fetches nothing for a remote $ref', async () => {
    const topic = await createTopic(service.http);
    const remote = await startHttpPeer(() => ({ status: 200, body: { type: 'string' } }));
    try {
      const refused: [string, unknown][] = [
        ['a number', 42],
        ['an array', [{ type: 'string' }]],
        ['an unknown type', { type: 'text' }],
        ['an unknown keyword', { type: 'object', requird: ['id'] }],
        ['another draft', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }],
        ['a remote $ref', { $ref: `${remote.url}/order.json` }],
        ['a nested remote $ref', { type: 'object', properties: { a: { $ref: `${remote.url}/a.json#/x` } } }],
        ['a relative $ref', { $ref: 'other.json' }],
        ['a remote $id', { $id: `${remote.url}/self.json`, type: 'object' }],
        ['a local $ref to nothing', { $ref: '#/$defs/missing' }],
      ];
      for (const [what, schema] of refused) {
        const answer = await putSchema(topic, 1, schema);
        expect({ what, status: answer.status, error: answer.body.error }).toEqual({
          what,
          status: 400,
          error: 'validation_failed',
        });
      }
      expect(remote.received).toEqual([]);
      expect((await service.http.get(`/v1/topics/${topic}/schemas`)).body.items).toEqual([]);
      // A local reference is fine.
      const local = {
        $defs: { money: { type: 'integer', minimum: 0 } },
        properties: { amount: { $ref: '#/$defs/money' } },
      };
      expect((await putSchema(topic, 1, local)).status).toBe(201);
      expect((await putSchema(topic, 2, true)).status).toBe(201);
    } finally {
      await remote.close();
    }
  });
});
