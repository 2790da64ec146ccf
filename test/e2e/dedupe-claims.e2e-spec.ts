import { Redis } from 'ioredis';
import { createGroup, createTopic, send } from '../support/delivery-fixture';
import { expectEventually } from '../support/eventually';
import { startHttpPeer } from '../support/http-peer';
import { expectError } from '../support/http-client';
import { useService } from '../support/service-fixture';

describe('dedupe table (SPEC §8)', () => {
  const service = useService();
  let group: string;
  let redis: Redis;
  const claims = () => `/v1/consumer-groups/${group}/claims`;
  const claim = (key: string, leaseSeconds?: number) => service.http.post(claims(), { key, leaseSeconds });
  const finish = (key: string, action: 'complete' | 'release', token: string) =>
    service.http.post(`${claims()}/${encodeURIComponent(key)}/${action}`, { token });
  /** Waits for Redis to expire a key (a lease, a dedupe window) rather than for a fixed time. */
  const expired = (redisKey: string) =>
    expectEventually(async () => expect(await redis.exists(redisKey)).toBe(0));
  const leaseExpired = (key: string) => expired(`${service.env.redisPrefix}:dedupe:${group}:claim:${key}`);

  beforeAll(async () => {
    const topic = await createTopic(service.http);
    group = (
      await createGroup(service.http, topic, {
        delivery: { type: 'pull' },
        dedupe: { by: 'id', windowSeconds: 3600 },
      })
    ).name;
    redis = new Redis(service.env.redisUrl);
  });
  afterAll(() => redis?.disconnect());

  it('gives a key to exactly one of 60 concurrent claimers', async () => {
    const results = await Promise.all(Array.from({ length: 60 }, () => claim('order-1')));
    const winners = results.filter((r) => r.status === 201);
    expect(winners).toHaveLength(1);
    expect(winners[0].body).toEqual({ claimed: true, token: expect.any(String) });
    const losers = results.filter((r) => r.status === 409);
    expect(losers).toHaveLength(59);
    for (const loser of losers) {
      expect(loser.body).toEqual({
        statusCode: 409,
        error: 'conflict',
        message: expect.any(String),
        details: [],
        claimed: false,
        state: 'processing',
      });
    }
  });

  it('remembers a completed key for the group window and refuses claims meanwhile', async () => {
    const won = await claim('order-2');
    const done = await finish('order-2', 'complete', won.body.token);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ key: 'order-2', state: 'done', rememberedForSeconds: 3600 });
    const again = await claim('order-2');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ claimed: false, state: 'done' });
    const ttl = await redis.pttl(`${service.env.redisPrefix}:dedupe:${group}:claim:order-2`);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('forgets a released key so a retry may claim it again', async () => {
    const won = await claim('order-3');
    expect((await finish('order-3', 'release', won.body.token)).body).toEqual({
      key: 'order-3',
      state: 'released',
    });
    expect((await claim('order-3')).status).toBe(201);
  });

  it('lets an expired lease be claimed again and fences the stale holder', async () => {
    const stale = await claim('order-4', 1);
    const ttl = await redis.pttl(`${service.env.redisPrefix}:dedupe:${group}:claim:order-4`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);
    await leaseExpired('order-4');

    const fresh = await claim('order-4', 60);
    expect(fresh.status).toBe(201);
    expectError(await finish('order-4', 'complete', stale.body.token), 409, 'conflict');
    expectError(await finish('order-4', 'release', stale.body.token), 409, 'conflict');
    expect((await claim('order-4')).body).toMatchObject({ state: 'processing' });
    expect((await finish('order-4', 'complete', fresh.body.token)).status).toBe(200);
  });

  it('refuses completing a key whose lease ran out even when nobody re-claimed it', async () => {
    const won = await claim('order-5', 1);
    await leaseExpired('order-5');
    expectError(await finish('order-5', 'complete', won.body.token), 409, 'conflict');
    expect((await claim('order-5')).status).toBe(201);
  });

  it('keeps keys of different groups apart and handles keys that need URL encoding', async () => {
    const topic = await createTopic(service.http);
    const other = (await createGroup(service.http, topic, { delivery: { type: 'pull' } })).name;
    const key = 'orders/42 ü?#';
    const here = await claim(key);
    expect(here.status).toBe(201);
    expect((await service.http.post(`/v1/consumer-groups/${other}/claims`, { key })).status).toBe(201);
    expect((await finish(key, 'complete', here.body.token)).status).toBe(200);
  });

  it('rejects bad input, unknown groups and other groups’ tokens', async () => {
    expectError(await service.http.post(claims(), {}), 400, 'validation_failed');
    expectError(await service.http.post(claims(), { key: '' }), 400, 'validation_failed');
    expectError(await service.http.post(claims(), { key: 'k', leaseSeconds: 0 }), 400, 'validation_failed');
    expectError(await service.http.post(claims(), { key: 'k', extra: 1 }), 400, 'validation_failed');
    expectError(await service.http.post(`${claims()}/k/complete`, {}), 400, 'validation_failed');
    expectError(
      await service.http.post('/v1/consumer-groups/no-such-group/claims', { key: 'k' }),
      404,
      'not_found',
    );
    const key = await service.http.post('/v1/admin/api-keys', {
      name: 'x',
      role: 'consumer',
      consumerGroups: ['x'],
    });
    expectError(await service.http.withToken(key.body.token).post(claims(), { key: 'k' }), 403, 'forbidden');
  });

  it('pushes one message per key within the window, and the key again after it', async () => {
    const consumer = await startHttpPeer();
    try {
      const topic = await createTopic(service.http);
      const pushGroup = await createGroup(service.http, topic, {
        delivery: { type: 'push', url: consumer.url },
        dedupe: { by: 'key', windowSeconds: 2 },
      });
      // "First" is the first pushed: in a group that is not ordered two messages with one key may
      // be pushed at once, so the repeat is sent once the first has arrived.
      const first = await send(service.http, topic, { body: 1, key: 'k' });
      await expectEventually(async () => expect(consumer.received.map((r) => r.body.id)).toContain(first));
      const duplicate = await send(service.http, topic, { body: 2, key: 'k' });
      const other = await send(service.http, topic, { body: 3, key: 'j' });
      const keyless = await send(service.http, topic, { body: 4 });
      await expectEventually(async () => {
        const rows = await service.env.db.query(
          `SELECT count(*)::int AS n FROM deliveries WHERE message_id = ANY ($1) AND state = 'acked'`,
          [[first, duplicate, other, keyless]],
        );
        expect(rows.rows[0].n).toBe(4);
      });
      expect(consumer.received.map((r) => r.body.id).sort()).toEqual([first, other, keyless].sort());
      const skipped = await service.env.db.query(
        `SELECT a.outcome FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.message_id = $1`,
        [duplicate],
      );
      expect(skipped.rows).toEqual([{ outcome: 'deduplicated' }]);

      await expired(`${service.env.redisPrefix}:dedupe:${pushGroup.name}:key:k`);
      const later = await send(service.http, topic, { body: 5, key: 'k' });
      await expectEventually(async () => expect(consumer.received.map((r) => r.body.id)).toContain(later));
    } finally {
      await consumer.close();
    }
  });

  it('hands a pull receiver one message per key within the window', async () => {
    const topic = await createTopic(service.http);
    const pull = await createGroup(service.http, topic, {
      delivery: { type: 'pull' },
      dedupe: { by: 'key', windowSeconds: 600 },
    });
    const ids = [
      await send(service.http, topic, { body: 1, key: 'same' }),
      await send(service.http, topic, { body: 2, key: 'same' }),
      await send(service.http, topic, { body: 3, key: 'else' }),
    ];
    const received = await service.http.post(`/v1/consumer-groups/${pull.name}/receive`, {
      waitSeconds: 0,
      maxMessages: 10,
    });
    expect(received.body.messages.map((m: any) => m.message.id)).toEqual([ids[0], ids[2]]);
    const stats = (await service.http.get(`/v1/consumer-groups/${pull.name}`)).body.stats;
    expect(stats).toMatchObject({ ready: 0, inflight: 2, ackedTotal: 1 });
  });
});
