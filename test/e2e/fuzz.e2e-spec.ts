// Property-based fuzzing of the whole API from its own OpenAPI document (G7): every operation
// gets bad requests — type-breaking values in any field of a valid body, unknown and prototype
// field names, missing required fields, bodies that are not objects or not JSON, bad query
// values, bad path parameters — and each must be a 4xx in the SPEC shape that changes no row.
// Seeded and bounded, so a failure replays exactly.
import fc from 'fast-check';
import { type HttpResult } from '../support/http-client';
import { useService } from '../support/service-fixture';
import { countRows } from '../support/test-env';

const SEED = 20_261_121;
const RUNS = 3000;
const TABLES = [
  'topics',
  'producer_groups',
  'consumer_groups',
  'consumer_group_members',
  'messages',
  'transactions',
  'deliveries',
  'delivery_attempts',
  'check_attempts',
  'api_keys',
  'audit_log',
  'idempotency_keys',
];
const SOME_UUID = '01a1fdba-7470-7244-b0c0-c709e6cdd615';

/** A valid body for every operation that takes one; mutations make it invalid in one place. */
const VALID_BODIES: Record<string, unknown> = {
  'POST /v1/admin/api-keys': { name: 'fz', role: 'consumer', consumerGroups: ['fz-pull'] },
  'PUT /v1/topics/{topic}': { description: 'd' },
  'PUT /v1/producer-groups/{group}': {
    checkbackUrl: 'http://127.0.0.1:9/c',
    checkbackTimeoutMs: 1000,
    checkImmunitySeconds: 3600,
    checkIntervalSeconds: 30,
    maxCheckIntervalSeconds: 600,
    maxChecks: 3,
  },
  'POST /v1/topics/{topic}/messages': {
    body: { a: 1 },
    key: 'k',
    tag: 't',
    headers: { h: 'v' },
    shardingKey: 's',
    delayMs: 0,
  },
  'POST /v1/topics/{topic}/messages/batch': { messages: [{ body: 1, key: 'k', tag: 't' }] },
  'POST /v1/transactions': {
    producerGroup: 'fz-pg',
    messages: [{ topic: 'fz-topic', body: 1, key: 'k', headers: { h: 'v' } }],
    checkImmunitySeconds: 3600,
  },
  'PUT /v1/consumer-groups/{group}': {
    topic: 'fz-topic',
    filter: { tags: ['A'] },
    mode: 'clustering',
    ordered: false,
    delivery: { type: 'pull' },
    maxRetries: 3,
    retryBackoffSeconds: [1, 2],
    dedupe: { by: 'id', windowSeconds: 60 },
  },
  'POST /v1/consumer-groups/{group}/dead-letters/redrive': { ids: [SOME_UUID] },
  'POST /v1/consumer-groups/{group}/replay': { from: '2026-01-01T00:00:00Z' },
  'POST /v1/consumer-groups/{group}/receive': {
    maxMessages: 1,
    waitSeconds: 0,
    invisibleSeconds: 30,
    consumerId: 'c',
  },
  'POST /v1/consumer-groups/{group}/ack': { receiptHandles: ['h'] },
  'POST /v1/consumer-groups/{group}/nack': { receiptHandle: 'h', retryAfterSeconds: 1 },
  'POST /v1/consumer-groups/{group}/visibility': { receiptHandle: 'h', invisibleSeconds: 1 },
  'POST /v1/consumer-groups/{group}/claims': { key: 'k', leaseSeconds: 60 },
  'POST /v1/consumer-groups/{group}/claims/{key}/complete': { token: 't' },
  'POST /v1/consumer-groups/{group}/claims/{key}/release': { token: 't' },
  'POST /v1/admin/transactions/bulk': { action: 'recheck', ids: [SOME_UUID] },
};

/** Values that break a field of the given current value's type (never valid for it). */
function breaking(value: unknown): fc.Arbitrary<unknown> {
  const common = [null, 'a\u0000b', '\ud800', [[[]]]];
  if (typeof value === 'string') return fc.constantFrom(...common, 42, true, {}, [value]);
  if (typeof value === 'number') return fc.constantFrom(...common, String(value), true, 1.5, -1e12, {});
  if (typeof value === 'boolean') return fc.constantFrom(...common, 'true', 1, {});
  if (Array.isArray(value)) return fc.constantFrom(...common.slice(0, 3), {}, 'x', 1, [{}], [null]);
  return fc.constantFrom(...common, [], 'x', 1, true);
}

/** Paths into a body that may be broken: everything but message bodies and header maps (data). */
function breakablePaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  const inner = entries
    .filter(([key]) => key !== 'body' && key !== 'headers')
    .flatMap(([key, child]) => breakablePaths(child, [...at, key]));
  return at.length > 0 ? [at, ...inner] : inner;
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  if (remove) delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
  return copy;
}

const PROTO_NAMES = [
  'toString',
  'constructor',
  '__proto__',
  'hasOwnProperty',
  'valueOf',
  'isPrototypeOf',
  'unexpected',
];

const BAD_QUERY: Record<string, string[]> = {
  limit: ['0', '501', '-3', 'ten', '1.5', '%00'],
  cursor: [
    'garbage',
    Buffer.from('[1]').toString('base64url'),
    Buffer.from('["a b", "c"]').toString('base64url'),
    Buffer.from('["\\u0000"]').toString('base64url'),
    '%00',
  ],
  from: ['0', 'true', '%2B275760-01-01T00%3A00%3A00Z', 'yesterday'],
  to: ['0', 'false', '1969-01-01T00%3A00%3A00Z'],
  state: ['COMMITTED', 'stuck', '%00'],
  olderThanSeconds: ['-1', 'x', '1e99', '1.5'],
  producerGroup: ['bad%20name', '-x', '%00'],
  topic: ['bad%20name', '%C3%BC', '%00'],
  key: ['%00', 'x'.repeat(200)],
  tag: ['%00', 'x'.repeat(100)],
};

const BAD_PATH = [
  '%00',
  'a%20b',
  '-x',
  '%C3%BC',
  'x'.repeat(130),
  '%E0%A4%A',
  'x'.repeat(1100),
  'not-a-uuid%00',
];

interface Operation {
  method: string;
  template: string;
  query: string[];
  required: string[];
}

interface Request {
  method: string;
  path: string;
  rawBody?: string;
  contentType?: string;
  what: string;
}

describe('fuzz: bad requests derived from /docs-json (G7)', () => {
  const service = useService();
  let operations: Operation[];
  const values: Record<string, string> = {};

  beforeAll(async () => {
    const http = service.http;
    expect((await http.put('/v1/topics/fz-topic', {})).status).toBe(201);
    expect(
      (
        await http.put('/v1/producer-groups/fz-pg', {
          checkbackUrl: 'http://127.0.0.1:9/c',
          checkImmunitySeconds: 3600,
        })
      ).status,
    ).toBe(201);
    expect(
      (await http.put('/v1/consumer-groups/fz-pull', { topic: 'fz-topic', delivery: { type: 'pull' } }))
        .status,
    ).toBe(201);
    const tx = await http.post('/v1/transactions', {
      producerGroup: 'fz-pg',
      messages: [{ topic: 'fz-topic', body: 1 }],
    });
    const key = await http.post('/v1/admin/api-keys', { name: 'fz-key', role: 'consumer' });
    values.topic = 'fz-topic';
    values.txId = tx.body.id;
    values.messageId = tx.body.messageIds[0];
    values.keyId = key.body.id;
    const doc = (await http.get('/docs-json')).body;
    operations = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([template, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const ref: string | undefined = op.requestBody?.content?.['application/json']?.schema?.$ref;
        const schema = ref ? doc.components.schemas[ref.split('/').pop() as string] : undefined;
        return {
          method: method.toUpperCase(),
          template,
          query: (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name),
          required: schema?.required ?? [],
        };
      }),
    );
  });

  /** The operation's path with every parameter at a value that exists (or is well-formed). */
  function validPath(op: Operation, override?: [string, string]): string {
    return op.template.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (override && override[0] === name) return override[1];
      if (name === 'topic') return values.topic;
      if (name === 'group') return op.template.startsWith('/v1/producer-groups') ? 'fz-pg' : 'fz-pull';
      if (name === 'key') return 'k';
      if (op.template.startsWith('/v1/messages')) return values.messageId;
      if (op.template.startsWith('/v1/admin/api-keys')) return values.keyId;
      return values.txId;
    });
  }

  function badRequests(op: Operation): fc.Arbitrary<Request> {
    const key = `${op.method} ${op.template}`;
    const base = VALID_BODIES[key];
    const options: fc.Arbitrary<Request>[] = [];
    const params = [...op.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    if (params.length > 0) {
      options.push(
        fc.tuple(fc.constantFrom(...params), fc.constantFrom(...BAD_PATH)).map(([name, bad]) => ({
          method: op.method,
          path: validPath(op, [name, bad]),
          rawBody: base === undefined ? undefined : JSON.stringify(base),
          contentType: 'application/json',
          what: `path ${name}=${bad.slice(0, 20)}`,
        })),
      );
    }
    if (op.query.length > 0) {
      options.push(
        fc.constantFrom(...op.query.filter((name) => BAD_QUERY[name]), 'unexpected').chain((name) =>
          fc.constantFrom(...(BAD_QUERY[name] ?? ['1'])).map((bad) => ({
            method: op.method,
            path: `${validPath(op)}?${name}=${bad}`,
            what: `query ${name}=${bad.slice(0, 20)}`,
          })),
        ),
      );
    }
    if (base !== undefined) {
      const body = (value: unknown, what: string, contentType = 'application/json'): Request => ({
        method: op.method,
        path: validPath(op),
        rawBody:
          typeof value === 'string' && contentType !== 'application/json' ? value : JSON.stringify(value),
        contentType,
        what,
      });
      const paths = breakablePaths(base);
      options.push(
        fc.constantFrom(...paths).chain((path) => {
          const current = path.reduce<any>((node, k) => node[k], base);
          return breaking(current).map((bad) =>
            body(setAt(base, path, bad), `field ${path.join('.')}=${JSON.stringify(bad)}`),
          );
        }),
      );
      const objects = [
        [] as (string | number)[],
        ...paths.filter((p) => {
          const v = p.reduce<any>((node, k) => node[k], base);
          return v !== null && typeof v === 'object' && !Array.isArray(v);
        }),
      ];
      options.push(
        fc.tuple(fc.constantFrom(...objects), fc.constantFrom(...PROTO_NAMES)).map(([at, name]) => ({
          method: op.method,
          path: validPath(op),
          // Built as text: an object literal cannot carry an own "__proto__" key through JSON.stringify.
          rawBody: JSON.stringify(setAt(base, [...at, '__FUZZ__'], 1)).replace(
            '"__FUZZ__"',
            JSON.stringify(name),
          ),
          contentType: 'application/json',
          what: `unknown field ${[...at, name].join('.')}`,
        })),
      );
      if (op.required.length > 0) {
        options.push(
          fc
            .constantFrom(...op.required)
            .map((field) => body(setAt(base, [field], undefined, true), `without ${field}`)),
        );
      }
      options.push(
        fc
          .constantFrom<[string, string, string]>(
            ['[[]]', 'application/json', 'an array'],
            ['"text"', 'application/json', 'a string'],
            ['42', 'application/json', 'a number'],
            ['null', 'application/json', 'null'],
            ['{"a":', 'application/json', 'malformed JSON'],
            ['{"x":' + '['.repeat(2000) + ']'.repeat(2000) + '}', 'application/json', 'deep nesting'],
            ['{"k":"\\u0000"}', 'application/json', 'a NUL'],
            ['a=1&b=2', 'application/x-www-form-urlencoded', 'a form'],
            ['plain', 'text/plain', 'text'],
            [JSON.stringify(base), 'application/xml', 'JSON labelled XML'],
          )
          .map(([raw, contentType, what]) => ({
            method: op.method,
            path: validPath(op),
            rawBody: raw,
            contentType,
            what: `body: ${what}`,
          })),
      );
    }
    return fc.oneof(...options);
  }

  function assertRefused(request: Request, answer: HttpResult): void {
    const where = `${request.method} ${request.path.slice(0, 120)} (${request.what}) → ${answer.status} ${answer.text.slice(0, 200)}`;
    if (answer.status < 400 || answer.status > 499) throw new Error(`not a 4xx: ${where}`);
    const body = answer.body as Record<string, unknown>;
    const shaped =
      body !== null &&
      typeof body === 'object' &&
      body.statusCode === answer.status &&
      typeof body.error === 'string' &&
      /^[a-z_]+$/.test(body.error) &&
      typeof body.message === 'string' &&
      Array.isArray(body.details);
    if (!shaped) throw new Error(`not in the SPEC error shape: ${where}`);
  }

  it('answers every generated bad request with a 4xx in the SPEC shape, changing no row', async () => {
    const fuzzable = operations.filter(
      (op) => op.query.length > 0 || /\{/.test(op.template) || VALID_BODIES[`${op.method} ${op.template}`],
    );
    expect(fuzzable.length).toBeGreaterThanOrEqual(35);
    const before = await Promise.all(TABLES.map((table) => countRows(service.env.db, table)));
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fuzzable).chain((op) => badRequests(op)),
        async (request) => {
          seen.add(`${request.method} ${request.path.split('?')[0]}`);
          const answer = await service.http.request(request.method, request.path, {
            rawBody: request.rawBody,
            headers:
              request.rawBody === undefined
                ? {}
                : { 'content-type': request.contentType ?? 'application/json' },
          });
          assertRefused(request, answer);
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(await Promise.all(TABLES.map((table) => countRows(service.env.db, table)))).toEqual(before);
    expect(seen.size).toBeGreaterThanOrEqual(30);
  });
});
