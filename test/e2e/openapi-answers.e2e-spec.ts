// The OpenAPI document cannot drift from what txmsg answers: every route of /docs-json is called
// for real — each 2xx it declares, no token (401), and the errors a client meets — and every
// answer must have a status the route declares and a body that validates against its schema.
import Ajv from 'ajv';
import { randomUUID } from 'node:crypto';
import { startHttpPeer, type HttpPeer } from '../support/http-peer';
import type { HttpResult } from '../support/http-client';
import { useService } from '../support/service-fixture';

type Schema = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: { 'application/json'?: { schema: Schema } } }>;
  security?: unknown[];
}
interface Answer {
  op: string;
  status: number;
  body: unknown;
  text: string;
}

/** OpenAPI 3.0's `nullable` as JSON Schema: the schema, or null. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const { nullable, ...rest } = node as Schema;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value)]),
  );
  return nullable === true ? { anyOf: [{ type: 'null' }, converted] } : converted;
}

describe('OpenAPI document: every answer declared and valid', () => {
  const service = useService({ TXMSG_MAX_BODY_BYTES: '65536' });
  const answers: Answer[] = [];
  let operations: Map<string, Operation>;
  let checkback: HttpPeer;
  let consumer: HttpPeer;

  beforeAll(async () => {
    const doc = await service.http.get('/docs-json', { token: null });
    expect(doc.status).toBe(200);
    operations = new Map();
    for (const [path, methods] of Object.entries(
      doc.body.paths as Record<string, Record<string, Operation>>,
    )) {
      for (const [method, operation] of Object.entries(methods))
        operations.set(`${method.toUpperCase()} ${path}`, operation);
    }
    documentSchemas = toJsonSchema(doc.body.components.schemas) as Record<string, Schema>;
    checkback = await startHttpPeer(() => ({ status: 200, body: { status: 'UNKNOWN' } }));
    consumer = await startHttpPeer(() => ({ status: 200, body: {} }));
  });
  afterAll(async () => {
    await checkback?.close();
    await consumer?.close();
  });
  let documentSchemas: Record<string, Schema>;

  /** Calls route `op` ("METHOD /path/{param}") with `params` filled in, and records the answer. */
  async function call(
    op: string,
    params: Record<string, string> = {},
    options: { body?: unknown; token?: string | null; headers?: Record<string, string>; query?: string } = {},
  ): Promise<HttpResult> {
    const [method, template] = op.split(' ');
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? 'x'));
    const answer = await service.http.request(method, path + (options.query ?? ''), {
      body: method === 'GET' || method === 'DELETE' ? undefined : options.body,
      token: options.token,
      headers: options.headers,
    });
    answers.push({ op, status: answer.status, body: answer.body, text: answer.text });
    return answer;
  }

  it('answers every route as its document says', async () => {
    // Keys.
    const operatorKey = await call(
      'POST /v1/admin/api-keys',
      {},
      { body: { name: 'night', role: 'operator' } },
    );
    expect(operatorKey.status).toBe(201);
    const spare = await call(
      'POST /v1/admin/api-keys',
      {},
      { body: { name: 'spare', role: 'consumer', consumerGroups: ['*'] } },
    );
    await call('POST /v1/admin/api-keys', {}, { body: { name: 'bad', role: 'root' } });
    await call('GET /v1/admin/api-keys');
    await call('DELETE /v1/admin/api-keys/{id}', { id: spare.body.id });
    await call('DELETE /v1/admin/api-keys/{id}', { id: randomUUID() });
    const lonely = await call(
      'POST /v1/admin/api-keys',
      {},
      { body: { name: 'lonely', role: 'producer', topics: ['elsewhere'] } },
    );

    // Topics and schemas.
    await call('PUT /v1/topics/{topic}', { topic: 'orders' }, { body: { description: 'orders' } });
    await call('PUT /v1/topics/{topic}', { topic: 'orders' }, { body: { description: 'all orders' } });
    await call('PUT /v1/topics/{topic}', { topic: 'orders' }, { body: { colour: 'red' } });
    const schema = { type: 'object', properties: { amount: { type: 'integer' } }, required: ['amount'] };
    await call(
      'PUT /v1/topics/{topic}/schemas/{version}',
      { topic: 'orders', version: '1' },
      { body: { schema } },
    );
    await call(
      'PUT /v1/topics/{topic}/schemas/{version}',
      { topic: 'orders', version: '1' },
      { body: { schema } },
    );
    await call(
      'PUT /v1/topics/{topic}/schemas/{version}',
      { topic: 'orders', version: '1' },
      { body: { schema: true } },
    );
    await call(
      'PUT /v1/topics/{topic}/schemas/{version}',
      { topic: 'orders', version: '2' },
      { body: { schema: { $ref: 'http://127.0.0.1:9/s.json' } } },
    );
    await call(
      'PUT /v1/topics/{topic}/schemas/{version}',
      { topic: 'nowhere', version: '1' },
      { body: { schema } },
    );
    const v2 = { ...schema, required: ['amount', 'currency'] };
    await call(
      'PUT /v1/topics/{topic}/schemas/{version}',
      { topic: 'orders', version: '2' },
      { body: { schema: v2 } },
    );
    await call(
      'PUT /v1/topics/{topic}',
      { topic: 'orders' },
      { body: { schema: { version: 1, compatibility: 'backward' } } },
    );
    await call(
      'PUT /v1/topics/{topic}',
      { topic: 'orders' },
      { body: { schema: { version: 2, compatibility: 'backward' } } },
    );
    await call('GET /v1/topics/{topic}/schemas', { topic: 'orders' });
    await call('GET /v1/topics/{topic}/schemas', { topic: 'nowhere' });
    await call('GET /v1/topics/{topic}', { topic: 'orders' });
    await call('GET /v1/topics/{topic}', { topic: 'nowhere' });
    await call('GET /v1/topics', {}, { query: '?limit=1' });
    await call('GET /v1/topics', {}, { query: '?limit=0' });
    await call('PUT /v1/topics/{topic}', { topic: 'scratch' });

    // Producer groups.
    const producer = { checkbackUrl: checkback.url, checkImmunitySeconds: 3600, checkbackTimeoutMs: 1000 };
    await call('PUT /v1/producer-groups/{group}', { group: 'shop' }, { body: producer });
    await call('PUT /v1/producer-groups/{group}', { group: 'shop' }, { body: producer });
    await call('PUT /v1/producer-groups/{group}', { group: 'shop' }, { body: { checkbackUrl: 'ftp://x' } });
    await call('GET /v1/producer-groups/{group}', { group: 'shop' });
    await call('GET /v1/producer-groups/{group}', { group: 'nobody' });
    await call('GET /v1/producer-groups');
    await call('POST /v1/producer-groups/{group}/rotate-secret', { group: 'shop' });
    await call('POST /v1/producer-groups/{group}/rotate-secret', { group: 'nobody' });

    // Consumer groups.
    const push = {
      topic: 'orders',
      delivery: { type: 'push', url: consumer.url, circuitBreaker: { failures: 3, probeSeconds: 5 } },
    };
    await call('PUT /v1/consumer-groups/{group}', { group: 'mailer' }, { body: push });
    await call('PUT /v1/consumer-groups/{group}', { group: 'mailer' }, { body: push });
    await call(
      'PUT /v1/consumer-groups/{group}',
      { group: 'mailer' },
      { body: { ...push, mode: 'broadcasting' } },
    );
    await call('PUT /v1/consumer-groups/{group}', { group: 'lost' }, { body: { ...push, topic: 'nowhere' } });
    const pull = {
      topic: 'orders',
      delivery: { type: 'pull' },
      maxRetries: 0,
      dedupe: { by: 'id', windowSeconds: 60 },
    };
    await call('PUT /v1/consumer-groups/{group}', { group: 'billing' }, { body: pull });
    await call('GET /v1/consumer-groups/{group}', { group: 'mailer' });
    await call('GET /v1/consumer-groups/{group}', { group: 'nobody' });
    await call('GET /v1/consumer-groups');
    await call('DELETE /v1/topics/{topic}', { topic: 'orders' });

    // Sends.
    const sent = await call(
      'POST /v1/topics/{topic}/messages',
      { topic: 'orders' },
      {
        body: { body: { amount: 1, currency: 'EUR' }, key: 'o-1', headers: { source: 'spec' } },
        headers: {
          'idempotency-key': 'send-1',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        },
      },
    );
    expect(sent.status).toBe(201);
    await call(
      'POST /v1/topics/{topic}/messages',
      { topic: 'orders' },
      {
        body: { body: { amount: 1, currency: 'EUR' }, key: 'o-1', headers: { source: 'spec' } },
        headers: { 'idempotency-key': 'send-1' },
      },
    );
    await call(
      'POST /v1/topics/{topic}/messages',
      { topic: 'orders' },
      { body: { body: { amount: 2 } }, headers: { 'idempotency-key': 'send-1' } },
    );
    await call(
      'POST /v1/topics/{topic}/messages',
      { topic: 'orders' },
      { body: { body: { amount: 'two' } } },
    );
    await call('POST /v1/topics/{topic}/messages', { topic: 'nowhere' }, { body: { body: 1 } });
    await call(
      'POST /v1/topics/{topic}/messages',
      { topic: 'orders' },
      { body: { body: 1 }, token: lonely.body.token },
    );
    await call(
      'POST /v1/topics/{topic}/messages',
      { topic: 'orders' },
      { body: { body: 'x'.repeat(70_000) } },
    );
    const batch = {
      messages: [{ body: { amount: 3, currency: 'USD' } }, { body: { amount: 4, currency: 'USD' } }],
    };
    await call(
      'POST /v1/topics/{topic}/messages/batch',
      { topic: 'orders' },
      { body: batch, headers: { 'idempotency-key': 'batch-1' } },
    );
    await call(
      'POST /v1/topics/{topic}/messages/batch',
      { topic: 'orders' },
      { body: batch, headers: { 'idempotency-key': 'batch-1' } },
    );
    await call('POST /v1/topics/{topic}/messages/batch', { topic: 'orders' }, { body: { messages: [] } });

    // Transactions.
    const message = { topic: 'orders', body: { amount: 5, currency: 'EUR' } };
    const prepared = await call(
      'POST /v1/transactions',
      {},
      { body: { producerGroup: 'shop', messages: [message] }, headers: { 'idempotency-key': 'tx-1' } },
    );
    await call(
      'POST /v1/transactions',
      {},
      { body: { producerGroup: 'shop', messages: [message] }, headers: { 'idempotency-key': 'tx-1' } },
    );
    await call('POST /v1/transactions', {}, { body: { producerGroup: 'nobody', messages: [message] } });
    await call(
      'POST /v1/transactions',
      {},
      { body: { producerGroup: 'shop', messages: [{ topic: 'orders', body: {} }] } },
    );
    const entries = await call(
      'POST /v1/transactions/batch',
      {},
      {
        body: {
          transactions: [
            { producerGroup: 'shop', messages: [message] },
            { producerGroup: 'shop', messages: [message] },
            { producerGroup: 'nobody', messages: [message] },
          ],
        },
      },
    );
    await call('POST /v1/transactions/batch', {}, { body: { transactions: 'all' } });
    const [first, second] = entries.body.results.map(
      (r: { transaction: { id: string } }) => r.transaction?.id,
    );
    await call(
      'POST /v1/transactions/verdicts',
      {},
      {
        body: {
          verdicts: [
            { id: first, verdict: 'COMMIT' },
            { id: randomUUID(), verdict: 'ROLLBACK' },
          ],
        },
      },
    );
    await call(
      'POST /v1/transactions/verdicts',
      {},
      { body: { verdicts: [{ id: first, verdict: 'MAYBE' }] } },
    );
    await call('POST /v1/transactions/{id}/commit', { id: prepared.body.id });
    await call('POST /v1/transactions/{id}/rollback', { id: second });
    await call('POST /v1/transactions/{id}/rollback', { id: prepared.body.id });
    await call('POST /v1/transactions/{id}/commit', { id: randomUUID() });
    await call('POST /v1/transactions/{id}/commit', { id: 'not-a-uuid' });
    await call('GET /v1/transactions/{id}', { id: prepared.body.id });
    await call('GET /v1/transactions/{id}', { id: randomUUID() });

    // Query.
    await call('GET /v1/messages', {}, { query: '?topic=orders&limit=2' });
    await call('GET /v1/messages', {}, { query: '?cursor=nonsense' });
    await call('GET /v1/messages/{id}', { id: sent.body.id });
    await call('GET /v1/messages/{id}', { id: randomUUID() });

    // Pull.
    const received = await call(
      'POST /v1/consumer-groups/{group}/receive',
      { group: 'billing' },
      { body: { maxMessages: 3, waitSeconds: 1 } },
    );
    expect(received.body.messages.length).toBe(3);
    const [a, b, c] = received.body.messages.map((m: { receiptHandle: string }) => m.receiptHandle);
    await call(
      'POST /v1/consumer-groups/{group}/receive',
      { group: 'billing' },
      { body: { maxMessages: 1000 } },
    );
    await call('POST /v1/consumer-groups/{group}/receive', { group: 'nobody' }, { body: {} });
    await call(
      'POST /v1/consumer-groups/{group}/ack',
      { group: 'billing' },
      { body: { receiptHandles: [a, randomUUID()] } },
    );
    await call(
      'POST /v1/consumer-groups/{group}/visibility',
      { group: 'billing' },
      { body: { receiptHandle: b, invisibleSeconds: 60 } },
    );
    await call(
      'POST /v1/consumer-groups/{group}/visibility',
      { group: 'billing' },
      { body: { receiptHandle: a, invisibleSeconds: 60 } },
    );
    await call('POST /v1/consumer-groups/{group}/nack', { group: 'billing' }, { body: { receiptHandle: c } });
    await call('POST /v1/consumer-groups/{group}/nack', { group: 'billing' }, { body: { receiptHandle: c } });

    // Dead letters (the nacked message had no retries left), replay, pause.
    await call('GET /v1/consumer-groups/{group}/dead-letters', { group: 'billing' });
    await call('GET /v1/consumer-groups/{group}/dead-letters', { group: 'nobody' });
    await call('POST /v1/consumer-groups/{group}/dead-letters/redrive', { group: 'billing' }, { body: {} });
    await call(
      'POST /v1/consumer-groups/{group}/dead-letters/redrive',
      { group: 'billing' },
      { body: { ids: ['x'] } },
    );
    await call(
      'POST /v1/consumer-groups/{group}/replay',
      { group: 'billing' },
      { body: { from: new Date(Date.now() - 60_000).toISOString() } },
    );
    await call('POST /v1/consumer-groups/{group}/replay', { group: 'billing' }, { body: {} });
    await call(
      'POST /v1/consumer-groups/{group}/pause',
      { group: 'mailer' },
      { token: operatorKey.body.token },
    );
    await call(
      'POST /v1/consumer-groups/{group}/resume',
      { group: 'mailer' },
      { token: operatorKey.body.token },
    );
    await call('POST /v1/consumer-groups/{group}/pause', { group: 'nobody' });
    await call('POST /v1/consumer-groups/{group}/resume', { group: 'nobody' });

    // Claims.
    const claimed = await call(
      'POST /v1/consumer-groups/{group}/claims',
      { group: 'billing' },
      { body: { key: 'invoice-1' } },
    );
    await call(
      'POST /v1/consumer-groups/{group}/claims',
      { group: 'billing' },
      { body: { key: 'invoice-1' } },
    );
    await call('POST /v1/consumer-groups/{group}/claims', { group: 'billing' }, { body: { key: '' } });
    await call(
      'POST /v1/consumer-groups/{group}/claims/{key}/complete',
      { group: 'billing', key: 'invoice-1' },
      { body: { token: claimed.body.token } },
    );
    await call(
      'POST /v1/consumer-groups/{group}/claims/{key}/complete',
      { group: 'billing', key: 'invoice-1' },
      { body: { token: 'stale' } },
    );
    const again = await call(
      'POST /v1/consumer-groups/{group}/claims',
      { group: 'billing' },
      { body: { key: 'invoice-2' } },
    );
    await call(
      'POST /v1/consumer-groups/{group}/claims/{key}/release',
      { group: 'billing', key: 'invoice-2' },
      { body: { token: again.body.token } },
    );
    await call(
      'POST /v1/consumer-groups/{group}/claims/{key}/release',
      { group: 'billing', key: 'invoice-2' },
      { body: {} },
    );

    // The operator's console.
    const open = await Promise.all(
      [1, 2, 3].map(() =>
        call('POST /v1/transactions', {}, { body: { producerGroup: 'shop', messages: [message] } }),
      ),
    );
    await call('GET /v1/admin/overview');
    await call('GET /v1/admin/overview', {}, { query: '?surprise=1' });
    await call('GET /v1/admin/transactions', {}, { query: '?limit=2' });
    await call('GET /v1/admin/transactions', {}, { query: '?state=DONE' });
    await call('GET /v1/admin/transactions/stuck-summary');
    await call('GET /v1/admin/transactions/stuck-summary', {}, { query: '?olderThanSeconds=-1' });
    await call(
      'POST /v1/admin/transactions/{id}/commit',
      { id: open[0].body.id },
      { token: operatorKey.body.token },
    );
    await call('POST /v1/admin/transactions/{id}/rollback', { id: open[0].body.id });
    await call('POST /v1/admin/transactions/{id}/rollback', { id: open[1].body.id });
    await call('POST /v1/admin/transactions/{id}/recheck', { id: open[2].body.id });
    await call('POST /v1/admin/transactions/{id}/recheck', { id: open[0].body.id });
    await call('POST /v1/admin/transactions/{id}/recheck', { id: randomUUID() });
    await call(
      'POST /v1/admin/transactions/bulk',
      {},
      { body: { action: 'rollback', ids: [open[2].body.id, open[0].body.id] } },
    );
    await call('POST /v1/admin/transactions/bulk', {}, { body: { action: 'shred', ids: [] } });
    await call('GET /v1/admin/audit', {}, { query: '?limit=5' });
    await call('GET /v1/admin/audit', {}, { query: '?limit=501' });

    // Deletes last.
    await call('DELETE /v1/consumer-groups/{group}', { group: 'mailer' });
    await call('DELETE /v1/consumer-groups/{group}', { group: 'mailer' });
    await call('DELETE /v1/topics/{topic}', { topic: 'scratch' });
    await call('DELETE /v1/topics/{topic}', { topic: 'scratch' });

    // Every route without a token, and as a key whose role it is not for.
    const consumerKey = await service.http.post('/v1/admin/api-keys', {
      name: 'reader',
      role: 'consumer',
      consumerGroups: ['billing'],
    });
    for (const op of operations.keys()) {
      await call(
        op,
        { id: randomUUID(), version: '1', topic: 'orders', group: 'mailer' },
        { token: null, body: {} },
      );
      if (
        !op.includes('/claims') &&
        !/receive|ack|nack|visibility|schemas$/.test(op) &&
        !op.startsWith('GET /v1/consumer-groups/{group}')
      ) {
        await call(
          op,
          { id: randomUUID(), version: '1', topic: 'orders', group: 'billing', key: 'k' },
          { token: consumerKey.body.token, body: {} },
        );
      }
    }

    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'doc', components: { schemas: documentSchemas } });
    const compile = (schema: Schema) =>
      ajv.compile(
        JSON.parse(JSON.stringify(toJsonSchema(schema)).replace(/"#\/components/g, '"doc#/components')),
      );
    // The walk can fail: a body that breaks the declared schema is caught.
    const topicSchema =
      operations.get('GET /v1/topics/{topic}')?.responses['200'].content?.['application/json']?.schema;
    const topic = answers.find((answer) => answer.op === 'GET /v1/topics/{topic}' && answer.status === 200)
      ?.body as Schema;
    expect(compile(topicSchema as Schema)(topic)).toBe(true);
    expect(compile(topicSchema as Schema)({ ...topic, counts: { messages: 'many' } })).toBe(false);
    expect(compile(topicSchema as Schema)({ ...topic, schema: { version: '1' } })).toBe(false);
    const problems: string[] = [];
    for (const answer of answers) {
      const declared = operations.get(answer.op)?.responses[String(answer.status)];
      if (!declared) {
        problems.push(
          `${answer.op} answered ${answer.status}, which it does not declare: ${answer.text.slice(0, 200)}`,
        );
        continue;
      }
      const schema = declared.content?.['application/json']?.schema;
      if (!schema) {
        if (answer.text !== '')
          problems.push(
            `${answer.op} ${answer.status} declares no body but sent ${answer.text.slice(0, 100)}`,
          );
        continue;
      }
      const validate = compile(schema);
      if (!validate(answer.body)) {
        problems.push(
          `${answer.op} ${answer.status}: ${ajv.errorsText(validate.errors)} in ${answer.text.slice(0, 300)}`,
        );
      }
    }
    // Each route was seen answering every 2xx it declares, and 401.
    for (const [op, operation] of operations) {
      for (const status of Object.keys(operation.responses).filter((s) => s.startsWith('2') || s === '401')) {
        if (!answers.some((answer) => answer.op === op && String(answer.status) === status)) {
          problems.push(`${op} never answered ${status} here: add a call that makes it`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(operations.size).toBeGreaterThanOrEqual(47);
  });
});
