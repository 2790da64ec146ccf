import { Webhook } from 'standardwebhooks';
import { startApp, type AppProcess } from '../support/app-process';
import { expectEventually } from '../support/eventually';
import { type HttpClient } from '../support/http-client';
import { startHttpPeer, type HttpPeer, type PeerHandler } from '../support/http-peer';
import { useService } from '../support/service-fixture';
import { overlapCounter } from '../support/overlap-counter';

const FAST = { TXMSG_CHECKBACK_POLL_MS: '100' };
const GROUP_CONCURRENCY = 8; // TXMSG_CHECKBACK_GROUP_CONCURRENCY default

describe('check-back (SPEC §5, G5, G6)', () => {
  const service = useService(FAST);
  let peer: HttpPeer;
  let group = 0;

  beforeAll(async () => {
    peer = await startHttpPeer();
    await service.http.put('/v1/topics/orders');
  });
  afterAll(() => peer?.close());

  /** A producer group of its own, answered by `handler` at its own path of the peer. */
  async function producerGroup(handler: PeerHandler, config: object = {}) {
    const name = `grp-${++group}`;
    const handlers =
      (peer as HttpPeer & { routes?: Map<string, PeerHandler> }).routes ?? new Map<string, PeerHandler>();
    (peer as HttpPeer & { routes?: Map<string, PeerHandler> }).routes = handlers;
    handlers.set(`/${name}`, handler);
    peer.setHandler((request) => (handlers.get(request.url) ?? (() => ({ status: 404 })))(request));
    const created = await service.http.put(`/v1/producer-groups/${name}`, {
      checkbackUrl: `${peer.url}/${name}`,
      checkImmunitySeconds: 0,
      checkIntervalSeconds: 1,
      maxCheckIntervalSeconds: 1,
      ...config,
    });
    expect(created.status).toBe(201);
    return {
      name,
      secret: created.body.secret as string,
      requests: () => peer.received.filter((r) => r.url === `/${name}`),
    };
  }

  const prepare = async (producerGroup: string, client: HttpClient = service.http) => {
    const created = await client.post('/v1/transactions', {
      producerGroup,
      messages: [{ topic: 'orders', body: 1, key: 'k-1', tag: 'T' }],
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; messageIds: string[] };
  };
  const transaction = async (id: string, client: HttpClient = service.http) =>
    (await client.get(`/v1/transactions/${id}`)).body;
  const settled = (id: string, state: string, client?: HttpClient) =>
    expectEventually(async () => expect((await transaction(id, client)).state).toBe(state), 15_000);

  it('asks again after UNKNOWN and commits on COMMIT, recording each attempt', async () => {
    let calls = 0;
    const g = await producerGroup(() => ({ body: { status: ++calls === 1 ? 'UNKNOWN' : 'COMMIT' } }));
    const tx = await prepare(g.name);
    await settled(tx.id, 'COMMITTED');
    const detail = await transaction(tx.id);
    expect(detail).toMatchObject({ resolvedBy: 'checkback', checks: 2, nextCheckAt: null });
    expect(detail.checkHistory).toEqual([
      {
        at: expect.any(String),
        attempt: 1,
        outcome: 'UNKNOWN',
        httpStatus: 200,
        latencyMs: expect.any(Number),
      },
      {
        at: expect.any(String),
        attempt: 2,
        outcome: 'COMMIT',
        httpStatus: 200,
        latencyMs: expect.any(Number),
      },
    ]);
    expect(detail.messages[0].state).toBe('COMMITTED');
  });

  it('rolls back on ROLLBACK', async () => {
    const g = await producerGroup(() => ({ body: { status: 'ROLLBACK' } }));
    const tx = await prepare(g.name);
    await settled(tx.id, 'ROLLED_BACK');
    expect((await transaction(tx.id)).messages[0].state).toBe('ROLLED_BACK');
  });

  it('signs each check per Standard Webhooks with the group secret and a unique webhook-id', async () => {
    let calls = 0;
    const g = await producerGroup(() => ({ body: { status: ++calls < 2 ? 'UNKNOWN' : 'ROLLBACK' } }));
    const tx = await prepare(g.name);
    await settled(tx.id, 'ROLLED_BACK');
    const requests = g.requests();
    expect(requests).toHaveLength(2);
    for (const [index, request] of requests.entries()) {
      const headers = request.headers as Record<string, string>;
      const verified = new Webhook(g.secret).verify(request.rawBody, headers);
      expect(verified).toEqual({
        type: 'transaction.check',
        transactionId: tx.id,
        producerGroup: g.name,
        attempt: index + 1,
        createdAt: expect.any(String),
        messages: [{ id: tx.messageIds[0], topic: 'orders', key: 'k-1', tag: 'T' }],
      });
    }
    expect(requests[0].headers['webhook-id']).not.toBe(requests[1].headers['webhook-id']);
  });

  it.each<[string, PeerHandler, RegExp]>([
    ['a non-2xx status', () => ({ status: 500, body: { status: 'COMMIT' } }), /HTTP 500/],
    ['a 2xx that is not JSON', () => ({ body: 'COMMIT' }), /not JSON/],
    ['a 2xx with a wrong body', () => ({ body: { status: 'COMMIT', note: 'extra' } }), /not \{"status"/],
    ['a 2xx with a lower-case verdict', () => ({ body: { status: 'commit' } }), /not \{"status"/],
  ])(
    'records %s as ERROR, never as a verdict, and becomes STUCK after exactly maxChecks',
    async (_, handler, error) => {
      const g = await producerGroup(handler, { maxChecks: 3 });
      const tx = await prepare(g.name);
      await settled(tx.id, 'STUCK');
      const detail = await transaction(tx.id);
      expect(detail.checks).toBe(3);
      expect(detail.checkHistory.map((h: { outcome: string }) => h.outcome)).toEqual([
        'ERROR',
        'ERROR',
        'ERROR',
      ]);
      expect(detail.checkHistory[0].error).toMatch(error);
      expect(detail.messages[0].state).toBe('PREPARED');
      // STUCK leaves no next check, so no scheduler can claim it again.
      expect(detail.nextCheckAt).toBeNull();
      expect(g.requests()).toHaveLength(3);
    },
  );

  it('records a time-out as ERROR after checkbackTimeoutMs', async () => {
    const g = await producerGroup(() => ({ body: { status: 'COMMIT' }, delayMs: 1500 }), {
      checkbackTimeoutMs: 200,
      maxChecks: 1,
    });
    const tx = await prepare(g.name);
    await settled(tx.id, 'STUCK');
    const [attempt] = (await transaction(tx.id)).checkHistory;
    expect(attempt).toMatchObject({ outcome: 'ERROR', error: 'timed out after 200 ms' });
    expect(attempt).not.toHaveProperty('httpStatus');
  });

  it('records a refused connection as ERROR', async () => {
    const name = `grp-${++group}`;
    await service.http.put(`/v1/producer-groups/${name}`, {
      checkbackUrl: 'http://127.0.0.1:9/closed',
      checkImmunitySeconds: 0,
      maxChecks: 1,
    });
    const tx = await prepare(name);
    await settled(tx.id, 'STUCK');
    expect((await transaction(tx.id)).checkHistory[0]).toMatchObject({
      outcome: 'ERROR',
      error: 'connection refused',
    });
  });

  it('waits checkImmunitySeconds before the first check', async () => {
    const g = await producerGroup(() => ({ body: { status: 'COMMIT' } }), { checkImmunitySeconds: 2 });
    const tx = await prepare(g.name);
    await settled(tx.id, 'COMMITTED');
    const first = g.requests()[0];
    const created = Date.parse((await transaction(tx.id)).createdAt);
    expect(first.at - created).toBeGreaterThanOrEqual(2000);
  });

  it('lets the first verdict win when the producer commits while a check is in flight', async () => {
    const g = await producerGroup(() => ({ body: { status: 'ROLLBACK' }, delayMs: 1500 }));
    const tx = await prepare(g.name);
    await expectEventually(async () => expect(g.requests()).toHaveLength(1));
    expect((await service.http.post(`/v1/transactions/${tx.id}/commit`)).status).toBe(200);
    await expectEventually(async () => expect((await transaction(tx.id)).checks).toBe(1));
    const detail = await transaction(tx.id);
    expect(detail).toMatchObject({ state: 'COMMITTED', resolvedBy: 'producer' });
    expect(detail.checkHistory[0].outcome).toBe('ROLLBACK');
    expect(detail.messages[0].state).toBe('COMMITTED');
  });

  it('never checks a resolved transaction', async () => {
    const g = await producerGroup(() => ({ body: { status: 'UNKNOWN' } }), { checkImmunitySeconds: 1 });
    const tx = await prepare(g.name);
    await service.http.post(`/v1/transactions/${tx.id}/rollback`);
    // A verdict clears the next check, so no scheduler can claim it.
    expect((await transaction(tx.id)).nextCheckAt).toBeNull();
    expect(g.requests()).toHaveLength(0);
  });

  it('bounds checks in flight per producer group, so a slow group does not starve another', async () => {
    let slowInflight = 0;
    let slowMax = 0;
    let slowInflightWhenFastAsked = -1;
    const slow = await producerGroup(
      () => {
        slowMax = Math.max(slowMax, ++slowInflight);
        return new Promise((resolve) =>
          setTimeout(() => {
            slowInflight--;
            resolve({ body: { status: 'UNKNOWN' } });
          }, 3000),
        );
      },
      { checkbackTimeoutMs: 5000, maxChecks: 1 },
    );
    const fast = await producerGroup(() => {
      slowInflightWhenFastAsked = slowInflight;
      return { body: { status: 'COMMIT' } };
    });
    for (let i = 0; i < 12; i++) await prepare(slow.name);
    await expectEventually(async () => expect(slowInflight).toBe(GROUP_CONCURRENCY));
    const tx = await prepare(fast.name);
    await settled(tx.id, 'COMMITTED');
    expect(slowInflightWhenFastAsked).toBe(GROUP_CONCURRENCY);
    await expectEventually(async () => expect(slow.requests()).toHaveLength(12), 15_000);
    expect(slowMax).toBe(GROUP_CONCURRENCY);
  });
});

describe('check-back across instances and restarts (G6, durability)', () => {
  const service = useService({ ...FAST, TXMSG_ROLES: 'api' });
  let peer: HttpPeer;

  beforeAll(async () => {
    peer = await startHttpPeer();
    await service.http.put('/v1/topics/orders');
  });
  afterAll(() => peer?.close());

  it('never sends the same check from two instances at once, even to a slow producer', async () => {
    const checks = overlapCounter();
    peer.setHandler(async (request) => {
      await checks.hold(request.body.transactionId as string, 1200);
      return { body: { status: 'UNKNOWN' } };
    });
    await service.http.put('/v1/producer-groups/shared', {
      checkbackUrl: `${peer.url}/shared`,
      checkImmunitySeconds: 0,
      checkIntervalSeconds: 1,
      maxCheckIntervalSeconds: 1,
      maxChecks: 2,
    });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      ids.push(
        (
          await service.http.post('/v1/transactions', {
            producerGroup: 'shared',
            messages: [{ topic: 'orders', body: i }],
          })
        ).body.id,
      );
    }
    const workers: AppProcess[] = await Promise.all(
      [1, 2, 3].map(() => startApp(service.env, { ...FAST, TXMSG_ROLES: 'checkback' })),
    );
    try {
      await expectEventually(async () => {
        const { rows } = await service.env.db.query(
          `SELECT count(*)::int AS n FROM transactions WHERE state = 'STUCK'`,
        );
        expect(rows[0].n).toBe(8);
      }, 30_000);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
    expect(checks.overlaps).toBe(0);
    const perTransaction = ids.map((id) => peer.received.filter((r) => r.body.transactionId === id).length);
    expect(perTransaction).toEqual(ids.map(() => 2));
    const attempts = await service.env.db.query(
      `SELECT transaction_id, attempt FROM check_attempts ORDER BY transaction_id, attempt`,
    );
    expect(attempts.rows).toHaveLength(16);
  });

  it('continues a schedule after a restart in the middle of it', async () => {
    let calls = 0;
    peer.setHandler(() => ({ body: { status: ++calls === 1 ? 'UNKNOWN' : 'COMMIT' } }));
    await service.http.put('/v1/producer-groups/durable', {
      checkbackUrl: `${peer.url}/durable`,
      checkImmunitySeconds: 0,
      checkIntervalSeconds: 2,
    });
    const tx = (
      await service.http.post('/v1/transactions', {
        producerGroup: 'durable',
        messages: [{ topic: 'orders', body: 1 }],
      })
    ).body;
    const first = await startApp(service.env, { ...FAST, TXMSG_ROLES: 'checkback' });
    await expectEventually(async () =>
      expect((await service.http.get(`/v1/transactions/${tx.id}`)).body.checks).toBe(1),
    );
    await first.stop();
    expect((await service.http.get(`/v1/transactions/${tx.id}`)).body).toMatchObject({
      state: 'PREPARED',
      checks: 1,
    });
    const second = await startApp(service.env, { ...FAST, TXMSG_ROLES: 'checkback' });
    try {
      await expectEventually(
        async () =>
          expect((await service.http.get(`/v1/transactions/${tx.id}`)).body.state).toBe('COMMITTED'),
        15_000,
      );
    } finally {
      await second.stop();
    }
    const detail = (await service.http.get(`/v1/transactions/${tx.id}`)).body;
    expect(detail).toMatchObject({ resolvedBy: 'checkback', checks: 2 });
    expect(
      detail.checkHistory.map((h: { attempt: number; outcome: string }) => [h.attempt, h.outcome]),
    ).toEqual([
      [1, 'UNKNOWN'],
      [2, 'COMMIT'],
    ]);
    // The second check waited checkIntervalSeconds after the first, across the restart.
    const [a, b] = peer.received.filter((r) => r.url === '/durable');
    expect(b.at - a.at).toBeGreaterThanOrEqual(2000);
  });
});
