import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { expectEventually } from '../support/eventually';
import { expectError, type HttpClient } from '../support/http-client';
import { startHttpPeer, type HttpPeer, type PeerHandler } from '../support/http-peer';
import { useService } from '../support/service-fixture';

const FAST = { TXMSG_CHECKBACK_POLL_MS: '100' };
const REFUSED = 'http://127.0.0.1:9/checkback'; // nothing listens on the discard port

describe('admin API: operator role, transactions, bulk, audit, overview (SPEC §10)', () => {
  const service = useService(FAST);
  let peer: HttpPeer;
  let operator: HttpClient;
  let routes: Map<string, PeerHandler>;
  let groupCount = 0;

  beforeAll(async () => {
    routes = new Map();
    peer = await startHttpPeer((request) => (routes.get(request.url) ?? (() => ({ status: 404 })))(request));
    expect((await service.http.put('/v1/topics/orders')).status).toBe(201);
    const key = await service.http.post('/v1/admin/api-keys', { name: 'night-shift', role: 'operator' });
    expect(key.status).toBe(201);
    operator = service.http.withToken(key.body.token);
  });
  afterAll(() => peer?.close());

  /** A producer group whose check-back is `handler` (or a refused connection), one check to STUCK. */
  async function producerGroup(handler: PeerHandler | null, config: object = {}) {
    const name = `pg-${++groupCount}`;
    if (handler) routes.set(`/${name}`, handler);
    const created = await service.http.put(`/v1/producer-groups/${name}`, {
      checkbackUrl: handler ? `${peer.url}/${name}` : REFUSED,
      checkImmunitySeconds: 0,
      checkIntervalSeconds: 1,
      maxCheckIntervalSeconds: 1,
      maxChecks: 1,
      checkbackTimeoutMs: 1000,
      ...config,
    });
    expect(created.status).toBe(201);
    return {
      name,
      secret: created.body.secret as string,
      checks: () => peer.received.filter((r) => r.url === `/${name}`),
    };
  }

  const prepare = async (group: string, key = 'k') => {
    const created = await service.http.post('/v1/transactions', {
      producerGroup: group,
      messages: [{ topic: 'orders', body: { key }, key, tag: 'T' }],
    });
    expect(created.status).toBe(201);
    return created.body.id as string;
  };
  const transaction = async (id: string) => (await service.http.get(`/v1/transactions/${id}`)).body;
  const settled = (id: string, state: string) =>
    expectEventually(async () => expect((await transaction(id)).state).toBe(state), 15_000);
  const stuckTransactions = async (group: string, n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await prepare(group, `${group}-${i}`));
    for (const id of ids) await settled(id, 'STUCK');
    return ids;
  };
  const audit = async () => (await service.http.get('/v1/admin/audit?limit=500')).body.items as any[];

  describe('the operator role', () => {
    it('reads and repairs, and may not manage keys, topics or groups, publish or receive', async () => {
      const group = await producerGroup(null);
      const [id] = await stuckTransactions(group.name, 1);
      const consumer = await service.http.put('/v1/consumer-groups/op-readers', {
        topic: 'orders',
        delivery: { type: 'pull' },
      });
      expect(consumer.status).toBe(201);
      const allowed: [string, string, unknown?][] = [
        ['GET', '/v1/admin/overview'],
        ['GET', '/v1/admin/transactions'],
        ['GET', '/v1/admin/transactions/stuck-summary'],
        ['GET', '/v1/admin/audit'],
        ['GET', '/v1/topics'],
        ['GET', '/v1/topics/orders'],
        ['GET', '/v1/producer-groups'],
        ['GET', `/v1/producer-groups/${group.name}`],
        ['GET', '/v1/consumer-groups'],
        ['GET', '/v1/consumer-groups/op-readers'],
        ['GET', '/v1/consumer-groups/op-readers/dead-letters'],
        ['GET', '/v1/messages'],
        ['GET', `/v1/transactions/${id}`],
        ['POST', '/v1/consumer-groups/op-readers/dead-letters/redrive', {}],
        ['POST', '/v1/consumer-groups/op-readers/replay', { from: new Date().toISOString() }],
        ['POST', `/v1/admin/transactions/${id}/rollback`, {}],
      ];
      for (const [method, path, body] of allowed) {
        const result = await operator.request(method, path, { body });
        expect({ method, path, status: result.status }).toEqual({ method, path, status: 200 });
      }
      const denied: [string, string, unknown?][] = [
        ['GET', '/v1/admin/api-keys'],
        ['POST', '/v1/admin/api-keys', { name: 'x', role: 'admin' }],
        ['PUT', '/v1/topics/op-made', {}],
        ['DELETE', '/v1/topics/orders'],
        ['PUT', `/v1/producer-groups/${group.name}`, { checkbackUrl: REFUSED }],
        ['POST', `/v1/producer-groups/${group.name}/rotate-secret`, {}],
        ['PUT', '/v1/consumer-groups/op-readers', { topic: 'orders', delivery: { type: 'pull' } }],
        ['DELETE', '/v1/consumer-groups/op-readers'],
        ['POST', '/v1/topics/orders/messages', { body: 1 }],
        ['POST', '/v1/transactions', { producerGroup: group.name, messages: [{ topic: 'orders', body: 1 }] }],
        ['POST', `/v1/transactions/${id}/commit`, {}],
        ['POST', '/v1/consumer-groups/op-readers/receive', { waitSeconds: 0 }],
        ['POST', '/v1/consumer-groups/op-readers/claims', { key: 'k' }],
      ];
      for (const [method, path, body] of denied) {
        const result = await operator.request(method, path, { body });
        expect({ method, path, status: result.status, error: result.body?.error }).toEqual({
          method,
          path,
          status: 403,
          error: 'forbidden',
        });
      }
      expect((await service.http.get('/v1/topics/op-made')).status).toBe(404);
    });

    it('keeps producers, consumers and anonymous callers out of /v1/admin', async () => {
      const producer = await service.http.post('/v1/admin/api-keys', {
        name: 'p',
        role: 'producer',
        topics: ['*'],
      });
      const consumer = await service.http.post('/v1/admin/api-keys', { name: 'c', role: 'consumer' });
      for (const token of [producer.body.token, consumer.body.token]) {
        const client = service.http.withToken(token);
        expectError(await client.get('/v1/admin/overview'), 403, 'forbidden');
        expectError(
          await client.post('/v1/admin/transactions/bulk', { action: 'recheck', ids: [] }),
          403,
          'forbidden',
        );
      }
      expectError(await service.http.get('/v1/admin/overview', { token: null }), 401, 'unauthorized');
    });

    it('refuses grants on an operator key', async () => {
      const result = await service.http.post('/v1/admin/api-keys', {
        name: 'op2',
        role: 'operator',
        topics: ['orders'],
      });
      expect(expectError(result, 400, 'validation_failed').details).toEqual([
        { field: 'topics', message: 'not allowed for role operator' },
      ]);
    });
  });

  describe('lists and the stuck summary', () => {
    it('filters by state, producer group and age, oldest first, with keyset pages', async () => {
      const stuck = await producerGroup(null);
      const pending = await producerGroup(null, { checkImmunitySeconds: 3600 });
      const stuckIds = await stuckTransactions(stuck.name, 5);
      const pendingId = await prepare(pending.name);

      const onlyStuck = await operator.get(`/v1/admin/transactions?state=STUCK&producerGroup=${stuck.name}`);
      expect(onlyStuck.body.items.map((t: any) => t.id)).toEqual(stuckIds);
      expect(onlyStuck.body.items[0]).toMatchObject({
        id: stuckIds[0],
        producerGroup: stuck.name,
        state: 'STUCK',
        checks: 1,
        nextCheckAt: null,
        lastCheck: { outcome: 'ERROR', error: expect.any(String) },
        messages: [{ id: expect.any(String), topic: 'orders', key: `${stuck.name}-0`, tag: 'T' }],
      });
      expect(onlyStuck.body.items[0].ageSeconds).toBeGreaterThanOrEqual(0);

      const prepared = await operator.get(
        `/v1/admin/transactions?state=PREPARED&producerGroup=${pending.name}`,
      );
      expect(prepared.body.items.map((t: any) => t.id)).toEqual([pendingId]);
      expect(prepared.body.items[0].lastCheck).toBeNull();
      const both = await operator.get(`/v1/admin/transactions?producerGroup=${stuck.name}`);
      expect(both.body.items).toHaveLength(5);
      const none = await operator.get(
        `/v1/admin/transactions?producerGroup=${stuck.name}&olderThanSeconds=3600`,
      );
      expect(none.body).toEqual({ items: [], nextCursor: null });

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `/v1/admin/transactions?producerGroup=${stuck.name}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page: any = (await operator.get(query)).body;
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((t: any) => t.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(stuckIds);
    });

    it('groups stuck and unanswered transactions by producer group and last error', async () => {
      const refused = await producerGroup(null);
      const failing = await producerGroup(() => ({ status: 500, body: 'boom' }));
      await stuckTransactions(refused.name, 3);
      await stuckTransactions(failing.name, 2);
      const summary = await operator.get('/v1/admin/transactions/stuck-summary');
      expect(summary.status).toBe(200);
      const row = (group: string) => summary.body.filter((r: any) => r.producerGroup === group);
      expect(row(refused.name)).toEqual([
        {
          producerGroup: refused.name,
          state: 'STUCK',
          lastError: expect.stringMatching(/refused/i),
          count: 3,
          oldestAt: expect.any(String),
          newestAt: expect.any(String),
          lastCheckAt: expect.any(String),
        },
      ]);
      expect(row(failing.name)).toEqual([
        expect.objectContaining({ state: 'STUCK', lastError: 'HTTP 500', count: 2 }),
      ]);
      const [one] = row(refused.name);
      expect(Date.parse(one.oldestAt)).toBeLessThanOrEqual(Date.parse(one.newestAt));
      const filtered = await operator.get(
        `/v1/admin/transactions/stuck-summary?producerGroup=${failing.name}`,
      );
      expect(filtered.body.map((r: any) => r.producerGroup)).toEqual([failing.name]);
    });
  });

  describe('verdicts and rechecks', () => {
    it('commits and rolls back as operator:<token name>; a repeat is 200, the opposite 409', async () => {
      const group = await producerGroup(null);
      const [a, b] = await stuckTransactions(group.name, 2);
      const committed = await operator.post(`/v1/admin/transactions/${a}/commit`);
      expect(committed.status).toBe(200);
      expect(committed.body).toMatchObject({ id: a, state: 'COMMITTED', resolvedBy: 'operator:night-shift' });
      expect((await transaction(a)).resolvedBy).toBe('operator:night-shift');
      expect((await operator.post(`/v1/admin/transactions/${a}/commit`)).status).toBe(200);
      expectError(await operator.post(`/v1/admin/transactions/${a}/rollback`), 409, 'conflict');
      const rolledBack = await service.http.post(`/v1/admin/transactions/${b}/rollback`);
      expect(rolledBack.body).toMatchObject({ state: 'ROLLED_BACK', resolvedBy: 'operator:admin' });
      expectError(await operator.post(`/v1/admin/transactions/${b}/commit`), 409, 'conflict');
    });

    it('rechecks a STUCK transaction with a signed check that resolves it once the producer answers', async () => {
      let answer: object | null = null;
      const group = await producerGroup(() => (answer ? { status: 200, body: answer } : { status: 503 }));
      const [id] = await stuckTransactions(group.name, 1);
      answer = { status: 'COMMIT' };
      const result = await operator.post(`/v1/admin/transactions/${id}/recheck`);
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({
        id,
        state: 'COMMITTED',
        checked: true,
        resolvedBy: 'checkback',
        checks: 2,
      });
      expect(result.body.lastCheck).toMatchObject({ outcome: 'COMMIT' });
      const detail = await transaction(id);
      expect(detail.checkHistory.map((h: any) => [h.attempt, h.outcome])).toEqual([
        [1, 'ERROR'],
        [2, 'COMMIT'],
      ]);
      const check = group.checks()[1];
      expect(check.body).toMatchObject({ type: 'transaction.check', transactionId: id, attempt: 2 });
      expect(() =>
        new Webhook(group.secret).verify(check.rawBody, check.headers as Record<string, string>),
      ).not.toThrow();
      expectError(await operator.post(`/v1/admin/transactions/${id}/recheck`), 409, 'conflict');
    });

    it('leaves a STUCK transaction STUCK when the recheck gets no verdict, with one more history row', async () => {
      const group = await producerGroup(() => ({ status: 200, body: { status: 'UNKNOWN' } }), {
        maxChecks: 1,
      });
      const [id] = await stuckTransactions(group.name, 1);
      const result = await operator.post(`/v1/admin/transactions/${id}/recheck`);
      expect(result.body).toMatchObject({ id, state: 'STUCK', checked: true, checks: 2, nextCheckAt: null });
      const detail = await transaction(id);
      expect(detail.state).toBe('STUCK');
      expect(detail.checkHistory.map((h: any) => h.outcome)).toEqual(['UNKNOWN', 'UNKNOWN']);
      // Not checked again on its own: STUCK with no next check is never claimed.
      expect(detail.nextCheckAt).toBeNull();
    });

    it('moves the next check of a PREPARED transaction to now', async () => {
      const group = await producerGroup(() => ({ status: 200, body: { status: 'UNKNOWN' } }), {
        checkImmunitySeconds: 3600,
        maxChecks: 5,
      });
      const id = await prepare(group.name);
      const result = await operator.post(`/v1/admin/transactions/${id}/recheck`);
      expect(result.body).toMatchObject({ id, state: 'PREPARED', checked: true, checks: 1 });
      expect(Date.parse(result.body.nextCheckAt)).toBeGreaterThan(Date.now());
      expect(group.checks()).toHaveLength(1);
    });

    it('answers 404 for an unknown transaction and 400 for a malformed id', async () => {
      const unknown = '01a1fdba-0000-7000-8000-000000000000';
      for (const action of ['commit', 'rollback', 'recheck']) {
        expectError(await operator.post(`/v1/admin/transactions/${unknown}/${action}`), 404, 'not_found');
        expectError(
          await operator.post(`/v1/admin/transactions/not-a-uuid/${action}`),
          400,
          'validation_failed',
        );
      }
    });
  });

  describe('bulk actions', () => {
    it('acts on ids one by one: conflicts and unknown ids fail alone', async () => {
      const group = await producerGroup(null);
      const [a, b, c] = await stuckTransactions(group.name, 3);
      expect((await operator.post(`/v1/admin/transactions/${c}/commit`)).status).toBe(200);
      const unknown = '01a1fdba-0000-7000-8000-00000000000f';
      const result = await operator.post('/v1/admin/transactions/bulk', {
        action: 'rollback',
        ids: [a, b, c, unknown],
      });
      expect(result.status).toBe(200);
      expect(result.body.matched).toBe(4);
      expect(result.body.succeeded).toBe(2);
      expect(result.body.failed).toEqual(
        expect.arrayContaining([
          { id: c, error: 'conflict', message: expect.any(String) },
          { id: unknown, error: 'not_found', message: expect.any(String) },
        ]),
      );
      expect(result.body.failed).toHaveLength(2);
      expect((await transaction(a)).state).toBe('ROLLED_BACK');
      expect((await transaction(b)).resolvedBy).toBe('operator:night-shift');
      expect((await transaction(c)).state).toBe('COMMITTED');
    });

    it('acts on every transaction a filter matches, and rechecks by filter through the scheduler', async () => {
      let answer = 'UNKNOWN';
      const group = await producerGroup(() => ({ status: 200, body: { status: answer } }));
      const other = await producerGroup(null);
      const ids = await stuckTransactions(group.name, 3);
      const [untouched] = await stuckTransactions(other.name, 1);
      answer = 'ROLLBACK';
      const rechecked = await operator.post('/v1/admin/transactions/bulk', {
        action: 'recheck',
        filter: { state: 'STUCK', producerGroup: group.name },
      });
      expect(rechecked.body).toEqual({ matched: 3, succeeded: 3, failed: [] });
      for (const id of ids) await settled(id, 'ROLLED_BACK');
      expect((await transaction(ids[0])).resolvedBy).toBe('checkback');
      expect((await transaction(untouched)).state).toBe('STUCK');

      const committed = await operator.post('/v1/admin/transactions/bulk', {
        action: 'commit',
        filter: { state: 'STUCK', producerGroup: other.name, olderThanSeconds: 0 },
      });
      expect(committed.body).toEqual({ matched: 1, succeeded: 1, failed: [] });
      expect((await transaction(untouched)).state).toBe('COMMITTED');
    });

    const many = Array.from({ length: 501 }, () => '01a1fdba-0000-7000-8000-000000000000');
    it.each([
      ['ids', { action: 'commit' }],
      [
        'filter',
        { action: 'commit', ids: ['01a1fdba-0000-7000-8000-000000000000'], filter: { state: 'STUCK' } },
      ],
      ['ids', { action: 'commit', ids: [] }],
      ['ids', { action: 'commit', ids: ['nope'] }],
      ['ids', { action: 'commit', ids: many }],
      ['filter', { action: 'commit', filter: [] }],
      ['filter.state', { action: 'commit', filter: {} }],
      ['filter.state', { action: 'commit', filter: { state: 'COMMITTED' } }],
      ['filter.olderThanSeconds', { action: 'commit', filter: { state: 'STUCK', olderThanSeconds: -1 } }],
      ['filter.extra', { action: 'commit', filter: { state: 'STUCK', extra: 1 } }],
      ['action', { action: 'delete', ids: ['01a1fdba-0000-7000-8000-000000000000'] }],
      ['dryRun', { action: 'commit', ids: ['01a1fdba-0000-7000-8000-000000000000'], dryRun: true }],
    ])('rejects a bad body naming %s (case %#), and changes nothing', async (field, body) => {
      const group = await producerGroup(null);
      const [id] = await stuckTransactions(group.name, 1);
      const before = (await audit()).length;
      const result = await operator.post('/v1/admin/transactions/bulk', body);
      const error = expectError(result, 400, 'validation_failed');
      expect(error.details.map((d) => d.field)).toContain(field);
      expect((await transaction(id)).state).toBe('STUCK');
      expect(await audit()).toHaveLength(before);
    });
  });

  describe('bad input to the lists', () => {
    it.each([
      ['/v1/admin/transactions?state=COMMITTED', 'state'],
      ['/v1/admin/transactions?limit=0', 'limit'],
      ['/v1/admin/transactions?limit=501', 'limit'],
      ['/v1/admin/transactions?olderThanSeconds=-5', 'olderThanSeconds'],
      ['/v1/admin/transactions?olderThanSeconds=soon', 'olderThanSeconds'],
      ['/v1/admin/transactions?producerGroup=bad%20name', 'producerGroup'],
      ['/v1/admin/transactions?cursor=garbage', 'cursor'],
      ['/v1/admin/transactions?sort=age', 'sort'],
      ['/v1/admin/transactions/stuck-summary?producerGroup=-bad', 'producerGroup'],
      ['/v1/admin/transactions/stuck-summary?state=STUCK', 'state'],
      ['/v1/admin/audit?cursor=WyJ4Il0', 'cursor'],
      ['/v1/admin/audit?limit=abc', 'limit'],
      ['/v1/admin/overview?window=2h', 'window'],
    ])('%s is 400 naming %s', async (path, field) => {
      const error = expectError(await operator.get(path), 400, 'validation_failed');
      expect(error.details.map((d) => d.field)).toContain(field);
    });
  });

  describe('audit', () => {
    it('records every operator write with actor, target, count and result, newest first', async () => {
      const group = await producerGroup(null);
      const [a, b, c] = await stuckTransactions(group.name, 3);
      await operator.post(`/v1/admin/transactions/${a}/commit`);
      await operator.post(`/v1/admin/transactions/${a}/rollback`); // 409, recorded as such
      await operator.post(`/v1/admin/transactions/${b}/recheck`);
      await operator.post('/v1/admin/transactions/bulk', { action: 'rollback', ids: [b, c] });
      await service.http.put('/v1/consumer-groups/audited', { topic: 'orders', delivery: { type: 'pull' } });
      await operator.post('/v1/consumer-groups/audited/dead-letters/redrive', {});
      await operator.post('/v1/consumer-groups/audited/replay', { from: '2020-01-01T00:00:00Z' });
      const key = await service.http.post('/v1/admin/api-keys', { name: 'temp', role: 'consumer' });
      await service.http.delete(`/v1/admin/api-keys/${key.body.id}`);

      const rows = (await audit()).slice(0, 8).reverse();
      expect(rows.map((r) => [r.actor, r.action, r.target, r.count, r.result])).toEqual([
        ['operator:night-shift', 'transaction.commit', `transaction:${a}`, 1, 'ok'],
        ['operator:night-shift', 'transaction.rollback', `transaction:${a}`, 0, 'conflict'],
        ['operator:night-shift', 'transaction.recheck', `transaction:${b}`, 1, 'ok'],
        ['operator:night-shift', 'transactions.bulk', 'rollback transactions: 2 ids', 2, 'ok'],
        ['operator:night-shift', 'dead-letters.redrive', 'consumer-group:audited all', 0, 'ok'],
        [
          'operator:night-shift',
          'consumer-group.replay',
          'consumer-group:audited from:2020-01-01T00:00:00Z',
          expect.any(Number),
          'ok',
        ],
        ['operator:admin', 'api-key.create', `api-key:${key.body.id} (temp, consumer)`, 1, 'ok'],
        ['operator:admin', 'api-key.revoke', `api-key:${key.body.id}`, 1, 'ok'],
      ]);
      expect(Date.parse(rows[7].at)).toBeGreaterThanOrEqual(Date.parse(rows[0].at));
    });
  });

  describe('overview and metrics', () => {
    it('shows open transactions, per-group health and backlog, and 60 per-minute buckets', async () => {
      const group = await producerGroup(null);
      await stuckTransactions(group.name, 2);
      const pending = await producerGroup(null, { checkImmunitySeconds: 3600 });
      await prepare(pending.name);
      await service.http.put('/v1/consumer-groups/overview-pull', {
        topic: 'orders',
        delivery: { type: 'pull' },
      });
      const before = (await operator.get('/v1/admin/overview')).body;
      for (let i = 0; i < 3; i++) {
        expect((await service.http.post('/v1/topics/orders/messages', { body: i })).status).toBe(201);
      }
      const overview = (await operator.get('/v1/admin/overview')).body;
      expect(overview.messages.committed1h - before.messages.committed1h).toBe(3);
      expect(overview.transactions.stuck).toBeGreaterThanOrEqual(2);
      expect(overview.transactions.prepared).toBeGreaterThanOrEqual(1);
      expect(overview.transactions.oldestPreparedAgeSeconds).toEqual(expect.any(Number));
      expect(overview.transactions.checksFailed1h).toBeGreaterThanOrEqual(2);
      expect(overview.producerGroups.find((g: any) => g.name === group.name)).toEqual({
        name: group.name,
        prepared: 0,
        stuck: 2,
        checkbackHealth: { checks1h: 2, failed1h: 2, successRate: 0 },
        lastError: { at: expect.any(String), error: expect.stringMatching(/refused/i), httpStatus: null },
      });
      expect(overview.producerGroups.find((g: any) => g.name === pending.name)).toMatchObject({
        prepared: 1,
        stuck: 0,
      });
      const pull = overview.consumerGroups.find((g: any) => g.name === 'overview-pull');
      expect(pull).toEqual({
        name: 'overview-pull',
        topic: 'orders',
        mode: 'clustering',
        delivery: 'pull',
        ready: 3,
        inflight: 0,
        retrying: 0,
        delayed: 0,
        deadLetters: 0,
        oldestReadyAgeSeconds: expect.any(Number),
      });
      const { series } = overview;
      expect(series.bucketSeconds).toBe(60);
      for (const name of ['committed', 'delivered', 'checksFailed', 'deadLettered']) {
        expect(series[name]).toHaveLength(60);
      }
      expect(series.committed.reduce((a: number, b: number) => a + b, 0)).toBe(overview.messages.committed1h);
      expect(series.checksFailed[59] + series.checksFailed[58]).toBeGreaterThanOrEqual(2);
      expect(Date.parse(series.from)).toBeLessThanOrEqual(Date.now() - 59 * 60_000);
      expect(Date.parse(series.from) % 60_000).toBe(0);

      const received = await service.http.post('/v1/consumer-groups/overview-pull/receive', {
        waitSeconds: 0,
        maxMessages: 3,
      });
      const handles = received.body.messages.map((m: any) => m.receiptHandle);
      expect(
        (await service.http.post('/v1/consumer-groups/overview-pull/ack', { receiptHandles: handles })).body
          .acked,
      ).toBe(3);
      await expectEventually(async () => {
        const after = (await operator.get('/v1/admin/overview')).body;
        expect(after.messages.delivered1h - overview.messages.delivered1h).toBe(3);
        expect(after.consumerGroups.find((g: any) => g.name === 'overview-pull').ready).toBe(0);
      });
    });

    it('exports the headline figures as Prometheus gauges', async () => {
      const group = await producerGroup(null);
      await stuckTransactions(group.name, 1);
      await service.http.put('/v1/consumer-groups/gauged', { topic: 'orders', delivery: { type: 'pull' } });
      await service.http.post('/v1/topics/orders/messages', { body: 'gauge me' });
      await expectEventually(async () => {
        const metrics = (await service.http.get('/metrics', { token: null })).text;
        expect(metrics).toContain(`txmsg_transactions_open{producer_group="${group.name}",state="STUCK"} 1`);
        expect(metrics).toMatch(/txmsg_transactions_oldest_prepared_age_seconds \d+/);
        expect(metrics).toContain('txmsg_consumer_group_ready{consumer_group="gauged"} 1');
        expect(metrics).toContain('txmsg_consumer_group_dead_letters{consumer_group="gauged"} 0');
        expect(metrics).toMatch(
          /txmsg_consumer_group_oldest_ready_age_seconds\{consumer_group="gauged"\} \d+/,
        );
        expect(metrics).toContain('txmsg_consumer_group_inflight{consumer_group="gauged"} 0');
      });
    });

    it('serves every metric the example alert rules and Grafana dashboard use', async () => {
      const docs = ['prometheus-alerts.yml', 'grafana-dashboard.json'].map((file) =>
        readFileSync(join(__dirname, '../../docs', file), 'utf8'),
      );
      const used = new Set(docs.flatMap((text) => text.match(/txmsg_[a-z_]+/g) ?? []));
      expect(used.size).toBeGreaterThanOrEqual(8);
      const metrics = (await service.http.get('/metrics', { token: null })).text;
      const served = new Set([...metrics.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]));
      expect([...used].filter((name) => !served.has(name))).toEqual([]);
    });
  });
});
